// The Slack stand-in against the real @slack/web-api WebClient (and raw HTTP where a client cannot go wrong).

import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startSlackStandin,
  type SlackStandin,
  type SlackStandinOptions,
  type StandinWorkspace,
} from '../../src/fakes/slack-standin.server.js';

const TEAM = 'T0DOTA0001';
const CHANNEL = 'C0GENERAL1';
const QUIET = 'C0QUIET001';
const SECRET = 'C0SECRET01';
const USER = 'U0PUDGE001';
// A real 1×1 PNG and a second, different one, as the chart renderer would hand over.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_2 = Buffer.concat([PNG, Buffer.from('trailing chunk')]);

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function standinWith(options: SlackStandinOptions = {}): Promise<SlackStandin> {
  const standin = await startSlackStandin(options);
  cleanups.push(() => standin.close());
  return standin;
}

async function withWorkspace(
  options: SlackStandinOptions = {},
): Promise<{ standin: SlackStandin; workspace: StandinWorkspace }> {
  const standin = await standinWith(options);
  const workspace = standin.addWorkspace({
    teamId: TEAM,
    teamName: 'Roshan Pit',
    channels: [
      { id: CHANNEL, name: 'general' },
      { id: QUIET, name: 'quiet', botIsMember: false },
      { id: SECRET, name: 'secret', isPrivate: true, botIsMember: false },
    ],
    users: [{ id: USER, name: 'pudge', isAdmin: true }],
  });
  return { standin, workspace };
}

