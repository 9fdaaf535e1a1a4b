// The notifier's Discord sender over real discord.js REST against the stand-in: embeds, PNGs, refusals, nonces.
import type { REST } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../../src/bots/core/reply.js';
import {
  classifyDiscordError,
  createDiscordRest,
  createRequestPacer,
  type PacerTicket,
} from '../../../src/bots/discord/discord-rest.js';
import { createDiscordSender } from '../../../src/bots/discord/discord-sender.js';
import { isAppError } from '../../../src/errors.js';
import { startDiscordStandin, type DiscordStandin } from '../../../src/fakes/discord-standin.server.js';
import type { ChatSender } from '../../../src/notify/notifier.js';
import { createRenderer } from '../../../src/render/renderer.js';
import { PNG_SIGNATURE } from '../../support/discord-harness.js';

let standin: DiscordStandin;
let rest: REST;
let sender: ChatSender;
let reply: Reply;

beforeAll(async () => {
  standin = await startDiscordStandin();
  rest = createDiscordRest(standin.restBaseUrl, standin.botToken);
  sender = createDiscordSender(rest);
  const png = await createRenderer().netWorthChart({
    title: 'Match 8591933650 — net worth at the end',
    metric: 'net_worth',
    players: [
      { name: 'Radiant carry', hero: 'Anti-Mage', team: 'radiant', value: 31_000 },
      { name: 'Dire carry', hero: 'Faceless Void', team: 'dire', value: 27_500 },
    ],
  });
  reply = {
    title: 'Radiant victory — match 8591933650',
    text: 'A recap',
    fields: [{ name: 'Radiant 🏆', value: '**Anti-Mage** · Radiant carry · 10/1/5' }],
    image: { filename: 'match-8591933650.png', png, description: 'Net worth per player' },
  };
});

afterAll(async () => {
  rest?.clearHashSweeper();
  rest?.clearHandlerSweeper();
  await standin?.close();
});

/** A first-try delivery to the test channel; `nonce` is what makes a repeat harmless. */
const to = (channelId: string, nonce: string) => ({
  channelId,
  guildId: null,
  nonce,
});

function postsTo(channelId: string) {
  return standin.messages.filter((message) => message.channelId === channelId && message.via === 'channel');
}

