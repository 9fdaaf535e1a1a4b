// Formats the platform-neutral reply as a Slack message: Block Kit blocks plus the notification text.
import type { types } from '@slack/bolt';
import type { Reply, ReplyField } from '../core/reply.js';

export type SlackBlock = types.KnownBlock;

export interface SlackMessage {
  /** Notifications and screen readers read this; the blocks are what the channel shows. */
  text: string;
  blocks: SlackBlock[];
}

// Slack's Block Kit limits: a longer text or one block too many rejects the whole message.
const LIMITS = { header: 150, section: 3000, field: 2000, context: 3000, fallback: 3000, altText: 2000 };
const FIELDS_PER_SECTION = 10;
/** Slack allows 50 blocks; one is left for the command adapter's "asked by" line (slack-commands.ts). */
const MAX_BLOCKS = 49;
/** Room to close a code fence at the end of a split section and reopen it at the start of the next. */
const FENCE_REPAIR = '```\n'.length + '\n```'.length;
// Private-use characters mark text already in Slack form while the rest is converted; input loses any it had.
const KEEP_OPEN = '\uE000';
const KEEP_CLOSE = '\uE001';
const KEPT = /\uE000(\d+)\uE001/g;

/** Slack reads `&`, `<` and `>` as control characters: escaped, no text can become a link or a mention. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Discord markdown → Slack mrkdwn: **bold**, *italic*, ~~strike~~ and [label](https://…) links converted,
 * code and quotes kept, everything else escaped first, so `<@U1>` or `<!here>` in a player's name stays text.
 * `<#C123>` channel links (what the subscription commands write) are kept: they name a channel, ping no one.
 */
export function toMrkdwn(markdown: string): string {
  const clean = markdown.replace(/[\uE000\uE001]/g, '');
  // Code is escaped but otherwise left alone: Slack still parses `<…>` inside code spans.
  return clean
    .split(/(```[\s\S]*?```|`[^`\n]+`)/)
    .map((part, index) => (index % 2 === 1 ? escapeMrkdwn(part) : prose(part)))
    .join('');
}

function prose(text: string): string {
  const kept: string[] = [];
  const keep = (mrkdwn: string) => `${KEEP_OPEN}${kept.push(mrkdwn) - 1}${KEEP_CLOSE}`;
  // `\*` stays a star, out of reach of the rules below; mrkdwn itself has no escape, so Slack may still pair it.
  const escaped = escapeMrkdwn(
    text
      .replace(/\\([\\*_~`|>[\]()#])/g, (_match, char: string) => keep(escapeMrkdwn(char)))
      .replace(/<#[A-Z0-9]+>/g, (channel) => keep(channel)),
  );
  const linked = escaped
    .replace(
      /\[([^\]\n]+)\]\((?:&lt;)?(https?:\/\/[^\s)]+?)(?:&gt;)?\)/g,
      (_match, label: string, url: string) => keep(`<${linkUrl(url)}|${label.replace(/\|/g, '∣')}>`),
    )
    // Discord's `<https://…>` only hides the preview; Slack links it the same way.
    .replace(/&lt;(https?:\/\/\S+?)&gt;/g, (_match, url: string) => keep(`<${linkUrl(url)}>`))
    // Bare URLs keep their underscores and stars out of the emphasis rules.
    .replace(/https?:\/\/[^\s*]+/g, (url) => keep(url))
    .replace(/^&gt;(?:&gt;&gt;)? /gm, (quote) => quote.replace(/&gt;/g, '>'));
  // A kept part may hold another (an escaped character inside a link label): restore until none is left.
  const restore = (converted: string): string =>
    converted.replace(KEPT, (_match, index: string) => restore(kept[Number(index)] ?? ''));
  return restore(emphasis(linked));
}

/** A `|` would end the URL part of Slack's `<url|label>`. */
function linkUrl(url: string): string {
  return url.replace(/\|/g, '%7C');
}

function emphasis(text: string): string {
  return (
    stars(text)
      .replace(/~~(?=\S)([^\n]*?\S)~~/g, '~$1~')
      // Slack has no underline: the words stay, the markers go.
      .replace(/__(?=\S)([^\n]*?\S)__/g, '$1')
  );
}

/** `**bold**` → `*bold*` and `*italic*` → `_italic_` in one pass, so a converted bold is not read as italic. */
function stars(text: string): string {
  return text.replace(
    /\*\*(?=\S)([^\n]*?\S)\*\*|\*(?=[^\s*])([^\n*]*?[^\s*])\*/g,
    (_match, bold: string | undefined, italic: string | undefined) =>
      bold !== undefined ? `*${stars(bold)}*` : `_${italic}_`,
  );
}

/**
 * The reply as Block Kit: title (a header, or a bold link when it has a URL), the text in sections of at most
 * 3,000 characters with the thumbnail beside the first, the fields ten to a section, then footer and
 * `imagesNote` as context. Images are not blocks: the caller uploads them as files.
 */
