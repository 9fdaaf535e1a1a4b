// Discord stand-in: request bodies (JSON or multipart), Discord's message validation rules, error envelopes, wire objects.

import { Request } from 'undici';

/** An error the stand-in answers with Discord's envelope `{ message, code }` (plus `errors` for form errors). */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DiscordHttpError';
  }

  body(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }
}

/** Discord's 50035 "Invalid Form Body" with one field error, shaped like the real `errors` tree. */
export function invalidFormBody(path: string, errorCode: string, message: string): DiscordHttpError {
  const errors: Record<string, unknown> = {};
  let node = errors;
  const parts = path.split('.');
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      node[part] = { _errors: [{ code: errorCode, message }] };
    } else {
      const next: Record<string, unknown> = {};
      node[part] = next;
      node = next;
    }
  });
  return new DiscordHttpError(400, 50035, 'Invalid Form Body', errors);
}

export interface UploadedFile {
  /** Form field name, e.g. `files[0]`; discord.js numbers them by position. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface ParsedBody {
  payload: Record<string, unknown>;
  files: UploadedFile[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DiscordHttpError(400, 50109, 'The request body contains invalid JSON.');
  }
  if (!isRecord(parsed)) throw new DiscordHttpError(400, 50109, 'The request body contains invalid JSON.');
  return parsed;
}

/**
 * Reads a body the way Discord accepts it: `application/json`, or `multipart/form-data` with `payload_json`
 * and `files[n]` parts (how discord.js uploads attachments). An empty body is an empty payload.
 */
export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0) return { payload: {}, files: [] };
  if (type === 'application/json') return { payload: parseJsonObject(raw.toString('utf8')), files: [] };
  if (type === 'multipart/form-data') {
    // undici's Request implements the multipart parser fetch() uses, so boundaries and quoting match browsers.
    let form: Awaited<ReturnType<Request['formData']>>;
    try {
      form = await new Request('http://standin.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType ?? '' },
        body: raw,
      }).formData();
    } catch {
      throw new DiscordHttpError(400, 50109, 'The request body contains invalid JSON.');
    }
    let payload: Record<string, unknown> = {};
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') payload = parseJsonObject(value);
        else payload[field] = value;
      } else {
        files.push({
          field,
          filename: value.name,
          contentType: value.type || 'application/octet-stream',
          data: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { payload, files };
  }
  // Discord only reads JSON or multipart bodies; anything else never parses as a payload.
  throw new DiscordHttpError(400, 50109, 'The request body contains invalid JSON.');
}

export interface ValidationLimits {
  /** Per-file upload limit in bytes (10 MiB for an unboosted guild). */
  attachmentSizeLimit: number;
}

const embedFieldLimits: [string, number][] = [
  ['title', 256],
  ['description', 4096],
];

function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/** Enforces the message limits discord.js does not check client-side, so oversize replies fail in tests too. */
export function validateMessagePayload(
  payload: Record<string, unknown>,
  files: UploadedFile[],
  limits: ValidationLimits,
  options: { allowEmpty?: boolean } = {},
): void {
  const { content, embeds } = payload;
  if (content !== undefined && content !== null && typeof content !== 'string') {
    throw invalidFormBody('content', 'BASE_TYPE_STRING', 'Must be a string.');
  }
  if (typeof content === 'string' && content.length > 2000) {
    throw invalidFormBody('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  if (embeds !== undefined && embeds !== null) {
    if (!Array.isArray(embeds)) throw invalidFormBody('embeds', 'LIST_TYPE_CONVERT', 'Must be an array.');
    if (embeds.length > 10)
      throw invalidFormBody('embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
    let total = 0;
    embeds.forEach((embed: unknown, i) => {
      if (!isRecord(embed)) throw invalidFormBody(`embeds.${i}`, 'DICT_TYPE_CONVERT', 'Must be an object.');
      for (const [key, max] of embedFieldLimits) {
        const length = textLength(embed[key]);
        total += length;
        if (length > max) {
          throw invalidFormBody(
            `embeds.${i}.${key}`,
            'BASE_TYPE_MAX_LENGTH',
            `Must be ${max} or fewer in length.`,
          );
        }
      }
      const fields = embed.fields;
      if (Array.isArray(fields)) {
        if (fields.length > 25) {
          throw invalidFormBody(
            `embeds.${i}.fields`,
            'BASE_TYPE_MAX_LENGTH',
            'Must be 25 or fewer in length.',
          );
        }
        fields.forEach((field: unknown, j) => {
          const name = isRecord(field) ? field.name : undefined;
          const value = isRecord(field) ? field.value : undefined;
          if (
            typeof name !== 'string' ||
            name.length === 0 ||
            typeof value !== 'string' ||
            value.length === 0
          ) {
            throw invalidFormBody(`embeds.${i}.fields.${j}`, 'BASE_TYPE_REQUIRED', 'This field is required');
          }
          if (name.length > 256 || value.length > 1024) {
            throw invalidFormBody(`embeds.${i}.fields.${j}`, 'BASE_TYPE_MAX_LENGTH', 'Field is too long.');
          }
          total += name.length + value.length;
        });
      }
      if (isRecord(embed.footer)) total += textLength(embed.footer.text);
      if (isRecord(embed.author)) total += textLength(embed.author.name);
    });
    // Discord's 6000-character budget spans every embed of the message together.
    if (total > 6000) {
      throw invalidFormBody('embeds', 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
    }
  }
  if (files.length > 10)
    throw invalidFormBody('files', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  for (const file of files) {
    if (file.data.length > limits.attachmentSizeLimit) {
      throw new DiscordHttpError(413, 40005, 'Request entity too large');
    }
  }
  const hasContent = typeof content === 'string' && content.length > 0;
  const hasEmbeds = Array.isArray(embeds) && embeds.length > 0;
  const hasOther = ['components', 'sticker_ids', 'poll'].some((key) => {
    const value = payload[key];
    return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null;
  });
  if (!options.allowEmpty && !hasContent && !hasEmbeds && files.length === 0 && !hasOther) {
    throw new DiscordHttpError(400, 50006, 'Cannot send an empty message');
  }
}

let snowflakeIncrement = 0n;
const discordEpoch = 1420070400000n;

/** A real-format snowflake (timestamp << 22 | increment) so discord.js can derive createdAt from it. */
export function snowflake(now: number): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(Math.floor(now)) - discordEpoch) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

export function isSnowflake(value: string): boolean {
  return /^\d{15,21}$/.test(value);
}

export interface StoredAttachment {
  id: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface StoredMessage {
  id: string;
  channelId: string;
  content: string;
  embeds: unknown[];
  attachments: StoredAttachment[];
  flags: number;
  createdAt: number;
  editedAt: number | null;
  webhookId?: string;
  interaction?: { id: string; type: number; user: unknown };
}

/** Pairs uploaded files with the `attachments` metadata discord.js sends (`{ id: index, filename }`). */
export function attachmentsFrom(
  payload: Record<string, unknown>,
  files: UploadedFile[],
  newId: () => string,
): StoredAttachment[] {
  const declared = Array.isArray(payload.attachments) ? payload.attachments : [];
  return files.map((file, index) => {
    const key = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(index);
    const meta: unknown = declared.find((a: unknown) => isRecord(a) && String(a.id) === key);
    const filename = isRecord(meta) && typeof meta.filename === 'string' ? meta.filename : file.filename;
    return { id: newId(), filename, contentType: file.contentType, data: file.data };
  });
}

export interface BotIdentity {
  id: string;
  username: string;
}

/** A message object complete enough for discord.js to build a `Message` from it. */
export function messageObject(
  message: StoredMessage,
  author: BotIdentity,
  attachmentBaseUrl: string,
  applicationId: string,
): Record<string, unknown> {
  return {
    id: message.id,
    type: message.interaction ? 20 : 0,
    channel_id: message.channelId,
    content: message.content,
    embeds: message.embeds,
    attachments: message.attachments.map((a) => {
      const url = `${attachmentBaseUrl}/${message.channelId}/${a.id}/${encodeURIComponent(a.filename)}`;
      return {
        id: a.id,
        filename: a.filename,
        size: a.data.length,
        url,
        proxy_url: url,
        content_type: a.contentType,
      };
    }),
    author: {
      id: author.id,
      username: author.username,
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
    },
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: message.editedAt === null ? null : new Date(message.editedAt).toISOString(),
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
    components: [],
    flags: message.flags,
    ...(message.webhookId ? { webhook_id: message.webhookId, application_id: applicationId } : {}),
    ...(message.interaction
      ? {
          // discord.js builds a User from interaction_metadata.user, so it must be a whole user object.
          interaction_metadata: {
            id: message.interaction.id,
            type: message.interaction.type,
            user: isRecord(message.interaction.user)
              ? message.interaction.user
              : { id: '0', username: 'unknown', discriminator: '0', global_name: null, avatar: null },
            authorizing_integration_owners: {},
          },
        }
      : {}),
  };
}

export function numberField(payload: Record<string, unknown>, key: string): number | undefined {
  const value = payload[key];
  return typeof value === 'number' ? value : undefined;
}

export function recordField(
  payload: Record<string, unknown>,
  key: string,
): Record<string, unknown> | undefined {
  const value = payload[key];
  return isRecord(value) ? value : undefined;
}

export { isRecord };
