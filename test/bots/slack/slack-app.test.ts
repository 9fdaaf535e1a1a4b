// The Slack app end to end over loopback: OAuth install, signed /dota commands, lifecycle events, forged requests.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_EVENTS_PATH } from '../../../src/bots/slack/slack-app.js';
import { signSlackRequest, slashCommandBody } from '../../../src/fakes/slack-request-signer.js';
import type { SlackPost } from '../../../src/fakes/slack-standin.server.js';
import { upsertSubscription } from '../../../src/store/subscriptions.repo.js';
import { startSlackHarness, type SlackHarness } from '../../support/slack-harness.js';

const LEAGUE = 16110;
const PRO_MATCH = 8591933650;
const TEAM = 'T0LEAGUE01';
const CHANNEL = 'C0RECAPS01';
const ADMIN = 'U0ADMIN001';
const MEMBER = 'U0MEMBER01';
const INSTALLER = 'U0INSTALL1';

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
  harness.standin.addWorkspace({
    teamId: TEAM,
    teamName: 'Moonwalkers fans',
    channels: [{ id: CHANNEL, name: 'league-recaps' }],
    users: [{ id: ADMIN, isAdmin: true }, { id: MEMBER }, { id: INSTALLER }],
    installerUserId: INSTALLER,
    installed: false,
  });
  const installed = await harness.install(TEAM, INSTALLER);
  expect(installed.status).toBe(200);
});

afterAll(async () => {
  await harness?.close();
});

/** The next post the stand-in shows, however it arrived. */
async function nextPost(predicate: (post: SlackPost) => boolean): Promise<SlackPost> {
  for (;;) {
    const found = harness.standin.posts.find(predicate);
    if (found) return found;
    await harness.standin.waitForPosts(harness.standin.posts.length + 1, 15_000);
  }
}

describe('installing through OAuth', () => {
  it('when a workspace completes /slack/install, then its bot token is stored (sealed) and works', async () => {
    const bot = await harness.installations.botFor(TEAM);
    expect(bot?.botToken).toMatch(/^xoxb-/);
    expect(bot?.installerUserId).toBe(INSTALLER);
    const rows = await harness.database.db('slack_installations').where({ install_key: TEAM });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(bot?.botToken);
    expect(harness.standin.calls.some((call) => call.method === 'oauth.v2.access' && call.ok)).toBe(true);
  });

  it('when the redirect arrives without the state cookie of the browser that started it, then nothing is installed', async () => {
    harness.standin.addWorkspace({ teamId: 'T0FORGED01', installed: false });
    harness.standin.approveNextInstall('T0FORGED01');
    const start = await fetch(harness.url('/slack/install'), { redirect: 'manual' });
    const consent = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
    // A link with a valid code, replayed in another browser (no cookie): the classic login-CSRF.
    const redirect = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
    expect(redirect.status).toBeGreaterThanOrEqual(400);
    expect(await harness.installations.botFor('T0FORGED01')).toBeUndefined();
  });
});

