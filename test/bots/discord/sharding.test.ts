// Gateway sharding: discord.js connects the shards the stand-in recommends, and each guild is served by its own shard.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GatewayDispatchEvents, type REST } from 'discord.js';
import { startGatewayBot, type GatewayBot } from '../../../src/bots/discord/gateway.js';
import type { InteractionDeps } from '../../../src/bots/discord/interactions.js';
import { createDiscordRest } from '../../../src/bots/discord/discord-rest.js';
import { loadConfig } from '../../../src/config.js';
import { AppError } from '../../../src/errors.js';
import { startDiscordStandin, type DiscordStandin } from '../../../src/fakes/discord-standin.server.js';
import { slashInteraction } from '../../../src/fakes/slash-interaction.js';
import { createLogger } from '../../../src/log.js';
import { startDiscordHarness, waitForMessage, type DiscordHarness } from '../../support/discord-harness.js';

const CHANNEL = '1400000000000000002';
const MEMBER = { userId: '1400000000000000003', username: 'member', permissions: '0' };
/** A 2025 league match shipped in json_files/steam, served by the harness's Valve replay. */
const KNOWN_MATCH = 8591933650;

/** A guild id whose timestamp bits (id >> 22) are `1_000_000_000 + shard`: Discord routes it to `shard` of 2. */
function guildOnShardOfTwo(shard: 0 | 1): string {
  return String((BigInt(1_000_000_000 + shard) << 22n) | 5n);
}

let harness: DiscordHarness;
let standin: DiscordStandin;
let rest: REST;
let deps: InteractionDeps;
let bot: GatewayBot | undefined;

