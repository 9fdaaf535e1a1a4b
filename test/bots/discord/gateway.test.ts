// Gateway mode: the real discord.js Client logs in to the stand-in and serves /dota through the shared handler.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayBot } from '../../../src/bots/discord/gateway.js';
import { slashInteraction } from '../../../src/fakes/slash-interaction.js';
import { playerHistoryJob } from '../../../src/ingest/jobs/player-history.job.js';
import {
  startDiscordHarness,
  startHarnessGateway,
  waitForMessage,
  type DiscordHarness,
} from '../../support/discord-harness.js';

const GUILD = '1300000000000000001';
const CHANNEL = '1300000000000000002';
const ADMIN = { userId: '1300000000000000003', username: 'guild-admin', permissions: String(0x20) };
const PLAYER = 177062248;

let harness: DiscordHarness;
let bot: GatewayBot | undefined;

beforeAll(async () => {
  harness = await startDiscordHarness();
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

afterAll(async () => {
  await harness?.close();
});

describe('startGatewayBot', () => {
  it('when an admin runs /dota subscribe player over the gateway, then the callback is deferred, the reply edited in, the subscription stored and history queued', async () => {
    const { standin } = harness;
    bot = await startHarnessGateway(harness);
    expect(bot.client.isReady()).toBe(true);

    const interaction = slashInteraction({
      applicationId: standin.applicationId,
      guildId: GUILD,
      channelId: CHANNEL,
      ...ADMIN,
      path: ['subscribe', 'player'],
      options: [{ name: 'player', type: 3, value: String(PLAYER) }],
    });
    await standin.dispatchInteraction(interaction);

    const edit = await waitForMessage(
      standin,
      (message) => message.interactionToken === interaction.token && message.via === 'webhook-edit',
    );
    const callbacks = standin.requests.filter(
      (request) =>
        request.method === 'POST' &&
        request.path.endsWith(`/${interaction.id}/${interaction.token}/callback`),
    );
    expect(callbacks.map((request) => request.status)).toEqual([204]);
    expect(edit.channelId).toBe(CHANNEL);
    expect(edit.flags & 64).toBe(0);
    const embed = edit.embeds[0] as { title?: string; description?: string } | undefined;
    expect(embed?.title).toBe('Subscribed');
    expect(embed?.description).toContain(String(PLAYER));

    const rows = await harness.database.db('subscriptions').select('*');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      platform: 'discord',
      guild_id: GUILD,
      channel_id: CHANNEL,
      target_kind: 'player',
      created_by: ADMIN.userId,
    });
    expect(Number((rows[0] as { target_id: string | number }).target_id)).toBe(PLAYER);
    expect(harness.enqueued).toEqual([{ name: playerHistoryJob.name, data: { account_id: PLAYER } }]);
    expect(playerHistoryJob.name).toBe('ingest.player-history');
  });
});
