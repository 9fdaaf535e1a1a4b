// What reaches a log line from a failed Discord call: the error, without the interaction token it names.
import { Writable } from 'node:stream';
import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

describe('the logger', () => {
  it('when a discord.js error for an interaction webhook is logged, then its token and request body are not in the line', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const token = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5OnNlY3JldHRva2Vu';
    const url = `https://discord.com/api/v10/webhooks/1100000000000000001/${token}/messages/@original`;
    const error = new DiscordAPIError({ code: 10015, message: 'Unknown Webhook' }, 10015, 404, 'PATCH', url, {
      body: { content: token },
      files: [],
    });

    log.error({ err: error }, 'follow-up failed');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('/webhooks/1100000000000000001/[redacted]');
    expect(lines[0]).toContain('Unknown Webhook');
    expect(lines[0]).not.toContain(token);
  });
});
