// The Slack part of the demo transcript: each post the Slack stand-in showed, its blocks as text, its charts as files.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SlackPost } from '../fakes/slack-standin.server.js';

interface BlockLike {
  type: string;
  text?: { text?: string };
  fields?: { text?: string }[];
  elements?: { text?: string }[];
}

function blockLines(block: BlockLike): string[] {
  const texts = [block.text?.text, ...(block.fields ?? []).map((field) => field.text)];
  if (block.type === 'context') texts.push(...(block.elements ?? []).map((element) => element.text));
  return texts.filter((text): text is string => Boolean(text));
}

/** Markdown for the transcript, and the chart files written beside it (their paths). */
export async function slackTranscript(
  outDir: string,
  posts: readonly SlackPost[],
): Promise<{ markdown: string[]; files: string[]; json: unknown[] }> {
  const markdown: string[] = ['# Slack', '', 'Every message the local Slack stand-in showed, in order.', ''];
  const files: string[] = [];
  const json: unknown[] = [];
  for (const [index, post] of posts.entries()) {
    const shown = post.responseType === 'ephemeral' ? ' (only the caller sees it)' : '';
    markdown.push(`## S${index + 1}. ${post.via} · channel ${post.channelId}${shown}`, '');
    const lines = (post.blocks as BlockLike[] | undefined)?.flatMap(blockLines) ?? [post.text ?? ''];
    markdown.push(lines.map((line) => `> ${line.replace(/\n/g, '\n> ')}`).join('\n'), '');
    const written: string[] = [];
    for (const file of post.files) {
      const name = `slack-${String(index + 1).padStart(2, '0')}-${file.filename}`;
      await writeFile(join(outDir, name), file.data);
      markdown.push(`![${file.title ?? file.filename}](${name})`, '');
      written.push(name);
      files.push(join(outDir, name));
    }
    json.push({
      ...post,
      files: post.files.map(({ data: _data, ...file }, n) => ({ ...file, file: written[n] })),
    });
  }
  return { markdown, files, json };
}
