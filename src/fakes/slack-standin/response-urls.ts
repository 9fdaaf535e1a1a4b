// Slack stand-in: response_url endpoints — at most 5 uses within 30 minutes, JSON messages like chat.postMessage.
import { randomBytes } from 'node:crypto';
import type { StandinCore } from './core.js';
import { parseMessageContent } from './messages.js';
import { SlackApiError, isRecord } from './wire.js';

/** Slack lets an app use a response_url up to five times within thirty minutes of the interaction. */
const MAX_USES = 5;
const LIFETIME_MS = 30 * 60_000;

export interface ResponseUrlContext {
  teamId?: string;
  channelId?: string;
  /** The user who ran the command (ephemeral replies are shown to them). */
  userId?: string;
}

interface IssuedResponseUrl extends ResponseUrlContext {
  issuedAt: number;
  uses: number;
}

export interface ResponseUrlReply {
  status: number;
  body: unknown;
}

export class ResponseUrls {
  private readonly issued = new Map<string, IssuedResponseUrl>();

  constructor(private readonly core: StandinCore) {}

  issue(context: ResponseUrlContext = {}): string {
    const id = `${context.teamId ?? 'T0'}/${randomBytes(6).readUIntBE(0, 6)}/${randomBytes(12).toString('base64url')}`;
    this.issued.set(id, { ...context, issuedAt: this.core.now(), uses: 0 });
    return `${this.core.origin()}/response/${id}`;
  }

  /** POST to a response_url: refusals as HTTP status + text (Bolt's respond() throws on any non-2xx). */
  receive(id: string, contentType: string, raw: Buffer): ResponseUrlReply {
    const entry = this.issued.get(id);
    if (!entry) return { status: 404, body: 'no_such_url' };
    if (this.core.now() - entry.issuedAt > LIFETIME_MS) return { status: 404, body: 'expired_url' };
    if (entry.uses >= MAX_USES) return { status: 404, body: 'used_url' };
    if (contentType !== 'application/json') return { status: 400, body: 'invalid_payload' };
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      return { status: 400, body: 'invalid_payload' };
    }
    if (!isRecord(payload)) return { status: 400, body: 'invalid_payload' };
    const deleteOriginal = payload.delete_original === true || payload.delete_original === 'true';
    let content;
    try {
      content = parseMessageContent(payload, { requireContent: !deleteOriginal });
    } catch (error) {
      if (error instanceof SlackApiError) return { status: 400, body: error.error };
      throw error;
    }
    entry.uses += 1;
    const responseType = payload.response_type === 'in_channel' ? 'in_channel' : 'ephemeral';
    const threadTs = typeof payload.thread_ts === 'string' ? payload.thread_ts : undefined;
    this.core.log.record({
      via: 'response_url',
      teamId: entry.teamId ?? '',
      channelId: entry.channelId ?? '',
      ts: this.core.world.nextTs(entry.channelId ?? ''),
      ...(threadTs ? { threadTs } : {}),
      ...(content.text !== undefined ? { text: content.text } : {}),
      ...(content.blocks ? { blocks: content.blocks } : {}),
      files: [],
      responseType,
      replaceOriginal: payload.replace_original === true || payload.replace_original === 'true',
      ...(deleteOriginal ? { deleteOriginal } : {}),
      ...(entry.userId ? { userId: entry.userId } : {}),
    });
    return { status: 200, body: { ok: true } };
  }
}
