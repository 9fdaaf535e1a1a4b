// The Discord stand-in against the real discord.js (REST and gateway Client) and raw HTTP/ws for protocol enforcement.

import { once } from 'node:events';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  REST,
  Routes,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  startDiscordStandin,
  type DiscordStandin,
  type DiscordStandinOptions,
} from '../../src/fakes/discord-standin.server.js';

const CHANNEL = '900000000000000001';
const OTHER_CHANNEL = '900000000000000002';
const GUILD = '800000000000000001';
// A real 1×1 PNG, so discord.js's magic-byte sniffing labels it image/png as it would a rendered chart.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function standinWith(options: DiscordStandinOptions = {}): Promise<DiscordStandin> {
  const standin = await startDiscordStandin({ port: 0, ...options });
  cleanups.push(() => standin.close());
  return standin;
}

function restFor(standin: DiscordStandin, token = standin.botToken): REST {
  const rest = new REST({ api: standin.restBaseUrl, retries: 0 }).setToken(token);
  cleanups.push(() => {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  });
  return rest;
}

async function loggedInClient(standin: DiscordStandin): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standin.restBaseUrl } });
  cleanups.push(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(standin.botToken);
  await ready;
  return client;
}

function slashCommand(standin: DiscordStandin, id: string, token: string): Record<string, unknown> {
  const user = {
    id: '700000000000000001',
    username: 'pudge',
    discriminator: '0',
    global_name: 'Pudge',
    avatar: null,
  };
  return {
    id,
    application_id: standin.applicationId,
    type: 2,
    token,
    version: 1,
    data: {
      id: '600000000000000001',
      name: 'dota',
      type: 1,
      options: [{ name: 'player', type: 3, value: '76561197960287930' }],
    },
    guild_id: GUILD,
    channel_id: CHANNEL,
    channel: { id: CHANNEL, type: 0, guild_id: GUILD, name: 'dota-stats' },
    member: {
      user,
      roles: [],
      permissions: '2248473465835073',
      joined_at: '2020-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      nick: null,
      avatar: null,
      premium_since: null,
      pending: false,
    },
    app_permissions: '2248473465835073',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': GUILD },
    context: 0,
    attachment_size_limit: 10485760,
  };
}

async function dispatchAndReceive(
  standin: DiscordStandin,
  client: Client,
  payload: Record<string, unknown>,
): Promise<ChatInputCommandInteraction> {
  const received = once(client, Events.InteractionCreate) as Promise<[Interaction]>;
  await standin.dispatchInteraction(payload);
  const [interaction] = await received;
  if (!interaction.isChatInputCommand())
    throw new Error(`expected a slash command, got type ${interaction.type}`);
  return interaction;
}

