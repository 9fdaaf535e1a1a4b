// Posts alerts to Discord channels for the notifier; `enforce_nonce` makes a repeated send a no-op.
import { randomBytes } from 'node:crypto';
import { Routes, type RawFile, type REST } from 'discord.js';
import type { ChatSender } from '../../notify/notifier.js';
import { classifyDiscordError } from './discord-rest.js';
import { toDiscordMessage } from './discord-message.js';

/**
 * A send gives up after this long, queueing behind rate limits included, so a live notifier never holds a claimed
 * delivery past the ledger's stale-claim time (2 minutes), after which another process may take it over.
 */
export const SEND_DEADLINE_MS = 60_000;

function bytes(data: RawFile['data']): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(String(data));
}

const quoted = (value: string): string => value.replace(/["\r\n]/g, (c) => encodeURIComponent(c));

/**
 * The multipart body Discord expects (`payload_json` + `files[n]`), as one Buffer. discord.js would build a
 * FormData of Blobs that undici streams out through web streams: measured 7.7 ms of CPU per alert with three
 * charts (~280 KB) against 3.7 ms for the whole send this way — at Discord's 50/s, 38 % of a core against 19 %.
 */
export function encodeMultipart(
  payload: object,
  files: readonly RawFile[],
): { body: Buffer; contentType: string } {
  const boundary = `ddd${randomBytes(16).toString('hex')}`;
  const parts: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\n` +
        `Content-Type: application/json\r\n\r\n${JSON.stringify(payload)}\r\n`,
    ),
  ];
  files.forEach((file, index) => {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files[${index}]"; filename="${quoted(file.name)}"\r\n` +
          `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      bytes(file.data),
      Buffer.from('\r\n'),
    );
  });
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function createDiscordSender(rest: REST): ChatSender {
  return {
    platform: 'discord',
    async send({ channelId, nonce }, reply) {
      const message = toDiscordMessage(reply);
      // Discord dedupes on nonce for a few minutes: a retry after a lost response returns the first message.
      const payload = { ...message.body, nonce: nonce.slice(0, 25), enforce_nonce: true };
      const signal = AbortSignal.timeout(SEND_DEADLINE_MS);
      try {
        let posted: { id: string };
        if (message.files.length === 0) {
          posted = (await rest.post(Routes.channelMessages(channelId), { body: payload, signal })) as {
            id: string;
          };
        } else {
          const { body, contentType } = encodeMultipart(payload, message.files);
          posted = (await rest.post(Routes.channelMessages(channelId), {
            body,
            passThroughBody: true,
            headers: { 'Content-Type': contentType },
            signal,
          })) as { id: string };
        }
        return { messageId: posted.id };
      } catch (error) {
        throw classifyDiscordError(error, `post to channel ${channelId}`);
      }
    },
  };
}
