// Writes what the Discord and Slack stand-ins received as PNG files plus a JSON and a Markdown transcript.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StandinMessage } from '../fakes/discord-standin.server.js';
import type { SlackPost } from '../fakes/slack-standin.server.js';
import type { WebhookDelivery } from '../fakes/stripe-standin.server.js';
import { slackTranscript } from './slack-transcript.js';

interface EmbedLike {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
  image?: { url: string };
}

const VIA_LABEL: Record<StandinMessage['via'], string> = {
  channel: 'Alert posted to channel',
  'interaction-callback': 'Interaction reply',
  'webhook-edit': 'Interaction reply (deferred, then edited)',
  'webhook-followup': 'Interaction follow-up',
};

function embedMarkdown(embed: EmbedLike, images: Map<string, string>): string {
  const lines: string[] = [];
  if (embed.title) lines.push(`**${embed.title}**`);
  if (embed.description) lines.push(embed.description);
  for (const field of embed.fields ?? []) lines.push(`*${field.name}*`, field.value);
  const image = embed.image?.url.replace('attachment://', '');
  if (image && images.has(image)) lines.push(`![${image}](${images.get(image)})`);
  if (embed.footer) lines.push(`_${embed.footer.text}_`);
  return lines.map((line) => `> ${line.replace(/\n/g, '\n> ')}`).join('\n');
}

/** Returns the paths written, images first. */
export async function writeTranscript(
  outDir: string,
  messages: readonly StandinMessage[],
  slackPosts: readonly SlackPost[],
  stripeWebhooks: readonly WebhookDelivery[],
  extra: Record<string, unknown>,
): Promise<string[]> {
  const written: string[] = [];
  const markdown: string[] = [
    '# DataDrivenDota demo transcript',
    '',
    '# Discord',
    '',
    'Every message the local Discord stand-in received, in order.',
    '',
  ];
  const json = [];
  for (const [index, message] of messages.entries()) {
    const images = new Map<string, string>();
    for (const attachment of message.attachments) {
      const file = `${String(index + 1).padStart(2, '0')}-${attachment.filename}`;
      await writeFile(join(outDir, file), attachment.data);
      images.set(attachment.filename, file);
      written.push(join(outDir, file));
    }
    markdown.push(`## ${index + 1}. ${VIA_LABEL[message.via]} · channel ${message.channelId}`, '');
    if (message.content) markdown.push(message.content, '');
    for (const embed of message.embeds as EmbedLike[]) markdown.push(embedMarkdown(embed, images), '');
    json.push({
      ...message,
      attachments: message.attachments.map((a) => ({
        filename: a.filename,
        bytes: a.data.length,
        file: images.get(a.filename),
      })),
    });
  }
  const slack = await slackTranscript(outDir, slackPosts);
  markdown.push(...slack.markdown);
  written.push(...slack.files);
  const webhooks = stripeWebhooks.map(({ eventId, type, status, body }) => ({ eventId, type, status, body }));
  markdown.push(
    '# Stripe',
    '',
    'Every signed webhook the Stripe stand-in delivered to /stripe/webhook, and our answer.',
    '',
    ...webhooks.map((w) => `- \`${w.type}\` ${w.eventId} → ${w.status} ${w.body}`),
    '',
  );
  await writeFile(
    join(outDir, 'transcript.json'),
    `${JSON.stringify({ messages: json, slack: slack.json, stripeWebhooks: webhooks, ...extra }, null, 2)}\n`,
  );
  await writeFile(join(outDir, 'transcript.md'), `${markdown.join('\n')}\n`);
  written.push(join(outDir, 'transcript.md'), join(outDir, 'transcript.json'), join(outDir, 'matches.json'));
  return written;
}