function post(standin: DiscordStandin, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${standin.restBaseUrl}/v10${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bot ${standin.botToken}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** A raw gateway client: payloads queue up and `next()` awaits the next one, so nothing sleeps. */
function rawGateway(
  url: string,
  decode: (data: Buffer) => unknown = (data) => JSON.parse(data.toString('utf8')),
) {
  const ws = new WebSocket(url);
  const queue: Record<string, unknown>[] = [];
  const waiters: ((payload: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const payload = decode(data) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter(payload);
    else queue.push(payload);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  cleanups.push(() => ws.terminate());
  return {
    ws,
    closed,
    next: () =>
      new Promise<Record<string, unknown>>((resolve) => {
        const queued = queue.shift();
        if (queued) resolve(queued);
        else waiters.push(resolve);
      }),
    send: (payload: unknown) => ws.send(JSON.stringify(payload)),
  };
}

const identify = (token: string, intents = 1) => ({
  op: 2,
  d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' } },
});

describe('discord stand-in REST', () => {
  it('when discord.js REST posts a message with an embed and a PNG, then the stand-in records the attachment bytes', async () => {
    const standin = await standinWith();
    const rest = restFor(standin);

    const reply = (await rest.post(Routes.channelMessages(CHANNEL), {
      body: {
        content: 'Match recap',
        embeds: [{ title: 'Match 7000000001', fields: [{ name: 'KDA', value: '10/2/8' }] }],
        attachments: [{ id: 0, filename: 'net-worth.png' }],
      },
      files: [{ name: 'net-worth.png', data: PNG }],
    })) as { channel_id: string; attachments: { filename: string; size: number; url: string }[] };

    expect(reply).toMatchObject({
      channel_id: CHANNEL,
      attachments: [{ filename: 'net-worth.png', size: PNG.length }],
    });
    expect(standin.messages).toHaveLength(1);
    const message = standin.messages[0];
    expect(message).toMatchObject({
      via: 'channel',
      channelId: CHANNEL,
      content: 'Match recap',
      embeds: [{ title: 'Match 7000000001', fields: [{ name: 'KDA', value: '10/2/8' }] }],
    });
    expect(message?.attachments).toHaveLength(1);
    expect(message?.attachments[0]?.filename).toBe('net-worth.png');
    expect(message?.attachments[0]?.contentType).toBe('image/png');
    expect(message?.attachments[0]?.data.equals(PNG)).toBe(true);
    const downloaded = Buffer.from(await (await fetch(reply.attachments[0]?.url ?? '')).arrayBuffer());
    expect(downloaded.equals(PNG)).toBe(true);
  });

  it('when discord.js REST sends 8 messages into a 5-per-window channel bucket, then all arrive once and it waited on the headers instead of earning 429s', async () => {
    const standin = await standinWith({ channelLimit: 5, windowMs: 300 });
    const rest = restFor(standin);

    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        rest.post(Routes.channelMessages(CHANNEL), { body: { content: `msg ${i}` } }),
      ),
    );

    expect(standin.messages.map((m) => m.content).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `msg ${i}`),
    );
    expect(standin.rateLimitedCount).toBe(0);
    const posts = standin.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(8);
    // The sixth request can only be in the second window if discord.js read X-RateLimit-Reset-After and waited.
    expect((posts[5]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(300);
  });

  it('when a client ignores the headers and overruns a channel bucket, then it gets 429 with Retry-After while other channels stay open', async () => {
    const standin = await standinWith({ channelLimit: 2, windowMs: 60_000 });

    const first = await post(standin, `/channels/${CHANNEL}/messages`, { content: 'a' });
    await post(standin, `/channels/${CHANNEL}/messages`, { content: 'b' });
    const limited = await post(standin, `/channels/${CHANNEL}/messages`, { content: 'c' });
    const other = await post(standin, `/channels/${OTHER_CHANNEL}/messages`, { content: 'd' });

    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(59);
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(first.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{16}$/);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(await limited.json()).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(other.status).toBe(200);
    expect(standin.messages.map((m) => m.content)).toEqual(['a', 'b', 'd']);
    expect(standin.rateLimitedCount).toBe(1);
  });

  it('when authenticated requests exceed the global limit, then the stand-in answers a global 429', async () => {
    const standin = await standinWith({ globalLimit: 3 });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i += 1) {
      last = await fetch(`${standin.restBaseUrl}/v10/users/@me`, {
        headers: { Authorization: `Bot ${standin.botToken}` },
      });
      statuses.push(last.status);
    }

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.headers.get('x-ratelimit-global')).toBe('true');
    expect(last?.headers.get('retry-after')).toBe('1');
    expect(await last?.json()).toMatchObject({ global: true });
  });

  it('when discord.js REST uses the wrong token, then it rejects with status 401', async () => {
    const standin = await standinWith();
    const rest = restFor(standin, 'not-the-token');

    await expect(rest.get(Routes.user())).rejects.toMatchObject({ status: 401, code: 0 });
    const raw = await post(
      standin,
      `/channels/${CHANNEL}/messages`,
      { content: 'x' },
      { Authorization: 'Bot nope' },
    );
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ message: '401: Unauthorized', code: 0 });
    expect(standin.messages).toHaveLength(0);
  });

  it('when a discord.js Client logs in with the wrong token, then login rejects as TokenInvalid', async () => {
    const standin = await standinWith();
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standin.restBaseUrl } });
    cleanups.push(() => client.destroy());

    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
  });

  it('when a channel is forbidden, then discord.js rejects with 403 Missing Access (50001)', async () => {
    const standin = await standinWith();
    const rest = restFor(standin);
    standin.forbidChannel(CHANNEL);

    await expect(
      rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'x' } }),
    ).rejects.toMatchObject({
      status: 403,
      code: 50001,
      message: 'Missing Access',
    });
    expect(standin.messages).toHaveLength(0);
  });

  it('when only some channels exist, then posting elsewhere is 404 Unknown Channel (10003)', async () => {
    const standin = await standinWith({ channels: [CHANNEL] });
    const rest = restFor(standin);

    await expect(
      rest.post(Routes.channelMessages(OTHER_CHANNEL), { body: { content: 'x' } }),
    ).rejects.toMatchObject({
      status: 404,
      code: 10003,
    });
  });

  it('when a message breaks Discord limits, then it is refused with Discord codes', async () => {
    const standin = await standinWith();
    const rest = restFor(standin);

    await expect(rest.post(Routes.channelMessages(CHANNEL), { body: { content: '' } })).rejects.toMatchObject(
      {
        status: 400,
        code: 50006,
      },
    );
    await expect(
      rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'x'.repeat(2001) } }),
    ).rejects.toMatchObject({ status: 400, code: 50035 });
    expect(standin.messages).toHaveLength(0);
  });

  it('when a route does not exist, then the answer is Discord 404 with rate-limit headers', async () => {
    const standin = await standinWith();
    const response = await fetch(`${standin.restBaseUrl}/v10/nowhere`, {
      headers: { Authorization: `Bot ${standin.botToken}` },
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: '404: Not Found', code: 0 });
    expect(response.headers.get('x-ratelimit-limit')).not.toBeNull();
  });

  it('when nothing is posted, then waitForMessages rejects on its timeout', async () => {
    const standin = await standinWith();
    await expect(standin.waitForMessages(1, 20)).rejects.toThrow(/timed out/);
  });
});