function clientFor(standin: SlackStandin, token?: string): WebClient {
  return new WebClient(token, {
    slackApiUrl: standin.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
}

/** A clock the test moves by hand, for limits measured in seconds and minutes. */
function manualClock(start = 1_764_977_774_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const platformError = (error: string) => ({ code: ErrorCode.PlatformError, data: { ok: false, error } });

describe('slack stand-in web API', () => {
  it('when WebClient calls auth.test with the bot token, then it learns the team and bot ids and the call is marked with the team', async () => {
    const { standin, workspace } = await withWorkspace();

    const result = await clientFor(standin, workspace.botToken).auth.test();

    expect(workspace.botToken).toMatch(/^xoxb-\d{12}-\d{13}-[A-Za-z0-9]{24}$/);
    expect(result).toMatchObject({
      ok: true,
      team: 'Roshan Pit',
      team_id: TEAM,
      user_id: workspace.botUserId,
      bot_id: workspace.botId,
      is_enterprise_install: false,
    });
    expect(standin.calls).toEqual([
      { method: 'auth.test', team: TEAM, ok: true, at: expect.any(Number) as number },
    ]);
  });

  it('when the bot posts to a channel it is in, then the post is recorded with blocks and metadata and ts values increase', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Match 7000000001' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*KDA* 10/2/8' } },
    ];

    const first = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'Match 7000000001',
      blocks,
      metadata: { event_type: 'ddd_alert', event_payload: { nonce: 'n-1' } },
    });
    const second = await client.chat.postMessage({ channel: CHANNEL, text: 'again' });

    expect(first).toMatchObject({
      ok: true,
      channel: CHANNEL,
      message: { text: 'Match 7000000001', blocks },
    });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(standin.posts).toEqual([
      {
        via: 'chat.postMessage',
        teamId: TEAM,
        channelId: CHANNEL,
        ts: first.ts,
        text: 'Match 7000000001',
        blocks,
        files: [],
        metadata: { event_type: 'ddd_alert', event_payload: { nonce: 'n-1' } },
      },
      expect.objectContaining({ ts: second.ts, text: 'again' }),
    ]);
  });

  it('when the channel is not joined, unknown or deleted, then WebClient rejects with not_in_channel or channel_not_found and nothing is posted', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);

    await expect(client.chat.postMessage({ channel: QUIET, text: 'x' })).rejects.toMatchObject(
      platformError('not_in_channel'),
    );
    await expect(client.chat.postMessage({ channel: 'C0NOWHERE1', text: 'x' })).rejects.toMatchObject(
      platformError('channel_not_found'),
    );
    standin.deleteChannel(TEAM, CHANNEL);
    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject(
      platformError('channel_not_found'),
    );
    standin.addChannel(TEAM, { id: 'C0ARCHIVE1', name: 'old', archived: true });
    await expect(client.chat.postMessage({ channel: 'C0ARCHIVE1', text: 'x' })).rejects.toMatchObject(
      platformError('is_archived'),
    );
    expect(standin.posts).toHaveLength(0);
    expect(standin.calls.map((call) => call.error)).toEqual([
      'not_in_channel',
      'channel_not_found',
      'channel_not_found',
      'is_archived',
    ]);
  });

  it('when the token is missing, unknown or revoked, then WebClient rejects with not_authed, invalid_auth or token_revoked', async () => {
    const { standin, workspace } = await withWorkspace();

    await expect(clientFor(standin).chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject(
      platformError('not_authed'),
    );
    await expect(
      clientFor(standin, 'xoxb-1-2-not-a-real-token').chat.postMessage({ channel: CHANNEL, text: 'x' }),
    ).rejects.toMatchObject(platformError('invalid_auth'));
    standin.revokeToken(workspace.botToken);
    await expect(clientFor(standin, workspace.botToken).auth.test()).rejects.toMatchObject(
      platformError('token_revoked'),
    );
    expect(standin.posts).toHaveLength(0);
  });

  it('when the token travels as a form field, then Slack accepts it; inside a JSON body, then Slack ignores it', async () => {
    const { standin, workspace } = await withWorkspace();

    const form = await fetch(`${standin.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: workspace.botToken, channel: CHANNEL, text: 'form' }).toString(),
    });
    const json = await fetch(`${standin.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ token: workspace.botToken, channel: CHANNEL, text: 'json' }),
    });
    const bearerJson = await fetch(`${standin.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${workspace.botToken}` },
      body: JSON.stringify({ channel: CHANNEL, text: 'bearer json', blocks: [{ type: 'divider' }] }),
    });

    expect(await form.json()).toMatchObject({ ok: true, channel: CHANNEL });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(await bearerJson.json()).toMatchObject({ ok: true });
    expect(standin.posts.map((post) => post.text)).toEqual(['form', 'bearer json']);
  });

  it('when a message breaks Slack content rules, then it is refused with no_text, msg_too_long or invalid_blocks pointing at the block', async () => {
    // Refused posts count against the channel's rate limit too, as at Slack: switch it off for this burst.
    const { standin, workspace } = await withWorkspace({ rateLimits: false });
    const client = clientFor(standin, workspace.botToken);
    const post = (args: Record<string, unknown>) =>
      client.apiCall('chat.postMessage', { channel: CHANNEL, ...args });

    await expect(post({})).rejects.toMatchObject(platformError('no_text'));
    await expect(post({ text: 'x'.repeat(40_001) })).rejects.toMatchObject(platformError('msg_too_long'));
    await expect(
      post({ text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks', errors: [expect.stringContaining('/blocks/0/text')] },
    });
    await expect(
      post({ text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } }] }),
    ).rejects.toMatchObject(platformError('invalid_blocks'));
    await expect(post({ text: 'x', blocks: [{ type: 'image', alt_text: 'chart' }] })).rejects.toMatchObject(
      platformError('invalid_blocks'),
    );
    await expect(post({ text: 'x', blocks: [{ type: 'carousel' }] })).rejects.toMatchObject(
      platformError('invalid_blocks'),
    );
    await expect(
      post({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }),
    ).rejects.toMatchObject(platformError('invalid_blocks'));
    await expect(post({ text: 'x', blocks: 'not json' })).rejects.toMatchObject(
      platformError('invalid_blocks_format'),
    );
    await expect(post({ text: 'x', metadata: { event_type: 'ddd_alert' } })).rejects.toMatchObject(
      platformError('invalid_metadata_schema'),
    );
    expect(standin.posts).toHaveLength(0);

    await post({ blocks: Array.from({ length: 50 }, () => ({ type: 'divider' })) });
    expect(standin.posts).toHaveLength(1);
  });

  it('when the bot posts to a user id, then Slack opens one DM channel and reuses it', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);

    const first = await client.chat.postMessage({ channel: USER, text: 'invite me' });
    const second = await client.chat.postMessage({ channel: USER, text: 'please' });

    expect(first.channel).toMatch(/^D/);
    expect(second.channel).toBe(first.channel);
    expect(standin.posts.map((post) => post.channelId)).toEqual([first.channel, first.channel]);
    await expect(client.chat.postMessage({ channel: 'U0NOBODY01', text: 'x' })).rejects.toMatchObject(
      platformError('channel_not_found'),
    );
  });

  it('when chat.postEphemeral names a member of the workspace, then the post records who sees it', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);

    const result = await client.chat.postEphemeral({ channel: CHANNEL, user: USER, text: 'only you' });

    expect(result.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(standin.posts).toEqual([
      expect.objectContaining({ via: 'chat.postEphemeral', userId: USER, text: 'only you' }),
    ]);
    await expect(
      client.chat.postEphemeral({ channel: CHANNEL, user: 'U0NOBODY01', text: 'x' }),
    ).rejects.toMatchObject(platformError('user_not_in_channel'));
  });

  it('when users.info asks for a user, then Slack answers its admin flags, or user_not_found', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);

    const info = await client.users.info({ user: USER });

    expect(info.user).toMatchObject({
      id: USER,
      name: 'pudge',
      is_admin: true,
      is_owner: false,
      team_id: TEAM,
    });
    await expect(client.users.info({ user: 'U0NOBODY01' })).rejects.toMatchObject(
      platformError('user_not_found'),
    );
  });

  it('when the bot joins a public channel, then it can post there; a private channel cannot be joined', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);

    const joined = await client.conversations.join({ channel: QUIET });
    await client.chat.postMessage({ channel: QUIET, text: 'hello' });

    expect(joined.channel).toMatchObject({ id: QUIET, is_member: true, is_private: false });
    await expect(client.conversations.join({ channel: SECRET })).rejects.toMatchObject(
      platformError('method_not_supported_for_channel_type'),
    );
    await expect(client.conversations.join({ channel: 'C0NOWHERE1' })).rejects.toMatchObject(
      platformError('channel_not_found'),
    );
    expect(standin.posts.map((post) => post.channelId)).toEqual([QUIET]);
  });
});

