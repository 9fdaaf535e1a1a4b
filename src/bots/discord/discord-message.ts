// Formats the platform-neutral reply as a Discord message: one embed, the chart as an attachment.
import { MessageFlags, type APIEmbed, type RawFile } from 'discord.js';
import type { Reply, ReplyImage } from '../core/reply.js';

export interface DiscordMessage {
  body: {
    content?: string;
    embeds: APIEmbed[];
    attachments: { id: number; filename: string; description: string }[];
    flags?: number;
    allowed_mentions: { parse: never[] };
  };
  files: RawFile[];
}

// Discord's embed limits: longer text is rejected, not truncated.
const MAX_EMBEDS = 10;
const LIMITS = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024, footer: 2048 };

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function toDiscordMessage(reply: Reply): DiscordMessage {
  const embed: APIEmbed = {};
  if (reply.title) embed.title = cut(reply.title, LIMITS.title);
  if (reply.url) embed.url = reply.url;
  if (reply.text) embed.description = cut(reply.text, LIMITS.description);
  if (reply.thumbnailUrl) embed.thumbnail = { url: reply.thumbnailUrl };
  if (reply.color !== undefined) embed.color = reply.color;
  if (reply.footer) embed.footer = { text: cut(reply.footer, LIMITS.footer) };
  if (reply.fields?.length) {
    embed.fields = reply.fields.map((field) => ({
      name: cut(field.name, LIMITS.fieldName),
      value: cut(field.value, LIMITS.fieldValue),
      inline: field.inline ?? false,
    }));
  }
  const files: RawFile[] = [];
  const attachments: DiscordMessage['body']['attachments'] = [];
  const embeds: APIEmbed[] = [embed];
  const attach = (image: ReplyImage): { url: string } => {
    files.push({ name: image.filename, data: image.png, contentType: 'image/png' });
    attachments.push({ id: attachments.length, filename: image.filename, description: image.description });
    return { url: `attachment://${image.filename}` };
  };
  if (reply.image) embed.image = attach(reply.image);
  // Discord allows 10 embeds a message: one per extra chart, in the reply's colour.
  for (const image of (reply.moreImages ?? []).slice(0, MAX_EMBEDS - 1)) {
    embeds.push({ image: attach(image), ...(reply.color !== undefined ? { color: reply.color } : {}) });
  }
  return {
    // Recaps quote player names: never let one ping @everyone or a role.
    body: {
      embeds,
      attachments,
      allowed_mentions: { parse: [] },
      ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
    },
    files,
  };
}