describe('discord stand-in interactions', () => {
  it('when a Client logs in and a slash command is dispatched, then interactionCreate fires and reply, editReply and followUp are recorded', async () => {
    const standin = await standinWith();
    const client = await loggedInClient(standin);
    expect(client.user?.id).toBe(standin.applicationId);

    const interaction = await dispatchAndReceive(
      standin,
      client,
      slashCommand(standin, '500000000000000001', 'tok-1'),
    );
    expect(interaction.commandName).toBe('dota');
    expect(interaction.options.getString('player')).toBe('76561197960287930');

    await interaction.reply({ content: 'pong' });
    const edited = await interaction.editReply({ content: 'pong, edited' });
    await interaction.followUp({ content: 'one more thing' });

    expect(standin.messages.map((m) => [m.via, m.content, m.interactionToken])).toEqual([
      ['interaction-callback', 'pong', 'tok-1'],
      ['webhook-edit', 'pong, edited', 'tok-1'],
      ['webhook-followup', 'one more thing', 'tok-1'],
    ]);
    expect(standin.messages[1]?.id).toBe(standin.messages[0]?.id);
    expect(edited.id).toBe(standin.messages[0]?.id);
    expect(edited.content).toBe('pong, edited');
  });

  it('when a command is deferred ephemerally and then edited with a chart, then only the edit is recorded, ephemeral, with the PNG', async () => {
    const standin = await standinWith();
    const client = await loggedInClient(standin);
    const interaction = await dispatchAndReceive(
      standin,
      client,
      slashCommand(standin, '500000000000000002', 'tok-2'),
    );

    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    expect(standin.messages).toHaveLength(0);
    await interaction.editReply({ content: 'your chart', files: [{ attachment: PNG, name: 'chart.png' }] });

    const [message] = await standin.waitForMessages(1);
    expect(message).toMatchObject({
      via: 'webhook-edit',
      content: 'your chart',
      flags: MessageFlags.Ephemeral,
    });
    expect(message?.attachments[0]?.data.equals(PNG)).toBe(true);
  });

  it('when an interaction is answered twice, then the second callback is 400 already acknowledged (40060)', async () => {
    const standin = await standinWith();
    const client = await loggedInClient(standin);
    const interaction = await dispatchAndReceive(
      standin,
      client,
      slashCommand(standin, '500000000000000003', 'tok-3'),
    );
    await interaction.reply({ content: 'first' });

    await expect(
      client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
        body: { type: 4, data: { content: 'second' } },
        auth: false,
      }),
    ).rejects.toMatchObject({ status: 400, code: 40060 });
    expect(standin.messages.map((m) => m.content)).toEqual(['first']);
  });

  it('when the gateway asks discord.js to reconnect, then it resumes and still receives interactions', async () => {
    const standin = await standinWith();
    const client = await loggedInClient(standin);
    const resumed = once(client, Events.ShardResume);

    await standin.requestReconnect();
    await resumed;
    const interaction = await dispatchAndReceive(
      standin,
      client,
      slashCommand(standin, '500000000000000004', 'tok-4'),
    );

    expect(interaction.commandName).toBe('dota');
  });

  it('when a callback names an interaction that was never dispatched, then it is 404 Unknown interaction (10062)', async () => {
    const standin = await standinWith();
    const response = await post(standin, '/interactions/500000000000000009/nope/callback', {
      type: 4,
      data: { content: 'x' },
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Unknown interaction', code: 10062 });
  });

  it('when a callback arrives after the 3 s acknowledgement window, then it is 404 Unknown interaction', async () => {
    let clock = 1_700_000_000_000;
    const standin = await standinWith({ now: () => clock });
    standin.registerInteraction({ id: '500000000000000005', token: 'tok-5', type: 2, channel_id: CHANNEL });
    clock += 3001;

    const response = await post(standin, '/interactions/500000000000000005/tok-5/callback', { type: 5 });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 10062 });
  });

  it('when a deferral is acknowledged in time, then the callback is 204 with no body and no content type', async () => {
    const standin = await standinWith();
    standin.registerInteraction({ id: '500000000000000006', token: 'tok-6', type: 2, channel_id: CHANNEL });

    const response = await post(standin, '/interactions/500000000000000006/tok-6/callback', { type: 5 });

    expect(response.status).toBe(204);
    expect(response.headers.get('content-type')).toBeNull();
    expect(await response.text()).toBe('');
    expect(standin.messages).toHaveLength(0);
  });

  it('when @original is edited before the interaction is acknowledged, then it is 404 Unknown Webhook (10015)', async () => {
    const standin = await standinWith();
    standin.registerInteraction({ id: '500000000000000007', token: 'tok-7', type: 2, channel_id: CHANNEL });

    const response = await fetch(
      `${standin.restBaseUrl}/v10/webhooks/${standin.applicationId}/tok-7/messages/%40original`,
      {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ content: 'too early' }),
      },
    );

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Unknown Webhook', code: 10015 });
  });

  it('when an HTTP-interaction response is recorded, then it counts as the acknowledgement and a second one is refused', async () => {
    const standin = await standinWith();
    standin.registerInteraction({ id: '500000000000000008', token: 'tok-8', type: 2, channel_id: CHANNEL });

    standin.recordInteractionResponse('500000000000000008', { type: 4, data: { content: 'from http' } });

    expect(standin.messages).toMatchObject([
      { via: 'interaction-callback', content: 'from http', channelId: CHANNEL },
    ]);
    expect(() => standin.recordInteractionResponse('500000000000000008', { type: 5 })).toThrow(
      expect.objectContaining({ status: 400, code: 40060 }),
    );
  });
});