describe('slack stand-in history', () => {
  it('when conversations.history is read, then messages come newest first, metadata only on request, without ephemeral posts', async () => {
    const { standin, workspace } = await withWorkspace({ marketplaceApproved: true });
    const client = clientFor(standin, workspace.botToken);
    const older = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'older',
      metadata: { event_type: 'ddd_alert', event_payload: { nonce: 'n-7' } },
    });
    await client.chat.postEphemeral({ channel: CHANNEL, user: USER, text: 'secret' });
    const newer = await client.chat.postMessage({ channel: CHANNEL, text: 'newer' });

    const plain = await client.conversations.history({ channel: CHANNEL });
    const withMetadata = await client.conversations.history({ channel: CHANNEL, include_all_metadata: true });
    const sinceOlder = await client.conversations.history({ channel: CHANNEL, oldest: older.ts });

    expect(plain.messages?.map((m) => [m.ts, m.text])).toEqual([
      [newer.ts, 'newer'],
      [older.ts, 'older'],
    ]);
    expect(plain.messages?.[1]).toMatchObject({ type: 'message', bot_id: workspace.botId });
    expect(plain.messages?.[1]?.metadata).toBeUndefined();
    expect(withMetadata.messages?.[1]?.metadata).toEqual({
      event_type: 'ddd_alert',
      event_payload: { nonce: 'n-7' },
    });
    expect(sinceOlder.messages?.map((m) => m.ts)).toEqual([newer.ts]);
    expect(plain.has_more).toBe(false);
  });

  it('when an app not approved for the Marketplace reads history, then pages hold at most 15 messages and a second call within a minute is rate limited', async () => {
    const clock = manualClock();
    const { standin, workspace } = await withWorkspace({ now: clock.now });
    const client = clientFor(standin, workspace.botToken);
    for (let i = 0; i < 20; i += 1) {
      await client.chat.postMessage({ channel: CHANNEL, text: `m${i}` });
      clock.advance(1000);
    }

    const page = await client.conversations.history({ channel: CHANNEL, limit: 100 });
    const limited = client.conversations.history({
      channel: CHANNEL,
      cursor: page.response_metadata?.next_cursor,
    });
    await expect(limited).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 60 });
    clock.advance(60_000);
    const next = await client.conversations.history({
      channel: CHANNEL,
      cursor: page.response_metadata?.next_cursor,
    });

    expect(page.messages).toHaveLength(15);
    expect(page.messages?.[0]?.text).toBe('m19');
    expect(page.has_more).toBe(true);
    expect(next.messages?.map((m) => m.text)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
  });

  it('when the bot is not in the channel, then conversations.history is not_in_channel', async () => {
    const { standin, workspace } = await withWorkspace();
    await expect(
      clientFor(standin, workspace.botToken).conversations.history({ channel: QUIET }),
    ).rejects.toMatchObject(platformError('not_in_channel'));
  });
});