export function toSlackMessage(reply: Reply, options: { imagesNote?: string } = {}): SlackMessage {
  const head: SlackBlock[] = [];
  const tail: SlackBlock[] = [];
  const title = reply.title?.trim();
  if (title) head.push(reply.url ? titleLink(title, reply.url) : header(title));
  const textSections = reply.text
    ? splitText(toMrkdwn(reply.text), LIMITS.section).map((chunk) => section(chunk))
    : [];
  if (reply.thumbnailUrl) {
    const thumbnail = { type: 'image', image_url: reply.thumbnailUrl, alt_text: altText(reply) } as const;
    const beside = textSections[0] ?? head.find((block) => block.type === 'section');
    if (beside?.type === 'section') beside.accessory = thumbnail;
    else head.push({ type: 'context', elements: [thumbnail] });
  }
  const body: SlackBlock[] = [...textSections, ...fieldSections(reply.fields ?? [])];
  if (reply.footer?.trim()) tail.push(context(reply.footer));
  if (options.imagesNote?.trim()) tail.push(context(options.imagesNote));
  const room = MAX_BLOCKS - head.length - tail.length;
  const shown = body.length > room ? [...body.slice(0, room - 1), context('…')] : body;
  return { text: fallbackText(reply), blocks: [...head, ...shown, ...tail] };
}

function header(title: string): SlackBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: clip(title, LIMITS.header, false), emoji: true },
  };
}

function titleLink(title: string, url: string): SlackBlock {
  const label = escapeMrkdwn(clip(title, LIMITS.header, false)).replace(/\|/g, '∣');
  return section(`*<${linkUrl(escapeMrkdwn(url))}|${label}>*`);
}

function section(mrkdwn: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn } };
}

function context(markdown: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(toMrkdwn(markdown), LIMITS.context) }] };
}

function altText(reply: Reply): string {
  return clip(reply.title?.trim() || 'Thumbnail', LIMITS.altText, false);
}

function fieldSections(fields: readonly ReplyField[]): SlackBlock[] {
  const texts = fields.flatMap((field) => {
    const name = field.name.trim() ? `*${toMrkdwn(field.name)}*` : '';
    const value = toMrkdwn(field.value);
    const text = [name, value].filter((part) => part.trim() !== '').join('\n');
    return text ? [{ type: 'mrkdwn' as const, text: clip(text, LIMITS.field) }] : [];
  });
  const sections: SlackBlock[] = [];
  for (let start = 0; start < texts.length; start += FIELDS_PER_SECTION) {
    sections.push({ type: 'section', fields: texts.slice(start, start + FIELDS_PER_SECTION) });
  }
  return sections;
}

/** The title, else the text's first line, without markdown; escaped, because Slack parses this text too. */
function fallbackText(reply: Reply): string {
  const source =
    reply.title?.trim() ||
    reply.text
      ?.split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ||
    '';
  const plain = source
    .replace(/\[([^\]\n]+)\]\(<?https?:\/\/[^\s)]+?>?\)/g, '$1')
    .replace(/\*\*|__|~~|`/g, '')
    .replace(/(^|[^\w*])[*_](?=\S)([^\n*_]*?\S)[*_](?![\w*])/g, '$1$2');
  return clip(escapeMrkdwn(plain), LIMITS.fallback);
}

/** Splits on line boundaries (a line too long on its own at a space), keeping code fences balanced per part. */
function splitText(text: string, max: number): string[] {
  if (text.length <= max) return text.trim() ? [text] : [];
  const budget = max - FENCE_REPAIR;
  const chunks: string[] = [];
  let current: string | undefined;
  for (const line of text.split('\n')) {
    for (const piece of line.length > budget ? hardSplit(line, budget) : [line]) {
      if (current === undefined) current = piece;
      else if (current.length + 1 + piece.length <= budget) current += `\n${piece}`;
      else {
        chunks.push(current);
        current = piece;
      }
    }
  }
  if (current !== undefined) chunks.push(current);
  let inCode = false;
  return chunks
    .map((chunk) => {
      const reopened = inCode ? `\`\`\`\n${chunk}` : chunk;
      if ((chunk.match(/```/g) ?? []).length % 2 === 1) inCode = !inCode;
      return inCode ? `${reopened}\n\`\`\`` : reopened;
    })
    .filter((chunk) => chunk.trim() !== '');
}

function hardSplit(line: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max);
    const end = safeEnd(rest, space > max / 2 ? space : max, true);
    pieces.push(rest.slice(0, end));
    rest = rest.slice(end).replace(/^ /, '');
  }
  pieces.push(rest);
  return pieces;
}

/** At most `max` characters, ending with … when cut. */
function clip(text: string, max: number, mrkdwn = true): string {
  return text.length <= max ? text : `${text.slice(0, safeEnd(text, max - 1, mrkdwn))}…`;
}

/** Where to cut at or before `end`: not inside an emoji's surrogate pair, a `<…>` link or an `&…;` escape. */
function safeEnd(text: string, end: number, mrkdwn: boolean): number {
  let cut = end;
  if (mrkdwn) {
    const open = text.lastIndexOf('<', cut - 1);
    if (open > 0 && text.indexOf('>', open) >= cut) cut = open;
    const amp = text.lastIndexOf('&', cut - 1);
    if (amp > 0 && amp >= cut - 4 && text.indexOf(';', amp) >= cut) cut = amp;
  }
  const code = text.charCodeAt(cut - 1);
  return code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
}