describe('discord stand-in gateway', () => {
  it('when IDENTIFY carries the wrong token, then the gateway closes with 4004', async () => {
    const standin = await standinWith();
    const gateway = rawGateway(`${standin.gatewayUrl}?v=10&encoding=json`);

    expect(await gateway.next()).toMatchObject({ op: 10, d: { heartbeat_interval: 41250 } });
    gateway.send(identify('wrong'));

    expect(await gateway.closed).toEqual({ code: 4004, reason: 'Authentication failed.' });
  });

  it('when IDENTIFY asks for a privileged intent the app lacks, then the gateway closes with 4014', async () => {
    const standin = await standinWith();
    const gateway = rawGateway(`${standin.gatewayUrl}?v=10&encoding=json`);
    await gateway.next();
    gateway.send(identify(standin.botToken, 1 << 15));

    expect((await gateway.closed).code).toBe(4014);
  });

  it('when a client heartbeats and identifies, then it gets op 11 and READY with sequence 1', async () => {
    const standin = await standinWith();
    const gateway = rawGateway(`${standin.gatewayUrl}?v=10&encoding=json`);
    await gateway.next();

    gateway.send({ op: 1, d: null });
    expect(await gateway.next()).toMatchObject({ op: 11 });
    gateway.send(identify(standin.botToken));
    const ready = await gateway.next();
    await standin.waitForIdentify();

    expect(ready).toMatchObject({
      op: 0,
      t: 'READY',
      s: 1,
      d: {
        v: 10,
        user: { id: standin.applicationId, bot: true },
        shard: [0, 1],
        application: { id: standin.applicationId },
      },
    });
  });

  it('when a session drops and RESUMEs, then it gets the missed dispatch replayed and RESUMED', async () => {
    const standin = await standinWith();
    const first = rawGateway(`${standin.gatewayUrl}?v=10&encoding=json`);
    await first.next();
    first.send(identify(standin.botToken));
    const ready = (await first.next()) as { d: { session_id: string } };
    await standin.waitForIdentify();
    await standin.dispatchInteraction({ id: '500000000000000010', token: 'tok-10', type: 2 });
    expect(await first.next()).toMatchObject({ t: 'INTERACTION_CREATE', s: 2 });
    first.ws.close(4000, 'network blip');
    await first.closed;

    const second = rawGateway(`${standin.gatewayUrl}?v=10&encoding=json`);
    await second.next();
    second.send({ op: 6, d: { token: standin.botToken, session_id: ready.d.session_id, seq: 1 } });

    expect(await second.next()).toMatchObject({
      t: 'INTERACTION_CREATE',
      s: 2,
      d: { id: '500000000000000010' },
    });
    expect(await second.next()).toMatchObject({ t: 'RESUMED', s: 3 });
  });

  it('when a client asks for zlib-stream, then every frame inflates with one shared context and ends in the sync-flush marker', async () => {
    const standin = await standinWith();
    const frames: Buffer[] = [];
    const gateway = rawGateway(`${standin.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`, (data) => {
      frames.push(data);
      expect(data.subarray(-4).equals(Buffer.from([0, 0, 0xff, 0xff]))).toBe(true);
      return JSON.parse(
        inflateSync(Buffer.concat(frames), { finishFlush: zlibConstants.Z_SYNC_FLUSH })
          .toString('utf8')
          .split(/(?<=\})(?=\{)/)
          .at(-1) ?? '',
      );
    });

    expect(await gateway.next()).toMatchObject({ op: 10 });
    gateway.send({ op: 1, d: null });
    expect(await gateway.next()).toMatchObject({ op: 11 });
  });

  it('when the connect URL asks for another API version, then the gateway closes with 4012', async () => {
    const standin = await standinWith();
    const gateway = rawGateway(`${standin.gatewayUrl}?v=9&encoding=json`);

    expect((await gateway.closed).code).toBe(4012);
  });
});