describe('slack stand-in rate limits and injected failures', () => {
  it('when failNext queues ratelimited, then WebClient rejects with a rate-limited error carrying Retry-After, once', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);
    standin.failNext('chat.postMessage', 'ratelimited', { retryAfterSeconds: 7 });

    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    await client.chat.postMessage({ channel: CHANNEL, text: 'y' });

    expect(standin.posts.map((post) => post.text)).toEqual(['y']);
    expect(standin.calls.map((call) => [call.ok, call.error])).toEqual([
      [false, 'ratelimited'],
      [true, undefined],
    ]);
  });

  it('when failNext queues a 503 twice, then WebClient sees two HTTP errors and then success', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);
    standin.failNext('auth.test', 'service_unavailable', { status: 503, times: 2 });

    await expect(client.auth.test()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    await expect(client.auth.test()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });

  it('when one channel gets more than a burst of 5 posts within a second, then the 6th is 429 with Retry-After while other channels post', async () => {
    const clock = manualClock();
    const { standin, workspace } = await withWorkspace({ now: clock.now });
    const client = clientFor(standin, workspace.botToken);
    standin.addChannel(TEAM, { id: 'C0OTHER001', name: 'other' });

    for (let i = 0; i < 5; i += 1) await client.chat.postMessage({ channel: CHANNEL, text: `burst ${i}` });
    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'too many' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 1,
    });
    await client.chat.postMessage({ channel: 'C0OTHER001', text: 'elsewhere' });
    clock.advance(1000);
    await client.chat.postMessage({ channel: CHANNEL, text: 'after a second' });

    expect(standin.posts.map((post) => post.text)).toEqual([
      'burst 0',
      'burst 1',
      'burst 2',
      'burst 3',
      'burst 4',
      'elsewhere',
      'after a second',
    ]);
    const raw = await fetch(`${standin.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Bearer ${workspace.botToken}`,
      },
      body: new URLSearchParams({ channel: CHANNEL, text: 'raw' }).toString(),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });
  });
});

