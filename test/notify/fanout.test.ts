// One stored match fanned out through the real notifier and discord.js REST to the Discord stand-in's limits.
import type { REST } from 'discord.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../src/bots/discord/discord-rest.js';
import { createDiscordSender } from '../../src/bots/discord/discord-sender.js';
import {
  startDiscordStandin,
  type DiscordStandin,
  type DiscordStandinOptions,
} from '../../src/fakes/discord-standin.server.js';
import { matchSeqJob } from '../../src/ingest/jobs/match-seq.job.js';
import { createLogger } from '../../src/log.js';
import { queueDeliveries } from '../../src/notify/deliveries.repo.js';
import { createNotifier, type Notifier } from '../../src/notify/notifier.js';
import { createRenderer, type Renderer } from '../../src/render/renderer.js';
import { upsertSubscription, type TargetKind } from '../../src/store/subscriptions.repo.js';
import { useReplaySuite } from '../support/replay-suite.js';

const PRO_MATCH = 8591933650;
const PRO_MATCH_SEQ = 7215564751;
// Three radiant players of the match (Vitality Warriors won) and one dire player.
const UNDERLORD = 177062248;
const PUDGE = 279486190;
const HOODWINK = 294245092;
const OGRE_MAGI = 214494274;
const VITALITY = 9048057;
const log = createLogger('silent');
const channel = (n: number): string => String(1300000000000000000n + BigInt(n));

