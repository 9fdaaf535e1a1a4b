// A Discord and Slack 5xx storm during a fan-out: every alert is retried through it and posted exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../src/bin/service.js';
import { startDiscordStandin, type DiscordStandin } from '../src/fakes/discord-standin.server.js';
import { startSlackStandin, type SlackStandin } from '../src/fakes/slack-standin.server.js';
import { startValveReplay, type ValveReplay } from '../src/fakes/valve-replay.server.js';
import { createLogger } from '../src/log.js';
import { notifyDeliverJob } from '../src/notify/deliver.job.js';
import { upsertSubscription } from '../src/store/subscriptions.repo.js';
import {
  alertChannel,
  deliveryStatuses,
  queueFanOut,
  serviceConfig,
  serviceEnv,
  VITALITY,
} from '../test/support/service-harness.js';
import { createTestDatabase, type TestDatabase } from '../test/support/test-db.js';
import { countBy } from './support/count-by.js';
import { faultRow } from './support/fault-row.js';
import { until } from './support/until.js';

const TEAM = 'T0STORM001';
const DISCORD_CHANNELS = Array.from({ length: 20 }, (_, i) => alertChannel(i));
const SLACK_CHANNELS = Array.from({ length: 10 }, (_, i) => `C0STORM${String(i).padStart(3, '0')}`);
/** discord.js retries a 5xx 3 times itself: 2 in a row are absorbed there, 5 in a row reach our ledger. */
const ABSORBED = 2;
const PAST_THE_CLIENT = 5;
const DISCORD_STATUSES = [500, 502, 503, 504];

describe('a chat-platform 5xx storm during fan-out', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let discord: DiscordStandin;
  let slack: SlackStandin;
  let worker: Service;

  beforeAll(async () => {
    test = await createTestDatabase();
    valve = await startValveReplay();
    discord = await startDiscordStandin();
    slack = await startSlackStandin();
  });
  afterAll(async () => {
    await worker?.stop(0);
    await Promise.all([discord.close(), slack.close(), valve.close()]);
    await test.drop();
  });

  it('retries every alert through the storm and posts each exactly once', async () => {
    const row = faultRow('Discord/Slack 5xx storm');
    const workspace = slack.addWorkspace({ teamId: TEAM });
    for (const id of SLACK_CHANNELS) slack.addChannel(TEAM, { id, name: id.toLowerCase() });
    const env = serviceEnv(test.url, valve, discord, {
      SLACK_BOT_TOKEN: workspace.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
    });
    worker = await startService(serviceConfig(env, 'worker'), createLogger('silent'), { role: 'worker' });
    for (const channel_id of SLACK_CHANNELS)
      await upsertSubscription(test.db, {
        platform: 'slack',
        guild_id: TEAM,
        channel_id,
        target_kind: 'team',
        target_id: VITALITY,
        created_by: 'U0ADMIN001',
      });

    DISCORD_CHANNELS.forEach((channelId, i) => {
      const failures = i % 4 === 0 ? PAST_THE_CLIENT : ABSORBED;
      for (let n = 0; n < failures; n += 1)
        discord.failNext(`/channels/${channelId}/messages`, DISCORD_STATUSES[(i + n) % 4] ?? 500);
    });
    // A 503 on the posting step may hide a post, so its retry first reads the channel's history, which Slack
    // allows once a minute per workspace: one such failure per workspace keeps the row short.
    slack.failNext('files.completeUploadExternal', 'service_unavailable', { status: 503 });
    row.did(
      `queued 5xx answers: ${DISCORD_CHANNELS.length} Discord channels ${ABSORBED} or ${PAST_THE_CLIENT} in a row (500/502/503/504), Slack a 503 on the posting step`,
    );
    await queueFanOut(test.db, worker.runtime.ingest, DISCORD_CHANNELS);
    row.did(
      `queued one alert for ${DISCORD_CHANNELS.length} Discord and ${SLACK_CHANNELS.length} Slack channels`,
    );

    // The every-minute sweep, run each second so the row waits only the ledger's own retry backoff.
    const started = Date.now();
    const final = await until(
      async () => {
        await worker.runtime.scheduler.enqueue(notifyDeliverJob, {});
        return deliveryStatuses(test.db);
      },
      (statuses) => statuses.sent === DISCORD_CHANNELS.length + SLACK_CHANNELS.length || !!statuses.failed,
      150_000,
    );

    const discordErrors = discord.requests.filter((request) => request.status >= 500).length;
    const slackErrors = slack.calls.filter((call) => call.error === 'service_unavailable').length;
    const retried = await test
      .db('deliveries')
      .where('attempts', '>', 1)
      .count<{ count: string }[]>('* as count');
    expect(final).toEqual({ sent: DISCORD_CHANNELS.length + SLACK_CHANNELS.length });
    expect(discordErrors).toBe(DISCORD_CHANNELS.reduce((sum, _, i) => sum + (i % 4 === 0 ? 5 : 2), 0));
    expect(slackErrors).toBe(1);
    expect(Number(retried[0]?.count)).toBeGreaterThan(0);
    row.checked(
      `${discordErrors} Discord 5xx and ${slackErrors} Slack errors answered; ${retried[0]?.count} deliveries took more than one attempt; ledger ${JSON.stringify(final)} after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const discordPosts = countBy(
      discord.messages.filter((message) => message.via === 'channel'),
      (message) => message.channelId,
    );
    const slackPosts = countBy(slack.posts, (post) => post.channelId);
    expect(Object.keys(discordPosts).sort()).toEqual([...DISCORD_CHANNELS].sort());
    expect(Object.keys(slackPosts).sort()).toEqual([...SLACK_CHANNELS].sort());
    expect([...Object.values(discordPosts), ...Object.values(slackPosts)].every((count) => count === 1)).toBe(
      true,
    );
    row.checked(
      `${Object.keys(discordPosts).length} Discord and ${Object.keys(slackPosts).length} Slack channels hold the alert, each exactly once`,
    );
  });
});