describe('slack stand-in file uploads', () => {
  it('when filesUploadV2 sends 2 PNGs with blocks to a channel, then exactly one post holds both files and the blocks', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Net worth and XP' } }];

    const result = await client.filesUploadV2({
      channel_id: CHANNEL,
      blocks,
      file_uploads: [
        { file: PNG, filename: 'net-worth.png', title: 'Net worth' },
        { file: PNG_2, filename: 'xp.png', title: 'XP' },
      ],
    });

    const [post] = await standin.waitForPosts(1);
    expect(standin.posts).toHaveLength(1);
    expect(post).toMatchObject({
      via: 'files.completeUploadExternal',
      teamId: TEAM,
      channelId: CHANNEL,
      blocks,
    });
    expect(post?.files).toEqual([
      {
        id: expect.stringMatching(/^F/) as string,
        filename: 'net-worth.png',
        title: 'Net worth',
        bytes: PNG.length,
        data: PNG,
        pngSignatureOk: true,
      },
      {
        id: expect.stringMatching(/^F/) as string,
        filename: 'xp.png',
        title: 'XP',
        bytes: PNG_2.length,
        data: PNG_2,
        pngSignatureOk: true,
      },
    ]);
    const completions = result.files as { files?: { id: string; name: string }[] }[];
    expect(completions.flatMap((c) => c.files ?? []).map((f) => f.name)).toEqual(['net-worth.png', 'xp.png']);
    expect(standin.calls.map((call) => call.method)).toEqual([
      'files.getUploadURLExternal',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const history = await client.conversations.history({ channel: CHANNEL });
    expect(history.messages?.[0]?.files?.map((file) => file.name)).toEqual(['net-worth.png', 'xp.png']);
  });

  it('when an upload is not PNG or goes to a channel the bot is not in, then the post says so or the completion is refused', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);

    await client.filesUploadV2({ channel_id: CHANNEL, file: Buffer.from('not a png'), filename: 'fake.png' });
    await expect(
      client.filesUploadV2({ channel_id: QUIET, file: PNG, filename: 'chart.png' }),
    ).rejects.toMatchObject(platformError('not_in_channel'));

    expect(standin.posts).toHaveLength(1);
    expect(standin.posts[0]?.files[0]).toMatchObject({ filename: 'fake.png', pngSignatureOk: false });
  });

  it('when bytes do not match the declared length, are never uploaded or are completed twice, then Slack refuses', async () => {
    const { standin, workspace } = await withWorkspace();
    const client = clientFor(standin, workspace.botToken);

    await expect(client.files.getUploadURLExternal({ filename: 'a.png' } as never)).rejects.toMatchObject(
      platformError('invalid_arguments'),
    );
    const declared = await client.files.getUploadURLExternal({ filename: 'a.png', length: PNG.length + 1 });
    const short = await fetch(declared.upload_url ?? '', { method: 'POST', body: PNG });
    expect(short.status).toBe(400);
    await expect(
      client.files.completeUploadExternal({ files: [{ id: declared.file_id ?? '' }], channel_id: CHANNEL }),
    ).rejects.toMatchObject(platformError('file_not_found'));

    const exact = await client.files.getUploadURLExternal({ filename: 'b.png', length: PNG.length });
    const raw = await fetch(exact.upload_url ?? '', { method: 'POST', body: PNG });
    expect([raw.status, await raw.text()]).toEqual([200, `OK - ${PNG.length}`]);
    await client.files.completeUploadExternal({
      files: [{ id: exact.file_id ?? '', title: 'B' }],
      channel_id: CHANNEL,
    });
    await expect(
      client.files.completeUploadExternal({ files: [{ id: exact.file_id ?? '' }], channel_id: CHANNEL }),
    ).rejects.toMatchObject(platformError('file_not_found'));

    expect(standin.posts).toHaveLength(1);
    expect(standin.posts[0]?.files).toEqual([
      expect.objectContaining({ filename: 'b.png', title: 'B', bytes: PNG.length, pngSignatureOk: true }),
    ]);
  });
});