describe('createDiscordSender', () => {
  it('when it sends a recap, then the channel gets one message with the embed and the PNG attached', async () => {
    const channel = '1400000000000000001';
    const { messageId } = await sender.send(to(channel, 'ddd-1'), reply);

    const [posted, ...rest] = postsTo(channel);
    expect(rest).toHaveLength(0);
    expect(posted?.id).toBe(messageId);
    const embed = posted?.embeds[0] as { title?: string; image?: { url?: string } } | undefined;
    expect(embed?.title).toBe(reply.title);
    expect(embed?.image?.url).toBe('attachment://match-8591933650.png');
    expect(posted?.attachments).toHaveLength(1);
    expect(posted?.attachments[0]?.filename).toBe('match-8591933650.png');
    expect(posted?.attachments[0]?.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('when the channel is forbidden, then it rejects with a permanent AppError and posts nothing', async () => {
    const channel = '1400000000000000002';
    standin.forbidChannel(channel);

    const error: unknown = await sender.send(to(channel, 'ddd-2'), reply).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(isAppError(error)).toBe(true);
    expect(isAppError(error) && error.kind).toBe('permanent');
    expect(isAppError(error) && error.message).toContain('403');
    expect(postsTo(channel)).toHaveLength(0);
  });

  it('when the same nonce is sent twice to a channel, then the second send returns the first message and nothing new is posted', async () => {
    const channel = '1400000000000000003';
    const first = await sender.send(to(channel, 'ddd-3'), reply);
    const second = await sender.send(to(channel, 'ddd-3'), reply);
    const other = await sender.send(to(channel, 'ddd-4'), reply);

    expect(second.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
    expect(postsTo(channel).map((message) => message.id)).toEqual([first.messageId, other.messageId]);
  });

  it('when a nonce is longer than Discord allows, then only its first 25 characters are sent and dedupe still holds', async () => {
    const channel = '1400000000000000004';
    const long = `ddd-${'9'.repeat(40)}`;
    const first = await sender.send(to(channel, long), reply);
    const again = await sender.send(to(channel, long), reply);

    expect(again.messageId).toBe(first.messageId);
    expect(postsTo(channel)).toHaveLength(1);
  });
});

describe('createRequestPacer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Takes `count` tickets and records, in fake milliseconds, when each one was let go. */
  function takeAll(count: number, limit = 3) {
    vi.useFakeTimers({ now: 0 });
    const pacer = createRequestPacer(limit, 1000, () => Date.now());
    const released: number[] = [];
    const tickets: PacerTicket[] = [];
    for (let i = 0; i < count; i += 1) {
      void pacer.take().then((ticket) => {
        released.push(Date.now());
        tickets.push(ticket);
      });
    }
    return { released, tickets };
  }

  it('when requests queue up after a pause, then a few go at once and the rest one per interval', async () => {
    const { released } = takeAll(8, 10);
    await vi.advanceTimersByTimeAsync(1000);
    expect(released).toEqual([0, 0, 0, 0, 0, 0, 100, 200]);
  });

  it('when the oldest of the last `limit` requests is answered late, then the next waits for that answer plus the window', async () => {
    const { released, tickets } = takeAll(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(released).toHaveLength(3); // the first is still unanswered: its arrival time is unknown
    await vi.advanceTimersByTimeAsync(4000);
    expect(released).toHaveLength(3);
    tickets[0]?.done(); // answered at 5,000: it arrived no later than that
    await vi.advanceTimersByTimeAsync(999);
    expect(released).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(released).toEqual([0, 0, 0, 6000]);
  });

  it('when a waiting request is aborted, then it rejects and leaves its place to the next', async () => {
    vi.useFakeTimers({ now: 0 });
    const pacer = createRequestPacer(1, 1000, () => Date.now());
    (await pacer.take()).done();
    const controller = new AbortController();
    const aborted = pacer.take(controller.signal).then(
      () => 'released',
      (error: Error) => error.name,
    );
    const next = pacer.take();
    controller.abort();
    expect(await aborted).toBe('AbortError');
    await vi.advanceTimersByTimeAsync(1000);
    await expect(next).resolves.toBeDefined();
  });
});

describe('classifyDiscordError', () => {
  it('when Discord refuses with 403, 404 or another 4xx, then the error is permanent with a short sentence for /dota status', () => {
    const refusal = (status: number, code: number, message: string) =>
      classifyDiscordError(Object.assign(new Error(message), { status, code }), 'post to channel 1');

    expect(refusal(403, 50001, 'Missing Access').userMessage).toBe(
      'Discord: Missing Access (403) — the bot lost permission to post in this channel',
    );
    expect(refusal(403, 50013, 'Missing Permissions').userMessage).toBe(
      'Discord: Missing Permissions (403) — the bot may not send messages or attach files in this channel',
    );
    expect(refusal(404, 10003, 'Unknown Channel').userMessage).toBe(
      'Discord: Unknown Channel (404) — the channel was deleted or the bot can no longer see it',
    );
    expect(refusal(404, 10003, 'Unknown Channel').kind).toBe('permanent');
    expect(refusal(404, 10003, 'Unknown Channel').message).toContain('404 (code 10003)');
  });

  it('when Discord answers 5xx, 429 or nothing, then the error is transient', () => {
    expect(classifyDiscordError(Object.assign(new Error('Bad Gateway'), { status: 502 }), 'x').kind).toBe(
      'transient',
    );
    expect(classifyDiscordError(Object.assign(new Error('slow down'), { status: 429 }), 'x').kind).toBe(
      'transient',
    );
    expect(classifyDiscordError(new Error('ECONNRESET'), 'x').kind).toBe('transient');
  });
});