describe('/dota commands', () => {
  it('when someone types /dota help, then Slack gets an empty ack at once and the help arrives through response_url', async () => {
    const answer = await harness.command({ teamId: TEAM, channelId: CHANNEL, userId: MEMBER, text: 'help' });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    const help = await nextPost(
      (post) => post.via === 'response_url' && JSON.stringify(post.blocks).includes('subscribe league'),
    );
    expect(help.responseType).toBe('ephemeral');
    // Slack's admin rule, not Discord's permission.
    expect(JSON.stringify(help.blocks)).toContain('workspace admin');
  });

  it('when the text is misspelt, then the ack itself is an ephemeral correction naming the right command', async () => {
    const answer = await harness.command({
      teamId: TEAM,
      channelId: CHANNEL,
      userId: MEMBER,
      text: 'mach 1',
    });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/dota match');
  });

  it('when someone asks for a match in a channel the app is in, then one message carries the recap blocks and its chart PNGs', async () => {
    const posted = harness.standin.posts.length;
    await harness.command({ teamId: TEAM, channelId: CHANNEL, userId: MEMBER, text: `match ${PRO_MATCH}` });
    const recap = await nextPost(
      (post) => harness.standin.posts.indexOf(post) >= posted && post.via === 'files.completeUploadExternal',
    );
    expect(recap.channelId).toBe(CHANNEL);
    expect(JSON.stringify(recap.blocks)).toContain(String(PRO_MATCH));
    expect(JSON.stringify(recap.blocks)).toContain(`<@${MEMBER}>`);
    expect(recap.files.length).toBeGreaterThan(0);
    expect(recap.files.every((file) => file.pngSignatureOk && file.bytes > 1000)).toBe(true);
  });

  it('when a member who is not an admin subscribes the channel, then it is refused and nothing is stored', async () => {
    await harness.command({
      teamId: TEAM,
      channelId: CHANNEL,
      userId: MEMBER,
      text: `subscribe league ${LEAGUE}`,
    });
    const refusal = await nextPost(
      (post) => post.via === 'response_url' && post.text?.includes('admin') === true,
    );
    expect(refusal.responseType).toBe('ephemeral');
    expect(await harness.database.db('subscriptions').where({ guild_id: TEAM })).toHaveLength(0);
  });

  it('when a workspace admin subscribes the channel to a league, then the subscription is stored for this workspace', async () => {
    await harness.command({
      teamId: TEAM,
      channelId: CHANNEL,
      userId: ADMIN,
      text: `subscribe league ${LEAGUE}`,
    });
    await nextPost((post) => post.via === 'response_url' && post.userId === ADMIN);
    const rows = await harness.database.db('subscriptions').where({ guild_id: TEAM });
    expect(rows).toMatchObject([
      { platform: 'slack', channel_id: CHANNEL, target_kind: 'league', target_id: LEAGUE },
    ]);
  });
});

describe('requests that are not from Slack', () => {
  const vector = JSON.parse(
    readFileSync(new URL('../../fixtures/slack/boltjs_slack_signing_vector.json', import.meta.url), 'utf8'),
  ) as Record<string, string>;

  async function post(body: string, headers: Record<string, string>): Promise<number> {
    const response = await fetch(harness.url(SLACK_EVENTS_PATH), { method: 'POST', headers, body });
    await response.arrayBuffer();
    return response.status;
  }

  it("when Slack's own signed example from 2018 is replayed, then it is refused as stale", async () => {
    const status = await post(vector.body ?? '', {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': vector['x-slack-request-timestamp'] ?? '',
      'x-slack-signature': vector['x-slack-signature'] ?? '',
    });
    expect(status).toBe(401);
  });

  it('when a signed command is altered after signing, then it is refused and runs nothing', async () => {
    const body = slashCommandBody({
      teamId: TEAM,
      channelId: CHANNEL,
      userId: ADMIN,
      text: 'unsubscribe league 1',
      responseUrl: harness.standin.responseUrl(),
    });
    const headers = { ...signSlackRequest(harness.standin.signingSecret, body) };
    const before = harness.standin.calls.length;
    expect(await post(body.replace('league+1', `league+${LEAGUE}`), headers)).toBe(401);
    expect(await post(body, { 'content-type': headers['content-type'] })).toBe(401);
    expect(await post(body, { ...signSlackRequest('not-our-secret', body) })).toBe(401);
    expect(harness.standin.calls.length).toBe(before);
    expect(await harness.database.db('subscriptions').where({ guild_id: TEAM })).toHaveLength(1);
  });
});

describe('leaving a workspace', () => {
  it('when Slack reports tokens_revoked for user tokens only, then the installation stays', async () => {
    const status = await harness.event(TEAM, { type: 'tokens_revoked', tokens: { oauth: [INSTALLER] } });
    expect(status).toBe(200);
    expect(await harness.installations.botFor(TEAM)).toBeDefined();
  });

  it('when the app is uninstalled, then the installation and every subscription of the workspace are removed', async () => {
    await upsertSubscription(harness.database.db, {
      platform: 'slack',
      guild_id: 'T0OTHER001',
      channel_id: 'C0OTHER001',
      target_kind: 'league',
      target_id: LEAGUE,
      created_by: ADMIN,
    });
    const status = await harness.event(TEAM, { type: 'app_uninstalled' });
    expect(status).toBe(200);
    await expect.poll(() => harness.installations.botFor(TEAM)).toBeUndefined();
    expect(await harness.database.db('subscriptions').where({ guild_id: TEAM })).toHaveLength(0);
    expect(await harness.database.db('subscriptions').where({ guild_id: 'T0OTHER001' })).toHaveLength(1);
  });
});