describe('slack stand-in OAuth', () => {
  const REDIRECT = 'http://127.0.0.1:1/slack/oauth_redirect';

  async function authorize(standin: SlackStandin, params: Record<string, string>): Promise<Response> {
    const url = new URL(standin.authorizeUrl);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return fetch(url, { redirect: 'manual' });
  }

  it('when an install is approved, then authorize redirects with the state and a code that oauth.v2.access exchanges exactly once', async () => {
    const standin = await standinWith();
    const workspace = standin.addWorkspace({ teamId: TEAM, teamName: 'Roshan Pit', installed: false });
    const client = clientFor(standin);
    await expect(clientFor(standin, workspace.botToken).auth.test()).rejects.toMatchObject(
      platformError('not_authed'),
    );
    standin.approveNextInstall(TEAM);

    const visit = await authorize(standin, {
      client_id: standin.clientId,
      scope: 'commands,chat:write,files:write',
      state: 'state-123',
      redirect_uri: REDIRECT,
    });
    const location = new URL(visit.headers.get('location') ?? '');
    const code = location.searchParams.get('code') ?? '';
    const exchange = () =>
      client.oauth.v2.access({
        client_id: standin.clientId,
        client_secret: standin.clientSecret,
        code,
        redirect_uri: REDIRECT,
      });
    const access = await exchange();

    expect(visit.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(access).toMatchObject({
      ok: true,
      app_id: standin.appId,
      authed_user: { id: workspace.installerUserId },
      scope: 'commands,chat:write,files:write',
      token_type: 'bot',
      access_token: workspace.botToken,
      bot_user_id: workspace.botUserId,
      team: { id: TEAM, name: 'Roshan Pit' },
      enterprise: null,
      is_enterprise_install: false,
    });
    expect(access.access_token).toMatch(/^xoxb-/);
    await expect(clientFor(standin, access.access_token).auth.test()).resolves.toMatchObject({
      team_id: TEAM,
    });
    await expect(exchange()).rejects.toMatchObject(platformError('invalid_code'));
  });

  it('when the client credentials or redirect_uri are wrong, then oauth.v2.access refuses; HTTP Basic credentials are accepted', async () => {
    const standin = await standinWith();
    standin.addWorkspace({ teamId: TEAM });
    const client = clientFor(standin);
    const codeFor = async () => {
      standin.approveNextInstall(TEAM);
      const visit = await authorize(standin, {
        client_id: standin.clientId,
        scope: 'chat:write',
        redirect_uri: REDIRECT,
      });
      return new URL(visit.headers.get('location') ?? '').searchParams.get('code') ?? '';
    };

    await expect(
      client.oauth.v2.access({
        client_id: 'nope',
        client_secret: standin.clientSecret,
        code: await codeFor(),
      }),
    ).rejects.toMatchObject(platformError('invalid_client_id'));
    await expect(
      client.oauth.v2.access({ client_id: standin.clientId, client_secret: 'wrong', code: await codeFor() }),
    ).rejects.toMatchObject(platformError('bad_client_secret'));
    await expect(
      client.oauth.v2.access({
        client_id: standin.clientId,
        client_secret: standin.clientSecret,
        code: await codeFor(),
        redirect_uri: 'http://127.0.0.1:1/elsewhere',
      }),
    ).rejects.toMatchObject(platformError('bad_redirect_uri'));
    const basic = await fetch(`${standin.apiUrl}oauth.v2.access`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${standin.clientId}:${standin.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ code: await codeFor(), redirect_uri: REDIRECT }).toString(),
    });
    expect(await basic.json()).toMatchObject({ ok: true, team: { id: TEAM } });
  });

  it('when nobody approved an install or the client_id is wrong, then authorize answers 400 without a code', async () => {
    const standin = await standinWith();
    standin.addWorkspace({ teamId: TEAM });

    const unapproved = await authorize(standin, {
      client_id: standin.clientId,
      scope: 'chat:write',
      redirect_uri: REDIRECT,
    });
    standin.approveNextInstall(TEAM);
    const wrongClient = await authorize(standin, {
      client_id: 'nope',
      scope: 'chat:write',
      redirect_uri: REDIRECT,
    });

    expect(unapproved.status).toBe(400);
    expect(wrongClient.status).toBe(400);
    expect(wrongClient.headers.get('location')).toBeNull();
  });
});

describe('slack stand-in response_url', () => {
  it('when a response_url gets JSON messages, then each is a post, and the sixth use is refused with 404', async () => {
    const { standin } = await withWorkspace();
    const url = standin.responseUrl({ teamId: TEAM, channelId: CHANNEL, userId: USER });
    const respond = (body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });

    const first = await respond({ response_type: 'in_channel', text: 'hi', blocks: [{ type: 'divider' }] });
    for (let i = 0; i < 4; i += 1) await respond({ text: `update ${i}`, replace_original: true });
    const sixth = await respond({ text: 'one too many' });

    expect(first.status).toBe(200);
    expect(sixth.status).toBe(404);
    expect(standin.posts).toHaveLength(5);
    expect(standin.posts[0]).toMatchObject({
      via: 'response_url',
      teamId: TEAM,
      channelId: CHANNEL,
      userId: USER,
      responseType: 'in_channel',
      replaceOriginal: false,
      text: 'hi',
    });
    expect(standin.posts[1]).toMatchObject({ responseType: 'ephemeral', replaceOriginal: true });
  });

  it('when a response_url was never issued, is 30 minutes old or gets an empty message, then Slack refuses it', async () => {
    const clock = manualClock();
    const { standin } = await withWorkspace({ now: clock.now });
    const post = (url: string, body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const url = standin.responseUrl({ teamId: TEAM, channelId: CHANNEL });

    expect((await post(`${standin.baseUrl}/response/T0/1/never`, { text: 'x' })).status).toBe(404);
    expect((await post(url, {})).status).toBe(400);
    clock.advance(30 * 60_000 + 1);
    expect((await post(url, { text: 'late' })).status).toBe(404);
    expect(standin.posts).toHaveLength(0);
  });

  it('when nothing is posted, then waitForPosts rejects on its timeout', async () => {
    const standin = await standinWith();
    await expect(standin.waitForPosts(1, 20)).rejects.toThrow(/timed out/);
  });
});