beforeAll(async () => {
  harness = await startDiscordHarness();
  // max_concurrency 4: discord.js would otherwise wait Discord's 5 s between the shards' IDENTIFYs.
  standin = await startDiscordStandin({ shards: 2, maxConcurrency: 4 });
  rest = createDiscordRest(standin.restBaseUrl, standin.botToken);
  deps = { ...harness.deps, rest, applicationId: standin.applicationId };
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

afterAll(async () => {
  rest?.clearHashSweeper();
  rest?.clearHandlerSweeper();
  await standin?.close();
  await harness?.close();
});

function start(shards: 'auto' | number): Promise<GatewayBot> {
  return startGatewayBot(
    deps,
    { token: standin.botToken, apiBaseUrl: standin.restBaseUrl, shards },
    createLogger('silent'),
  );
}

/** Sessions of a `count`-shard client; a stopped bot's sessions may still be closing at the stand-in. */
const shardsOf = (count: number) =>
  standin.identifiedShards.filter(([, total]) => total === count).sort(([a], [b]) => a - b);

describe('gateway sharding', () => {
  it("when the stand-in recommends 2 shards and the bot starts with shards 'auto', then both shards identify as [id, 2] before it reports ready", async () => {
    bot = await start('auto');

    expect(bot.client.isReady()).toBe(true);
    expect(shardsOf(2)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...bot.client.ws.shards.keys()].sort()).toEqual([0, 1]);
    expect(
      standin.requests.filter((request) => request.path === '/api/v10/gateway/bot').length,
    ).toBeGreaterThan(0);
  });

  it('when a fixed shard count is given, then that many shards connect whatever /gateway/bot recommends', async () => {
    bot = await start(3);

    expect(shardsOf(3)).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
  });

  it('when a member in a guild on shard 1 runs /dota match, then only shard 1 receives it and the edited recap reaches Discord', async () => {
    bot = await start('auto');
    const receivedOn: number[] = [];
    const guildId = guildOnShardOfTwo(1);
    const interaction = slashInteraction({
      applicationId: standin.applicationId,
      guildId,
      channelId: CHANNEL,
      ...MEMBER,
      path: ['match'],
      options: [{ name: 'id', type: 4, value: KNOWN_MATCH }],
    });
    bot.client.on('raw', (packet: { t?: string; d?: { id?: string } }, shardId: number) => {
      if (packet.t === GatewayDispatchEvents.InteractionCreate && packet.d?.id === interaction.id)
        receivedOn.push(shardId);
    });

    await standin.dispatchInteraction(interaction);
    const edit = await waitForMessage(
      standin,
      (message) => message.interactionToken === interaction.token && message.via === 'webhook-edit',
    );

    expect(receivedOn).toEqual([1]);
    expect(edit.channelId).toBe(CHANNEL);
    expect((edit.embeds[0] as { title?: string } | undefined)?.title).toContain(String(KNOWN_MATCH));
  });
});

describe('stand-in gateway shards', () => {
  // Its own stand-in: no bot session from the tests above may own a guild here.
  let raw: DiscordStandin;
  beforeAll(async () => {
    raw = await startDiscordStandin({ shards: 2 });
  });
  afterAll(async () => {
    await raw?.close();
  });

  type Frame = { op: number; t?: string; d?: { id?: string } };

  /** A raw gateway client that sends IDENTIFY with `shard` after HELLO and records the interactions it gets. */
  function identifyWith(shard: unknown) {
    const ws = new WebSocket(`${raw.gatewayUrl}?v=10&encoding=json`);
    const interactions: string[] = [];
    const waiters: ((id: string) => void)[] = [];
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as Frame;
      if (frame.op === 10) {
        const properties = { os: 'linux', browser: 'test', device: 'test' };
        ws.send(JSON.stringify({ op: 2, d: { token: raw.botToken, intents: 1, properties, shard } }));
      }
      if (frame.t === 'INTERACTION_CREATE') {
        interactions.push(frame.d?.id ?? '');
        waiters.shift()?.(frame.d?.id ?? '');
      }
    });
    /** The id of the next INTERACTION_CREATE this client receives. */
    const nextInteraction = () => new Promise<string>((resolve) => waiters.push(resolve));
    return { ws, interactions, nextInteraction, closed };
  }

  it.each([
    ['an id equal to the count', [2, 2]],
    ['a zero count', [0, 0]],
    ['a negative id', [-1, 2]],
    ['not a pair', [0]],
  ])('when IDENTIFY sends %s, then the gateway closes with 4010 Invalid shard', async (_what, shard) => {
    expect(await identifyWith(shard).closed).toBe(4010);
  });

  it('when only shard 0 of 2 is connected, then its guilds are dispatched to it and a shard-1 guild is refused', async () => {
    const client = identifyWith([0, 2]);
    await raw.waitForIdentify();
    try {
      const owned = (id: string) => ({ id, token: `tok-${id}`, type: 2, guild_id: guildOnShardOfTwo(0) });
      const first = client.nextInteraction();
      await raw.dispatchInteraction(owned('1400000000000000010'));
      expect(await first).toBe('1400000000000000010');

      await expect(
        raw.dispatchInteraction({
          id: '1400000000000000011',
          token: 'tok-shard-1',
          type: 2,
          guild_id: guildOnShardOfTwo(1),
        }),
      ).rejects.toThrow(/no gateway session owns the shard/);
      // Frames on one socket arrive in order: had the refused one been sent, it would come before this one.
      const last = client.nextInteraction();
      await raw.dispatchInteraction(owned('1400000000000000012'));
      await last;
      expect(client.interactions).toEqual(['1400000000000000010', '1400000000000000012']);
    } finally {
      client.ws.close(1000);
      await client.closed;
    }
  });
});

describe('DISCORD_SHARDS', () => {
  it("when unset, then it is 'auto'; when a count, then that number", () => {
    expect(loadConfig({}, 'cli').DISCORD_SHARDS).toBe('auto');
    expect(loadConfig({ DISCORD_SHARDS: '4' }, 'cli').DISCORD_SHARDS).toBe(4);
  });

  it.each(['0', '1.5', 'many'])('when it is %s, then config_invalid names DISCORD_SHARDS', (value) => {
    let error: unknown;
    try {
      loadConfig({ DISCORD_SHARDS: value }, 'cli');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('config_invalid');
    expect((error as AppError).message).toContain('DISCORD_SHARDS');
  });
});
