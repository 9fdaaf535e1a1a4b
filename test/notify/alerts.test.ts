// Match alerts end to end: the real scheduler, ledger, notifier and discord.js REST against the Discord stand-in.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscribePlayerCommand } from '../../src/bots/core/commands/subscribe.command.js';
import type { CommandContext, Invocation } from '../../src/bots/core/command-context.js';
import { createDiscordRest } from '../../src/bots/discord/discord-rest.js';
import { createDiscordSender } from '../../src/bots/discord/discord-sender.js';
import { startDiscordStandin, type DiscordStandin } from '../../src/fakes/discord-standin.server.js';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import { matchSeqJob } from '../../src/ingest/jobs/match-seq.job.js';
import { playerHistoryJob } from '../../src/ingest/jobs/player-history.job.js';
import { createScheduler, type Scheduler } from '../../src/ingest/scheduler.js';
import { createLogger } from '../../src/log.js';
import { notifyDeliverJob } from '../../src/notify/deliver.job.js';
import { createNotifier, type Notifier } from '../../src/notify/notifier.js';
import { createRenderer } from '../../src/render/renderer.js';
import { createPgPool } from '../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { replayIngest } from '../support/replay-ingest.js';
import type pg from 'pg';

const PRO_PLAYER = 177062248;
const PRO_MATCH = 8591933650;
const CHANNEL_A = '1200000000000000001';
const CHANNEL_B = '1200000000000000002';
const log = createLogger('silent');

function invocation(channelId: string): Invocation {
  return {
    platform: 'discord',
    userId: '1200000000000000009',
    guildId: '1200000000000000000',
    channelId,
    canManageGuild: true,
  };
}

describe('match alerts through the real scheduler, ledger and Discord REST', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let ingest: IngestContext;
  let discord: DiscordStandin;
  let pool: pg.Pool;
  let scheduler: Scheduler;
  let notifier: () => Notifier;

  beforeAll(async () => {
    test = await createTestDatabase();
    ({ ingest, valve } = await replayIngest(test.db));
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });
  beforeEach(async () => {
    await test.db.raw(
      'TRUNCATE matches, match_players, players, teams, leagues, deliveries, subscriptions, agenda_jobs CASCADE',
    );
    discord = await startDiscordStandin();
    const rest = createDiscordRest(discord.restBaseUrl, discord.botToken);
    notifier = () =>
      createNotifier({ db: test.db, render: createRenderer(), senders: [createDiscordSender(rest)], log });
    pool = createPgPool(test.url, () => undefined);
    scheduler = createScheduler({
      pool,
      jobs: [playerHistoryJob, matchSeqJob, notifyDeliverJob],
      context: { ...ingest, notifier: notifier() },
      log,
      processEveryMs: 200,
    });
  });
  afterEach(async () => {
    await scheduler.stop();
    await pool.end();
    await discord.close();
  });

  function commandContext(): CommandContext {
    return {
      db: test.db,
      ingest,
      render: createRenderer(),
      log,
      clock: ingest.clock,
      enqueue: scheduler.enqueue,
      settings: { freeSubscriptionsPerGuild: 5, premiumSubscriptionsPerGuild: 100 },
    };
  }

  const channelPosts = () => discord.messages.filter((message) => message.via === 'channel');

  it('when a subscribed player has a new match and ingest runs twice, then exactly one alert is posted', async () => {
    await subscribePlayerCommand.run(commandContext(), { player: String(PRO_PLAYER) }, invocation(CHANNEL_A));
    await scheduler.start();
    await scheduler.whenIdle(30_000);
    expect(channelPosts()).toHaveLength(1);

    await scheduler.enqueue(playerHistoryJob, { account_id: PRO_PLAYER });
    await scheduler.enqueue(matchSeqJob, { start_at_match_seq_num: 7215564751, matches_requested: 1 });
    await scheduler.whenIdle(30_000);

    const posts = channelPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.channelId).toBe(CHANNEL_A);
    expect(JSON.stringify(posts[0]?.embeds)).toContain(`match ${PRO_MATCH}`);
    expect(posts[0]?.attachments[0]?.data.subarray(1, 4).toString()).toBe('PNG');
    const deliveries = await test.db('deliveries').select('match_id', 'channel_id', 'status', 'message_id');
    expect(deliveries).toEqual([
      { match_id: PRO_MATCH, channel_id: CHANNEL_A, status: 'sent', message_id: posts[0]?.id },
    ]);
  });

  it('when the match is older than the alert window, then it is stored without an alert', async () => {
    await subscribePlayerCommand.run(commandContext(), { player: String(PRO_PLAYER) }, invocation(CHANNEL_A));
    await scheduler.stop();
    const lateIngest = {
      ...ingest,
      clock: { ...ingest.clock, now: () => ingest.clock.now() + 7 * 60 * 60_000 },
    };
    await matchSeqJob.run(
      { ...lateIngest, enqueue: scheduler.enqueue },
      { start_at_match_seq_num: 7215564751, matches_requested: 1 },
    );
    expect(await test.db('matches').where({ match_id: PRO_MATCH }).first()).toBeDefined();
    expect(await test.db('deliveries').select()).toEqual([]);
  });

  it('when two notifiers drain the same pending deliveries at once, then each channel gets the recap once', async () => {
    const ctx = commandContext();
    await subscribePlayerCommand.run(ctx, { player: String(PRO_PLAYER) }, invocation(CHANNEL_A));
    await subscribePlayerCommand.run(ctx, { player: String(PRO_PLAYER) }, invocation(CHANNEL_B));
    await matchSeqJob.run(
      { ...ingest, enqueue: () => Promise.resolve() },
      { start_at_match_seq_num: 7215564751, matches_requested: 1 },
    );

    const results = await Promise.all([notifier().deliverPending(), notifier().deliverPending()]);

    expect(results.reduce((sum, totals) => sum + totals.sent, 0)).toBe(2);
    expect(
      channelPosts()
        .map((post) => post.channelId)
        .sort(),
    ).toEqual([CHANNEL_A, CHANNEL_B]);
  });

  it('when the channel refuses the bot, then the delivery fails permanently and the subscription is paused', async () => {
    await subscribePlayerCommand.run(commandContext(), { player: String(PRO_PLAYER) }, invocation(CHANNEL_A));
    discord.forbidChannel(CHANNEL_A);
    await matchSeqJob.run(
      { ...ingest, enqueue: () => Promise.resolve() },
      { start_at_match_seq_num: 7215564751, matches_requested: 1 },
    );

    expect(await notifier().deliverPending()).toEqual({ sent: 0, failed: 1, retried: 0, skipped: 0 });
    expect(await test.db('deliveries').first()).toMatchObject({ status: 'failed' });
    const subscription = await test
      .db('subscriptions')
      .first<{ paused_at: Date | null; pause_reason: string }>();
    expect(subscription?.paused_at).toBeInstanceOf(Date);
    expect(subscription?.pause_reason).toBe(
      'Discord: Missing Access (403) — the bot lost permission to post in this channel',
    );
    expect(await test.db('deliveries').first()).toMatchObject({
      last_error: expect.stringContaining('403') as unknown,
    });
    expect(channelPosts()).toHaveLength(0);
  });
});
