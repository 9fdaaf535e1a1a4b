// League recaps to Slack through the real ledger, notifier and WebClient: once per channel, even across a notifier restart.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSenderClient } from '../../src/bots/slack/slack-app.js';
import { installedBots } from '../../src/bots/slack/slack-bots.js';
import { createSlackInstallations } from '../../src/bots/slack/slack-installations.repo.js';
import { createSlackSender } from '../../src/bots/slack/slack-sender.js';
import { createTokenSeal } from '../../src/bots/slack/token-seal.js';
import { startSlackStandin, type SlackStandin } from '../../src/fakes/slack-standin.server.js';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { leagueHistoryJob } from '../../src/ingest/jobs/league-history.job.js';
import { createLogger } from '../../src/log.js';
import { claimDeliveries, type DeliveryRow } from '../../src/notify/deliveries.repo.js';
import { createNotifier, type ChatSender } from '../../src/notify/notifier.js';
import { createRenderer } from '../../src/render/renderer.js';
import { upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { createJobRunner } from '../support/job-runner.js';
import { replayIngest } from '../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/** Shipped match 8591933650 was played in league 16110 (json_files/steam/odota_GetMatchHistoryBySequenceNum.json). */
const LEAGUE = 16110;
const LEAGUE_MATCH = 8591933650;
const TEAM = 'T0RECAPS01';
const log = createLogger('silent');

let database: TestDatabase;
let valve: ValveReplay;
let standin: SlackStandin;
/** How far the stand-in's clock runs ahead: its per-minute history limit is passed by moving it, not by waiting. */
let slackClockAhead = 0;
const installations = () => createSlackInstallations(database.db, createTokenSeal(KEY));
const KEY = randomBytes(32);

/** A notifier as a fresh process would build it: its own WebClient and sender over the same database. */
function slackSender(): ChatSender {
  return createSlackSender({
    client: createSenderClient(standin.apiUrl, log),
    bots: installedBots(installations()),
    log,
  });
}
const notifier = () =>
  createNotifier({ db: database.db, render: createRenderer(), senders: [slackSender()], log });

async function subscribeChannel(channelId: string): Promise<void> {
  standin.addChannel(TEAM, { id: channelId, name: channelId.toLowerCase() });
  await upsertSubscription(database.db, {
    platform: 'slack',
    guild_id: TEAM,
    channel_id: channelId,
    target_kind: 'league',
    target_id: LEAGUE,
    created_by: 'U0ADMIN001',
  });
}

const postsIn = (channelId: string) => standin.posts.filter((post) => post.channelId === channelId);

beforeAll(async () => {
  database = await createTestDatabase();
  ({ valve } = await replayIngest(database.db));
  standin = await startSlackStandin({ now: () => Date.now() + slackClockAhead });
  const workspace = standin.addWorkspace({ teamId: TEAM, teamName: 'League watchers' });
  await installations().storeInstallation({
    team: { id: TEAM, name: workspace.teamName },
    enterprise: undefined,
    user: { id: workspace.installerUserId, token: undefined, scopes: undefined },
    bot: {
      token: workspace.botToken,
      scopes: ['chat:write'],
      id: workspace.botId,
      userId: workspace.botUserId,
    },
    isEnterpriseInstall: false,
  });
});

afterAll(async () => {
  await standin?.close();
  await valve?.close();
  await database?.drop();
});

describe('league recaps to Slack', () => {
  beforeEach(async () => {
    await database.db.raw('TRUNCATE matches, match_players, deliveries, subscriptions CASCADE');
  });

  it('when a league match is stored, then every subscribed channel gets the recap with its charts, once', async () => {
    await subscribeChannel('C0LEAGUEA1');
    await subscribeChannel('C0LEAGUEB1');
    const { ingest } = await replayIngest(database.db);
    // Storing the match queues notify.deliver, which this worker runs with its notifier.
    await createJobRunner(ingest, notifier()).run(leagueHistoryJob, { league_id: LEAGUE });

    const ledger = await database.db('deliveries').select('status');
    expect(ledger).toEqual([{ status: 'sent' }, { status: 'sent' }]);
    for (const channel of ['C0LEAGUEA1', 'C0LEAGUEB1']) {
      const [recap, ...more] = postsIn(channel);
      expect(more).toHaveLength(0);
      expect(recap?.via).toBe('files.completeUploadExternal');
      expect(JSON.stringify(recap?.blocks)).toContain('New match in');
      expect(JSON.stringify(recap?.blocks)).toContain(String(LEAGUE_MATCH));
      expect(recap?.files.length).toBeGreaterThan(0);
      expect(recap?.files.every((file) => file.pngSignatureOk)).toBe(true);
    }
    // A second pass (or a second notifier) finds nothing left to send.
    expect(await notifier().deliverPending()).toMatchObject({ sent: 0 });
    expect(postsIn('C0LEAGUEA1')).toHaveLength(1);
  });

  it('when a notifier dies mid-send and another takes over, then each channel still gets the recap exactly once', async () => {
    await subscribeChannel('C0POSTED01');
    await subscribeChannel('C0NOTSENT1');
    const { ingest } = await replayIngest(database.db);
    // A worker that cannot post to Slack stores the match and leaves its deliveries queued.
    const noChat = createNotifier({ db: database.db, render: createRenderer(), senders: [], log });
    await createJobRunner(ingest, noChat).run(leagueHistoryJob, { league_id: LEAGUE });

    // The first notifier claims both, posts to one, and dies before recording anything.
    const claimed = await claimDeliveries(database.db, 10, ['slack']);
    const byChannel = new Map(claimed.map((row) => [row.channel_id, row]));
    const posted = byChannel.get('C0POSTED01') as DeliveryRow;
    // The claim is backdated 3 minutes below so that it goes stale; its post is dated with it, as a real crash's
    // post follows its claim within seconds (the takeover reads history around the claim).
    slackClockAhead = -180_000;
    const first = await slackSender().send(
      {
        channelId: posted.channel_id,
        guildId: posted.guild_id,
        nonce: `ddd-${posted.id}`,
      },
      { text: 'the recap the first notifier sent', image: await recapImage() },
    );
    slackClockAhead = 0;
    // Its claims go stale (the ledger's 2 minutes), so a new process may take them over.
    await database.db('deliveries').update({ claimed_at: database.db.raw(`now() - interval '3 minutes'`) });

    // Both were in flight, so both check the channel first; Slack allows non-Marketplace apps one history read
    // a minute per workspace, so the second waits that minute out without spending an attempt.
    // Which of the two reads history first is up to the race between the notifier's senders.
    expect(await notifier().deliverPending()).toMatchObject({ sent: 1, failed: 0, retried: 1 });
    expect(postsIn('C0POSTED01')).toHaveLength(1);
    expect(postsIn('C0NOTSENT1').length).toBeLessThanOrEqual(1);
    slackClockAhead += 61_000;
    await database.db('deliveries').whereNotNull('not_before').update({ not_before: database.db.fn.now() });

    expect(await notifier().deliverPending()).toMatchObject({ sent: 1, failed: 0, retried: 0 });
    expect(postsIn('C0POSTED01')).toHaveLength(1);
    expect(postsIn('C0NOTSENT1')).toHaveLength(1);
    const ledger = await database.db('deliveries').select('channel_id', 'status', 'attempts', 'message_id');
    expect(ledger).toEqual(
      expect.arrayContaining([
        { channel_id: 'C0POSTED01', status: 'sent', attempts: 2, message_id: first.messageId },
        expect.objectContaining({ channel_id: 'C0NOTSENT1', status: 'sent', attempts: 2 }),
      ]),
    );
  });
});

/** One real chart, so the first notifier's post takes the same files path as a recap. */
async function recapImage() {
  const png = await createRenderer().netWorthChart({
    title: `Match ${LEAGUE_MATCH}`,
    metric: 'net_worth',
    players: [
      { name: 'Radiant carry', hero: 'Anti-Mage', team: 'radiant', value: 31_000 },
      { name: 'Dire carry', hero: 'Faceless Void', team: 'dire', value: 27_500 },
    ],
  });
  return { filename: `match-${LEAGUE_MATCH}.png`, png, description: 'Net worth per player' };
}
