// The notifier's Slack sender over the real WebClient against the Slack stand-in: charts, limits, refusals, retries.
import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/oauth';
import type { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/bots/core/reply.js';
import { toSlackMessage } from '../../../src/bots/slack/block-kit.js';
import { createSenderClient } from '../../../src/bots/slack/slack-app.js';
import { installedBots } from '../../../src/bots/slack/slack-bots.js';
import {
  createSlackInstallations,
  TOKEN_REFUSED_REASON,
  type SlackInstallations,
} from '../../../src/bots/slack/slack-installations.repo.js';
import { createSlackSender } from '../../../src/bots/slack/slack-sender.js';
import { createTokenSeal } from '../../../src/bots/slack/token-seal.js';
import { isAppError, type AppError } from '../../../src/errors.js';
import {
  startSlackStandin,
  type SlackStandin,
  type StandinChannel,
  type StandinWorkspace,
} from '../../../src/fakes/slack-standin.server.js';
import { createLogger } from '../../../src/log.js';
import type { ChatSender, Destination } from '../../../src/notify/notifier.js';
import { createRenderer } from '../../../src/render/renderer.js';
import { upsertSubscription, type SubscriptionRow } from '../../../src/store/subscriptions.repo.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.js';

const log = createLogger('silent');
let database: TestDatabase;
let standin: SlackStandin;
let installations: SlackInstallations;
let client: WebClient;
let sender: ChatSender;
/** Two charts: the main image and one more, as a match recap carries them. */
let chartReply: Reply;
const textReply: Reply = {
  title: 'Radiant victory — match 8591933650',
  text: 'Radiant took it in **34 minutes**.',
  fields: [{ name: 'Radiant 🏆', value: '**Anti-Mage** · Radiant carry · 10/1/5' }],
};

beforeAll(async () => {
  database = await createTestDatabase();
  standin = await startSlackStandin();
  installations = createSlackInstallations(database.db, createTokenSeal(randomBytes(32)));
  client = createSenderClient(standin.apiUrl, log);
  sender = createSlackSender({ client, bots: installedBots(installations), log });
  const renderer = createRenderer();
  const chart = (title: string, radiant: number) =>
    renderer.netWorthChart({
      title,
      metric: 'net_worth',
      players: [
        { name: 'Radiant carry', hero: 'Anti-Mage', team: 'radiant', value: radiant },
        { name: 'Dire carry', hero: 'Faceless Void', team: 'dire', value: 27_500 },
      ],
    });
  chartReply = {
    ...textReply,
    image: {
      filename: 'match-8591933650.png',
      png: await chart('Net worth at the end', 31_000),
      description: 'Net worth per player',
    },
    moreImages: [
      {
        filename: 'match-8591933650-mid.png',
        png: await chart('Net worth at 20 minutes', 14_000),
        description: 'Net worth at 20 minutes',
      },
    ],
  };
});

afterAll(async () => {
  await standin?.close();
  await database?.drop();
});

let workspaces = 0;
let nonces = 0;

/**
 * A fresh workspace with the app installed and one channel (the bot is in it unless `channel` says otherwise).
 * One per test: Slack's limits (history: one call a minute) and a revoked token stay inside the test.
 */
async function installedWorkspace(
  options: { channel?: Partial<StandinChannel>; storedToken?: string } = {},
): Promise<{ workspace: StandinWorkspace; teamId: string; channelId: string }> {
  workspaces += 1;
  const teamId = `T0SEND${String(workspaces).padStart(4, '0')}`;
  const channelId = `C0ALERT${String(workspaces).padStart(4, '0')}`;
  const workspace = standin.addWorkspace({
    teamId,
    channels: [{ id: channelId, name: 'dota-alerts', ...options.channel }],
  });
  await installations.storeInstallation(installationOf(workspace, teamId, options.storedToken));
  return { workspace, teamId, channelId };
}

/** What OAuth would have stored for the stand-in workspace (or a token Slack never issued). */
function installationOf(
  workspace: StandinWorkspace,
  teamId: string,
  storedToken = workspace.botToken,
): Installation<'v2', false> {
  return {
    team: { id: teamId, name: workspace.teamName },
    enterprise: undefined,
    user: { id: workspace.installerUserId, token: undefined, scopes: undefined },
    bot: {
      token: storedToken,
      scopes: ['chat:write', 'files:write', 'channels:join', 'channels:history'],
      id: workspace.botId,
      userId: workspace.botUserId,
    },
    appId: standin.appId,
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}

/** A first try of a new delivery; a retry passes the same nonce and the time of the earlier try that may have posted. */
function delivery(teamId: string | null, channelId: string, retry: Partial<Destination> = {}): Destination {
  nonces += 1;
  return { channelId, guildId: teamId, nonce: `ddd-${nonces}`, ...retry };
}

/** The AppError a send rejects with; a send that succeeds (or throws anything else) fails the test. */
async function sendFails(destination: Destination, reply: Reply): Promise<AppError> {
  const outcome: unknown = await sender.send(destination, reply).then(
    (sent) => sent,
    (caught: unknown) => caught,
  );
  if (!isAppError(outcome))
    throw new Error(`expected the send to reject with an AppError, got ${String(outcome)}`);
  return outcome;
}

const postsIn = (teamId: string) => standin.posts.filter((post) => post.teamId === teamId);
const callsTo = (teamId: string, method: string) =>
  standin.calls.filter((call) => call.team === teamId && call.method === method);

describe('createSlackSender: posting', () => {
  it('when a reply has charts, then one message arrives with the Block Kit blocks and every chart as a PNG, and the returned id names its files', async () => {
    const { teamId, channelId } = await installedWorkspace();
    const to = delivery(teamId, channelId);

    const { messageId } = await sender.send(to, chartReply);

    const [posted, ...more] = postsIn(teamId);
    expect(more).toHaveLength(0);
    expect(posted?.via).toBe('files.completeUploadExternal');
    expect(posted?.channelId).toBe(channelId);
    expect(posted?.blocks).toEqual(toSlackMessage(chartReply).blocks);
    const charts = [chartReply.image, ...(chartReply.moreImages ?? [])];
    expect(posted?.files.map((file) => [file.filename, file.title, file.bytes, file.pngSignatureOk])).toEqual(
      charts.map((chart) => [`${to.nonce}-${chart?.filename}`, chart?.description, chart?.png.length, true]),
    );
    expect(messageId).toBe(`files:${posted?.files.map((file) => file.id).join(',')}`);
  });

  it('when a reply has no chart, then chat.postMessage posts it with metadata carrying the nonce and the id is its ts', async () => {
    const { teamId, channelId } = await installedWorkspace();
    const to = delivery(teamId, channelId);

    const { messageId } = await sender.send(to, textReply);

    const [posted, ...more] = postsIn(teamId);
    expect(more).toHaveLength(0);
    expect(posted?.via).toBe('chat.postMessage');
    expect(posted?.channelId).toBe(channelId);
    expect(posted?.blocks).toEqual(toSlackMessage(textReply).blocks);
    expect(posted?.text).toBe(toSlackMessage(textReply).text);
    expect(posted?.metadata).toEqual({ event_type: 'ddd_alert', event_payload: { nonce: to.nonce } });
    expect(messageId).toBe(posted?.ts);
  });
});

describe('createSlackSender: rate limits', () => {
  it.each([
    { kind: 'a chart', method: 'files.getUploadURLExternal', charts: 1 },
    { kind: 'a text', method: 'chat.postMessage', charts: 0 },
  ])(
    'when Slack answers $method with ratelimited and Retry-After 1, then the sender waits it out and $kind message arrives once',
    async ({ method, charts }) => {
      const { teamId, channelId } = await installedWorkspace();
      // One chart, so the refused upload URL is the only call of its method in flight.
      const reply = charts ? { ...chartReply, moreImages: undefined } : textReply;
      standin.failNext(method, 'ratelimited', { retryAfterSeconds: 1 });

      await sender.send(delivery(teamId, channelId), reply);

      expect(postsIn(teamId)).toHaveLength(1);
      const [refused, retried, ...more] = callsTo(teamId, method);
      expect(more).toHaveLength(0);
      expect(refused).toMatchObject({ ok: false, error: 'ratelimited' });
      expect(retried).toMatchObject({ ok: true });
      expect((retried?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    },
  );
});

describe('createSlackSender: refusals', () => {
  const channelCases = [
    { gone: 'deleted', reply: 'chart', expected: 'channel_not_found' },
    { gone: 'deleted', reply: 'text', expected: 'channel_not_found' },
    { gone: 'archived', reply: 'chart', expected: 'is_archived' },
    { gone: 'archived', reply: 'text', expected: 'is_archived' },
  ] as const;
  it.each(channelCases)(
    'when the channel was $gone and a $reply alert is sent, then it throws a permanent error saying so and posts nothing',
    async ({ gone, reply, expected }) => {
      const { teamId, channelId } = await installedWorkspace({ channel: { archived: gone === 'archived' } });
      if (gone === 'deleted') standin.deleteChannel(teamId, channelId);

      const error = await sendFails(delivery(teamId, channelId), reply === 'chart' ? chartReply : textReply);

      expect(error).toMatchObject({ kind: 'permanent', code: 'slack_channel_gone' });
      expect(error.userMessage).toMatch(/deleted or archived/);
      expect(error.message).toContain(expected);
      expect(postsIn(teamId)).toHaveLength(0);
    },
  );

  it.each(['chart', 'text'] as const)(
    'when the bot is not in a public channel, then it joins it and posts the %s alert once',
    async (kind) => {
      const { teamId, channelId } = await installedWorkspace({ channel: { botIsMember: false } });

      const { messageId } = await sender.send(
        delivery(teamId, channelId),
        kind === 'chart' ? chartReply : textReply,
      );

      expect(callsTo(teamId, 'conversations.join')).toMatchObject([{ ok: true }]);
      const [posted, ...more] = postsIn(teamId);
      expect(more).toHaveLength(0);
      expect(posted?.channelId).toBe(channelId);
      expect(messageId).toBe(
        kind === 'chart' ? `files:${posted?.files.map((file) => file.id).join(',')}` : posted?.ts,
      );
    },
  );

  it('when the bot is not in a private channel, then it throws permanent with an /invite hint and the installer gets the hint by DM', async () => {
    const { workspace, teamId, channelId } = await installedWorkspace({
      channel: { isPrivate: true, botIsMember: false },
    });

    const error = await sendFails(delivery(teamId, channelId), chartReply);

    expect(error).toMatchObject({ kind: 'permanent', code: 'slack_not_in_channel' });
    expect(error.userMessage).toContain('/invite @DataDrivenDota');
    const [dm, ...more] = postsIn(teamId);
    expect(more).toHaveLength(0);
    expect(dm?.channelId).toMatch(/^D/);
    expect(dm?.text).toContain('/invite @DataDrivenDota');
    expect(dm?.text).toContain(`<#${channelId}>`);
    // Slack keeps one DM per user: a message to the installer lands in the same conversation as the hint.
    const probe = await client.chat.postMessage({
      token: workspace.botToken,
      channel: workspace.installerUserId,
      text: 'which DM is the installer’s?',
    });
    expect(probe.channel).toBe(dm?.channelId);
  });

  it.each([
    { refusal: 'revoked', expected: 'token_revoked' },
    { refusal: 'never valid', expected: 'invalid_auth' },
  ])(
    'when the token is $refusal, then the send throws permanent, the workspace and its subscriptions pause, and a later send never reaches Slack',
    async ({ refusal, expected }) => {
      const bystander = await installedWorkspace();
      const { workspace, teamId, channelId } = await installedWorkspace(
        refusal === 'revoked' ? {} : { storedToken: `xoxb-${randomBytes(12).toString('hex')}` },
      );
      if (refusal === 'revoked') standin.revokeToken(workspace.botToken);
      const subscribe = (guild: string, channel: string, league: number) =>
        upsertSubscription(database.db, {
          platform: 'slack',
          guild_id: guild,
          channel_id: channel,
          target_kind: 'league',
          target_id: league,
          created_by: workspace.installerUserId,
        });
      await subscribe(teamId, channelId, 16110);
      await subscribe(teamId, `${channelId}B`, 16110);
      await subscribe(bystander.teamId, bystander.channelId, 16110);

      const error = await sendFails(delivery(teamId, channelId), chartReply);

      expect(error).toMatchObject({ kind: 'permanent', code: 'slack_token_refused' });
      expect(error.message).toContain(expected);
      expect(error.userMessage).toMatch(/reinstall/);
      expect((await installations.botFor(teamId))?.pausedReason).toBe(TOKEN_REFUSED_REASON);
      const subscriptions = await database.db<SubscriptionRow>('subscriptions').where({ platform: 'slack' });
      const pausedBy = (guild: string) =>
        subscriptions
          .filter((row) => row.guild_id === guild)
          .map((row) => [row.paused_at !== null, row.pause_reason]);
      expect(pausedBy(teamId)).toEqual([
        [true, TOKEN_REFUSED_REASON],
        [true, TOKEN_REFUSED_REASON],
      ]);
      expect(pausedBy(bystander.teamId)).toEqual([[false, null]]);

      const callsBefore = standin.calls.length;
      const later = await sendFails(delivery(teamId, channelId), textReply);
      expect(later).toMatchObject({ kind: 'permanent', userMessage: TOKEN_REFUSED_REASON });
      expect(standin.calls).toHaveLength(callsBefore);
      expect(postsIn(teamId)).toHaveLength(0);
    },
  );

  it.each([
    { kind: 'chart', method: 'files.completeUploadExternal' },
    { kind: 'text', method: 'chat.postMessage' },
  ] as const)(
    'when Slack answers $method with a 503, then the $kind send throws a transient error and nothing is posted',
    async ({ kind, method }) => {
      const { teamId, channelId } = await installedWorkspace();
      standin.failNext(method, 'internal_error', { status: 503 });

      const error = await sendFails(delivery(teamId, channelId), kind === 'chart' ? chartReply : textReply);

      expect(error).toMatchObject({ kind: 'transient', code: 'slack_send_failed' });
      expect(callsTo(teamId, method)).toMatchObject([{ ok: false, error: 'internal_error' }]);
      expect(postsIn(teamId)).toHaveLength(0);
    },
  );

  it.each(['T0NEVERINSTALLED', null])(
    'when workspace %s has no installation, then the send throws permanent asking for a reinstall without calling Slack',
    async (teamId) => {
      const callsBefore = standin.calls.length;

      const error = await sendFails(delivery(teamId, 'C0NOWHERE01'), textReply);

      expect(error).toMatchObject({ kind: 'permanent', code: 'slack_not_installed' });
      expect(error.userMessage).toMatch(/reinstall/);
      expect(standin.calls).toHaveLength(callsBefore);
    },
  );
});

describe('createSlackSender: a retried delivery posts exactly once', () => {
  it.each(['chart', 'text'] as const)(
    'when attempt 2 finds the first try’s %s message in the channel, then nothing new is posted and the first id is returned',
    async (kind) => {
      const { teamId, channelId } = await installedWorkspace();
      const reply = kind === 'chart' ? chartReply : textReply;
      const first = delivery(teamId, channelId);
      const sent = await sender.send(first, reply);

      const again = await sender.send({ ...first, previousAttemptAt: new Date() }, reply);

      expect(again.messageId).toBe(sent.messageId);
      expect(postsIn(teamId)).toHaveLength(1);
      expect(callsTo(teamId, 'conversations.history')).toMatchObject([{ ok: true }]);
    },
  );

  it('when attempt 2 finds only other deliveries’ messages in the channel, then it posts once', async () => {
    const { teamId, channelId } = await installedWorkspace();
    const retried = delivery(teamId, channelId, { previousAttemptAt: new Date() });
    // Neighbouring nonces (ddd-N0, ddd-N1) share the retried one's prefix but are other deliveries.
    const firstTry = { ...retried, previousAttemptAt: null };
    await sender.send({ ...firstTry, nonce: `${retried.nonce}0` }, chartReply);
    await sender.send({ ...firstTry, nonce: `${retried.nonce}1` }, textReply);

    const { messageId } = await sender.send(retried, chartReply);

    const posts = postsIn(teamId);
    expect(posts).toHaveLength(3);
    expect(posts[2]?.files.map((file) => file.filename)).toEqual([
      `${retried.nonce}-match-8591933650.png`,
      `${retried.nonce}-match-8591933650-mid.png`,
    ]);
    expect(messageId).toBe(`files:${posts[2]?.files.map((file) => file.id).join(',')}`);
    expect(callsTo(teamId, 'conversations.history')).toMatchObject([{ ok: true }]);
  });

  it('when attempt 2 finds an empty channel, then it posts once', async () => {
    const { teamId, channelId } = await installedWorkspace();

    const { messageId } = await sender.send(
      delivery(teamId, channelId, { previousAttemptAt: new Date() }),
      textReply,
    );

    const [posted, ...more] = postsIn(teamId);
    expect(more).toHaveLength(0);
    expect(messageId).toBe(posted?.ts);
    expect(callsTo(teamId, 'conversations.history')).toMatchObject([{ ok: true }]);
  });

  it('when the first try was refused outright (ok: false), then the retry posts without reading history', async () => {
    const { teamId, channelId } = await installedWorkspace();
    standin.failNext('chat.postMessage', 'invalid_blocks');
    // Slack's internal_error may have posted after all: that retry must look first.
    standin.failNext('chat.postMessage', 'internal_error');
    const first = delivery(teamId, channelId);

    const refusal = await sendFails(first, textReply);
    expect(await sendFails(first, textReply)).toMatchObject({ kind: 'transient', unsent: false });
    // The ledger hands such a retry no earlier attempt to look for (markRetry with unsent).
    const { messageId } = await sender.send(first, textReply);

    expect(refusal).toMatchObject({ kind: 'transient', unsent: true });
    expect(postsIn(teamId).map((post) => post.ts)).toEqual([messageId]);
    expect(callsTo(teamId, 'conversations.history')).toEqual([]);
  });

  it('when conversations.history is rate limited on a retry, then the send throws a rate-limited error and posts nothing', async () => {
    const { teamId, channelId } = await installedWorkspace();
    standin.failNext('conversations.history', 'ratelimited', { retryAfterSeconds: 60 });

    const error = await sendFails(delivery(teamId, channelId, { previousAttemptAt: new Date() }), chartReply);

    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 60 });
    expect(postsIn(teamId)).toHaveLength(0);
    expect(standin.calls.filter((call) => call.team === teamId).map((call) => call.method)).toEqual([
      'conversations.history',
    ]);
  });
});

describe('createSlackSender: what a refusal must not turn into', () => {
  it('when joining a public channel is rate limited past the deadline, then the send is retried later, not paused', async () => {
    const { teamId, channelId } = await installedWorkspace({ channel: { botIsMember: false } });
    standin.failNext('conversations.join', 'ratelimited', { retryAfterSeconds: 120 });

    const error = await sendFails(delivery(teamId, channelId), textReply);

    expect(error.kind).toBe('rate-limited');
    expect(postsIn(teamId)).toHaveLength(0);
  });

  it('when the installation cannot be decrypted, then the workspace pauses with the reason a reinstall clears', async () => {
    const { workspace, teamId, channelId } = await installedWorkspace();
    await subscribe(teamId, channelId);
    await database
      .db('slack_installations')
      .where({ install_key: teamId })
      .update({ installation_sealed: createTokenSeal(randomBytes(32)).seal('{}', teamId) });

    const error = await sendFails(delivery(teamId, channelId), textReply);
    expect(error).toMatchObject({ kind: 'permanent', userMessage: TOKEN_REFUSED_REASON });
    expect(await pauseReasons(teamId)).toEqual([TOKEN_REFUSED_REASON]);

    await installations.storeInstallation(installationOf(workspace, teamId));
    expect(await pauseReasons(teamId)).toEqual([null]);
  });
});

describe('createSlackSender: the history page a retry reads', () => {
  it('when twenty messages came minutes after the first try, then the retry still finds it (the page is the window around that try)', async () => {
    const { teamId, channelId } = await installedWorkspace();
    const first = delivery(teamId, channelId);
    const claimedAt = new Date();
    const { messageId } = await sender.send(first, textReply);
    // Chatter two minutes later, newer than the first try: a page of the channel's newest 15 would miss it.
    for (let n = 0; n < 20; n += 1) standin.postAsUser(teamId, channelId, 'U0CHATTER1', `gg ${n}`, 120 + n);

    const again = await sender.send({ ...first, previousAttemptAt: claimedAt }, textReply);

    expect(again.messageId).toBe(messageId);
    expect(postsIn(teamId).filter((post) => post.via === 'chat.postMessage')).toHaveLength(1);
  });
});

async function subscribe(teamId: string, channelId: string): Promise<void> {
  await upsertSubscription(database.db, {
    platform: 'slack',
    guild_id: teamId,
    channel_id: channelId,
    target_kind: 'league',
    target_id: 16110,
    created_by: 'U0ADMIN001',
  });
}

async function pauseReasons(teamId: string): Promise<(string | null)[]> {
  const rows = await database.db<SubscriptionRow>('subscriptions').where({ guild_id: teamId });
  return rows.map((row) => row.pause_reason);
}