describe('alert fan-out through the Discord stand-in', () => {
  const suite = useReplaySuite();
  let render: Renderer;
  let discord: DiscordStandin | undefined;
  const rests: REST[] = [];

  beforeAll(async () => {
    render = createRenderer();
    await matchSeqJob.run(
      { ...suite.ingest, enqueue: () => Promise.resolve() },
      { start_at_match_seq_num: PRO_MATCH_SEQ, matches_requested: 1 },
    );
  });
  afterAll(async () => {
    await render.close();
  });
  beforeEach(async () => {
    await suite.test.db.raw('TRUNCATE deliveries, subscriptions CASCADE');
  });
  afterEach(async () => {
    for (const rest of rests.splice(0)) {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    }
    await discord?.close();
  });

  async function standin(options: DiscordStandinOptions = {}): Promise<DiscordStandin> {
    discord = await startDiscordStandin(options);
    return discord;
  }

  function notifier(standinServer: DiscordStandin, globalPerSecond?: number): Notifier {
    const rest = createDiscordRest(standinServer.restBaseUrl, standinServer.botToken, {
      ...(globalPerSecond ? { globalPerSecond } : {}),
    });
    rests.push(rest);
    return createNotifier({ db: suite.test.db, render, senders: [createDiscordSender(rest)], log });
  }

  async function subscribe(channelId: string, kind: TargetKind, targetId: number): Promise<void> {
    await upsertSubscription(suite.test.db, {
      platform: 'discord',
      guild_id: '1200000000000000000',
      channel_id: channelId,
      target_kind: kind,
      target_id: targetId,
      created_by: '1200000000000000009',
    });
  }

  /** What storing the match does for new matches, for the subscriptions made after it was stored. */
  async function queueAlerts(): Promise<number> {
    return suite.test.db.transaction((trx) => queueDeliveries(trx, [PRO_MATCH], new Date(0)));
  }

  const posts = (server: DiscordStandin) => server.messages.filter((message) => message.via === 'channel');
  const description = (embeds: unknown[]): string =>
    (embeds[0] as { description?: string } | undefined)?.description ?? '';
  const statusesOf = (server: DiscordStandin, channelId: string) =>
    server.requests.filter((r) => r.path === `/api/v10/channels/${channelId}/messages`).map((r) => r.status);

  it('when a channel follows three players of the same match, then it gets one message naming all three', async () => {
    const server = await standin();
    for (const player of [HOODWINK, OGRE_MAGI, UNDERLORD]) await subscribe(channel(1), 'player', player);
    await subscribe(channel(2), 'player', PUDGE);
    expect(await queueAlerts()).toBe(2);

    expect(await notifier(server).deliverPending()).toMatchObject({ sent: 2, failed: 0, retried: 0 });

    const [first, ...others] = posts(server).filter((post) => post.channelId === channel(1));
    expect(others).toHaveLength(0);
    const lines = description(first?.embeds ?? []).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/^🔔 \*\*.+\*\* won as \*\*.+\*\* \(9\/3\/15\)$/),
      expect.stringMatching(/^🔔 \*\*.+\*\* won as \*\*.+\*\* \(11\/3\/16\)$/),
      expect.stringMatching(/^🔔 \*\*.+\*\* lost as \*\*.+\*\* \(2\/10\/8\)$/),
    ]);
    expect(lines[3]).not.toMatch(/^🔔/);
    expect(description(first?.embeds ?? [])).toContain(`https://stratz.com/matches/${PRO_MATCH}`);
    const [pudgeAlert] = posts(server).filter((post) => post.channelId === channel(2));
    expect(description(pudgeAlert?.embeds ?? []).split('\n')[1]).not.toMatch(/^🔔/);
  });

  it('when one match goes to 120 channels under a low global limit, then each channel gets exactly one message and none is rate limited', async () => {
    const server = await standin({ globalLimit: 30 });
    const channels = Array.from({ length: 120 }, (_, i) => channel(100 + i));
    for (const id of channels) await subscribe(id, 'team', VITALITY);
    expect(await queueAlerts()).toBe(120);

    const totals = await notifier(server, 30).deliverPending();

    expect(totals).toEqual({ sent: 120, failed: 0, retried: 0, skipped: 0 });
    expect(server.rateLimitedCount).toBe(0);
    expect(
      posts(server)
        .map((post) => post.channelId)
        .sort(),
    ).toEqual(channels);
    expect(
      await suite.test.db('deliveries').whereNot({ status: 'sent' }).count<{ count: number }[]>(),
    ).toEqual([{ count: 0 }]);
  });

  it('when two notifiers sharing the bot token drain the same 120 deliveries at once, then each channel gets exactly one message', async () => {
    const server = await standin({ globalLimit: 30 });
    const channels = Array.from({ length: 120 }, (_, i) => channel(300 + i));
    for (const id of channels) await subscribe(id, 'player', UNDERLORD);
    await queueAlerts();

    // Two processes on one token split the global limit between them.
    const results = await Promise.all([
      notifier(server, 15).deliverPending(),
      notifier(server, 15).deliverPending(),
    ]);

    expect(results.reduce((sum, totals) => sum + totals.sent, 0)).toBe(120);
    expect(results.every((totals) => totals.sent > 0)).toBe(true);
    expect(server.rateLimitedCount).toBe(0);
    expect(
      posts(server)
        .map((post) => post.channelId)
        .sort(),
    ).toEqual(channels);
  });

  it('when Discord answers 500 once, then discord.js retries at once and the channel gets one message', async () => {
    const server = await standin();
    await subscribe(channel(500), 'player', PUDGE);
    await queueAlerts();
    server.failNext(`/channels/${channel(500)}/messages`, 500);

    expect(await notifier(server).deliverPending()).toMatchObject({ sent: 1, retried: 0 });

    expect(statusesOf(server, channel(500))).toEqual([500, 200]);
    expect(posts(server)).toHaveLength(1);
    expect(await suite.test.db('deliveries').first()).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('when Discord answers 500 past the retries of discord.js, then the ledger retries after its backoff and the channel gets one message', async () => {
    const server = await standin();
    await subscribe(channel(501), 'player', PUDGE);
    await queueAlerts();
    for (let i = 0; i < 4; i += 1) server.failNext(`/channels/${channel(501)}/messages`, 502);
    const sender = notifier(server);

    expect(await sender.deliverPending()).toMatchObject({ sent: 0, retried: 1 });
    expect(await suite.test.db('deliveries').first()).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: expect.stringContaining('502') as unknown,
    });
    expect(await sender.deliverPending()).toMatchObject({ sent: 0, retried: 0 }); // still backing off
    await suite.test
      .db('deliveries')
      .update({ claimed_at: suite.test.db.raw(`claimed_at - interval '1 hour'`) });
    expect(await sender.deliverPending()).toMatchObject({ sent: 1, retried: 0 });

    expect(statusesOf(server, channel(501))).toEqual([502, 502, 502, 502, 200]);
    expect(posts(server)).toHaveLength(1);
    expect(await suite.test.db('deliveries').first()).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('when a channel no longer exists, then its delivery fails, its subscriptions are paused with a readable reason, and the other channels still get theirs', async () => {
    const [alive, deleted, alsoAlive] = [channel(600), channel(601), channel(602)];
    const server = await standin({ channels: [alive, alsoAlive] });
    await subscribe(alive, 'player', PUDGE);
    await subscribe(deleted, 'player', PUDGE);
    await subscribe(deleted, 'team', VITALITY);
    await subscribe(alsoAlive, 'team', VITALITY);
    await queueAlerts();

    expect(await notifier(server).deliverPending()).toEqual({ sent: 2, failed: 1, retried: 0, skipped: 0 });

    expect(
      posts(server)
        .map((post) => post.channelId)
        .sort(),
    ).toEqual([alive, alsoAlive]);
    expect(await suite.test.db('deliveries').where({ channel_id: deleted }).first()).toMatchObject({
      status: 'failed',
      last_error: expect.stringContaining('404') as unknown,
    });
    const paused = await suite.test
      .db('subscriptions')
      .whereNotNull('paused_at')
      .select<{ channel_id: string; pause_reason: string }[]>('channel_id', 'pause_reason');
    expect(paused).toEqual([
      {
        channel_id: deleted,
        pause_reason:
          'Discord: Unknown Channel (404) — the channel was deleted or the bot can no longer see it',
      },
      {
        channel_id: deleted,
        pause_reason:
          'Discord: Unknown Channel (404) — the channel was deleted or the bot can no longer see it',
      },
    ]);
  });

  it('when the channel unsubscribed after the alert was queued, then nothing is posted there', async () => {
    const server = await standin();
    await subscribe(channel(700), 'player', PUDGE);
    await queueAlerts();
    await suite.test
      .db('subscriptions')
      .where({ channel_id: channel(700) })
      .delete();

    expect(await notifier(server).deliverPending()).toEqual({ sent: 0, failed: 0, retried: 0, skipped: 1 });
    expect(posts(server)).toHaveLength(0);
    expect(await suite.test.db('deliveries').first()).toMatchObject({ status: 'failed' });
  });
});
