// A guild hears about billing in its own alert channels: a failed payment and a downgrade, each posted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceNotices } from '../../src/billing/announce-notices.js';
import { reconcileBilling } from '../../src/billing/reconcile.js';
import { createDiscordRest } from '../../src/bots/discord/discord-rest.js';
import { createDiscordSender } from '../../src/bots/discord/discord-sender.js';
import { premiumCommand } from '../../src/bots/core/commands/premium.command.js';
import { startDiscordStandin, type DiscordStandin } from '../../src/fakes/discord-standin.server.js';
import { createLogger } from '../../src/log.js';
import { createNotifier, type Notifier } from '../../src/notify/notifier.js';
import { adminIn, startBillingHarness, type BillingHarness } from '../support/billing-harness.js';

const GUILD = '7800000000000000001';
const CHANNELS = ['7800000000000000011', '7800000000000000012'];
const DAY = 86_400_000;
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

let h: BillingHarness;
let discord: DiscordStandin;
let notifier: Notifier;

beforeAll(async () => {
  h = await startBillingHarness();
  discord = await startDiscordStandin();
  const rest = createDiscordRest(discord.restBaseUrl, discord.botToken);
  notifier = createNotifier({
    db: h.database.db,
    render: h.ctx.render,
    senders: [createDiscordSender(rest)],
    log,
  });
});

afterAll(async () => {
  await discord?.close();
  await h?.close();
});

const announce = () => announceNotices(h.database.db, notifier, log);
const postedTexts = () =>
  discord.messages
    .filter((message) => message.via === 'channel')
    .map((message) => [message.channelId, JSON.stringify(message.embeds)] as const);

describe('billing notices', () => {
  it('when a payment fails and later premium ends, then each notice reaches the guild alert channels once', async () => {
    await h.database.db('subscriptions').insert(
      CHANNELS.map((channel, index) => ({
        platform: 'discord',
        guild_id: GUILD,
        channel_id: channel,
        target_kind: 'league',
        target_id: 16_110 + index,
        created_by: 'admin',
      })),
    );
    const reply = await premiumCommand.run(h.ctx, {}, adminIn(GUILD));
    const sessionId = /\/checkout\/(cs_test_\w+)/.exec(reply.url ?? '')![1]!;
    const { subscription } = await h.standin.completeCheckout(sessionId);
    expect(await announce()).toBe(0);

    await h.standin.updateSubscription(subscription.id, { status: 'past_due' });
    expect(await announce()).toBe(2);
    expect(await announce()).toBe(0);
    expect(postedTexts().map(([channel]) => channel)).toEqual(CHANNELS);
    expect(postedTexts()[0]![1]).toContain('payment failed');

    await h.clock.sleep(8 * DAY);
    await reconcileBilling(h.billing, h.database.db);
    expect(await announce()).toBe(2);
    expect(postedTexts()).toHaveLength(4);
    expect(postedTexts()[3]![1]).toContain('Premium ended');

    // Stripe still reports past_due while it retries: later reconcile runs must not bring the grace notice back.
    await reconcileBilling(h.billing, h.database.db);
    expect(await announce()).toBe(0);
    expect((await premiumCommand.run(h.ctx, {}, adminIn(GUILD))).text).toContain('Premium ended');
  });
});
