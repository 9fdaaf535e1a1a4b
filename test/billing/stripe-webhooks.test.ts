// Premium through Stripe end to end: Checkout, signed webhooks applied once, in any order, forged ones refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entitlementsOf } from '../../src/billing/entitlements.js';
import { findPremiumAccount } from '../../src/billing/premium-accounts.repo.js';
import { reconcileBilling } from '../../src/billing/reconcile.js';
import { syncSubscription } from '../../src/billing/subscription-sync.js';
import { premiumCommand } from '../../src/bots/core/commands/premium.command.js';
import { adminIn, FREE_CAP, startBillingHarness, type BillingHarness } from '../support/billing-harness.js';

let h: BillingHarness;
let guildCounter = 0;
const DAY = 86_400_000;

beforeAll(async () => {
  h = await startBillingHarness();
});

afterAll(async () => {
  await h?.close();
});

function nextGuild(): string {
  guildCounter += 1;
  return `77000000000000${String(guildCounter).padStart(4, '0')}`;
}

/** `/dota premium` by an admin of `guildId`; returns the reply and the Checkout session id its link names. */
async function askForPremium(guildId: string, action?: string) {
  const reply = await premiumCommand.run(h.ctx, action ? { action } : {}, adminIn(guildId));
  const sessionId = /\/checkout\/(cs_test_\w+)/.exec(reply.url ?? '')?.[1];
  return { reply, sessionId };
}

async function tierOf(guildId: string) {
  return (await entitlementsOf(h.ctx, { platform: 'discord', guildId })).tier;
}

/** A guild that bought premium through Checkout, with every event delivered in Stripe's order. */
async function premiumGuild(): Promise<{ guildId: string; subscriptionId: string }> {
  const guildId = nextGuild();
  const { sessionId } = await askForPremium(guildId);
  const { subscription } = await h.standin.completeCheckout(sessionId!);
  return { guildId, subscriptionId: subscription.id };
}

const storedEvents = async () => Number((await h.database.db('stripe_events').count({ n: '*' }))[0]?.n);

/** Requests that read a subscription back from Stripe. */
const subscriptionReads = () =>
  h.standin.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/subscriptions/')).length;

async function subscriptionsIn(guildId: string, count: number): Promise<void> {
  await h.database.db('subscriptions').insert(
    Array.from({ length: count }, (_, index) => ({
      platform: 'discord',
      guild_id: guildId,
      channel_id: '400000000000000001',
      target_kind: 'league',
      target_id: 16_000 + index,
      created_by: 'admin',
      created_at: new Date(Date.now() - (count - index) * 60_000),
    })),
  );
}

const pausedCount = async (guildId: string) =>
  Number(
    (
      await h.database
        .db('subscriptions')
        .where({ guild_id: guildId })
        .whereNotNull('paused_at')
        .count({ n: '*' })
    )[0]?.n,
  );

describe('Checkout', () => {
  it('when a free guild admin runs /dota premium, then the reply links a subscription-mode Checkout bound to the guild', async () => {
    const guildId = nextGuild();
    const { reply, sessionId } = await askForPremium(guildId);

    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain('Premium adds');
    expect(sessionId).toBeDefined();
    const create = h.standin.requests.findLast((r) => r.path === '/v1/checkout/sessions')!;
    expect(create.status).toBe(200);
    expect(create.stripeVersion).toBe(h.standin.apiVersion);
    // The SDK retries POSTs, so it sends a key; the stand-in would replay a retry rather than open a second session.
    expect(create.idempotencyKey).toBeTruthy();
    expect(create.params).toMatchObject({
      mode: 'subscription',
      client_reference_id: `discord-${guildId}`,
      subscription_data: { metadata: { platform: 'discord', guild_id: guildId } },
    });
    expect(await tierOf(guildId)).toBe('free');
  });

  it('when the customer pays, then the webhooks make the guild premium and /dota premium says so', async () => {
    const { guildId } = await premiumGuild();

    expect(h.standin.webhooks.slice(-3).map((d) => [d.type, d.status])).toEqual([
      ['checkout.session.completed', 200],
      ['customer.subscription.created', 200],
      ['invoice.paid', 200],
    ]);
    expect(await tierOf(guildId)).toBe('premium');
    // A paying guild is sent to manage its subscription, never to a second Checkout.
    const { reply, sessionId } = await askForPremium(guildId);
    expect(reply.text).toMatch(/has premium until \d{4}-\d{2}-\d{2}/);
    expect(reply.url).toMatch(/\/portal\/bps_/);
    expect(sessionId).toBeUndefined();
  });

  it('when the success page is opened before any webhook arrives, then it applies the subscription from Stripe at once', async () => {
    const guildId = nextGuild();
    const { sessionId } = await askForPremium(guildId);
    await h.standin.completeCheckout(sessionId!, { order: [] });
    expect(await tierOf(guildId)).toBe('free');

    const page = await fetch(h.url(`/billing/success?session_id=${sessionId}`));

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Premium is active');
    expect(await tierOf(guildId)).toBe('premium');
  });

  it('when the success page names no real session, then it explains and changes nothing', async () => {
    expect((await fetch(h.url('/billing/success'))).status).toBe(400);
    expect((await fetch(h.url('/billing/success?session_id=cs_test_nosuchsession'))).status).toBe(404);
    expect((await fetch(h.url('/billing/success?session_id=<script>'))).status).toBe(400);
  });

  it('when an admin asks to manage billing, then a guild that paid gets the portal and one that never did is told how to start', async () => {
    const { guildId } = await premiumGuild();
    const paid = await askForPremium(guildId, 'manage');
    expect(paid.reply.url).toMatch(/\/portal\/bps_/);

    const never = await askForPremium(nextGuild(), 'manage');
    expect(never.reply.url).toBeUndefined();
    expect(never.reply.text).toContain('`/dota premium` starts it');

    await expect(askForPremium(guildId, 'refund')).rejects.toMatchObject({ code: 'bad_input' });
  });

  it('when the operator has not set up Stripe, then /dota premium says premium is not offered instead of failing', async () => {
    const reply = await premiumCommand.run({ ...h.ctx, billing: undefined }, {}, adminIn(nextGuild()));

    expect(reply.title).toBe('Premium is not offered here');
    expect(reply.url).toBeUndefined();
  });
});

describe('webhook delivery', () => {
  it('when every event is delivered twice, then each is applied once and the second answer says duplicate', async () => {
    const { guildId } = await premiumGuild();
    const events = await storedEvents();
    const reads = subscriptionReads();

    for (const delivery of h.standin.webhooks.slice(-3)) {
      const again = await h.standin.sendEvent(JSON.parse(delivery.payload) as object);
      expect([again.status, JSON.parse(again.body)]).toEqual([200, { received: true, outcome: 'duplicate' }]);
    }

    expect(await storedEvents()).toBe(events);
    expect(subscriptionReads()).toBe(reads);
    expect(await tierOf(guildId)).toBe('premium');
  });

  it('when the checkout events arrive in reverse order, then the guild still ends premium', async () => {
    const guildId = nextGuild();
    const { sessionId } = await askForPremium(guildId);

    const { deliveries } = await h.standin.completeCheckout(sessionId!, {
      order: ['invoice.paid', 'customer.subscription.created', 'checkout.session.completed'],
    });

    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(await tierOf(guildId)).toBe('premium');
  });

  it('when an old "subscription active" event arrives after the cancellation, then the guild stays free', async () => {
    const { guildId, subscriptionId } = await premiumGuild();
    const created = h.standin.webhooks.findLast((d) => d.type === 'customer.subscription.created')!;
    await h.standin.updateSubscription(subscriptionId, { status: 'canceled' });
    expect(await tierOf(guildId)).toBe('free');

    // Stripe retries an old event whose first delivery failed: same content, delivered late.
    const late = await h.standin.sendEvent({
      ...(JSON.parse(created.payload) as object),
      id: 'evt_late_retry_1',
    });

    expect(late.status).toBe(200);
    expect(await tierOf(guildId)).toBe('free');
  });

  it('when a copy of the subscription read earlier is applied after a newer one, then it changes nothing', async () => {
    const { guildId, subscriptionId } = await premiumGuild();
    const readEarlier = new Date(h.clock.now());
    const activeCopy = await h.billing.stripe.subscriptions.retrieve(subscriptionId);
    await h.clock.sleep(1000);
    await h.standin.updateSubscription(subscriptionId, { status: 'canceled' }, { send: false });
    const readLater = new Date(h.clock.now());
    const canceledCopy = await h.billing.stripe.subscriptions.retrieve(subscriptionId);
    const apply = (copy: typeof activeCopy, fetchedAt: Date) =>
      h.database.db.transaction((trx) =>
        syncSubscription(trx, h.billing.sync, copy, { fetchedAt, now: new Date(h.clock.now()) }),
      );

    await apply(canceledCopy, readLater);
    await apply(activeCopy, readEarlier);

    expect(await tierOf(guildId)).toBe('free');
  });

  it('when two admins pay two Checkouts for one guild, then the first subscription is kept and the second grants nothing', async () => {
    const guildId = nextGuild();
    const first = await askForPremium(guildId);
    const second = await askForPremium(guildId);
    const paidFirst = await h.standin.completeCheckout(first.sessionId!);
    await h.standin.completeCheckout(second.sessionId!);
    await reconcileBilling(h.billing, h.database.db);

    const account = await findPremiumAccount(h.database.db, { platform: 'discord', guildId });
    expect(account?.stripe_subscription_id).toBe(paidFirst.subscription.id);
    expect(await tierOf(guildId)).toBe('premium');
  });

  it.each([
    ['forged (signed with another secret)', () => ({ forge: true })],
    ['stale (signed ten minutes ago)', () => ({ timestampSeconds: Math.floor(h.clock.now() / 1000) - 600 })],
    ['tampered (body changed after signing)', () => ({ tamper: true })],
  ])('when a %s event arrives, then it is refused with 400 and nothing changes', async (_name, options) => {
    const guildId = nextGuild();
    const { sessionId } = await askForPremium(guildId);
    const { deliveries } = await h.standin.completeCheckout(sessionId!, { order: [] });
    expect(deliveries).toEqual([]);
    const subscription = h.standin.requests.length;
    const events = await storedEvents();
    const genuine = h.standin.webhooks.findLast((d) => d.type === 'customer.subscription.created');
    const forgedEvent = {
      ...(JSON.parse(genuine!.payload) as { data: { object: Record<string, unknown> } }),
      id: `evt_forged_${guildCounter}`,
    };
    forgedEvent.data.object.metadata = { platform: 'discord', guild_id: guildId };

    const delivery = await h.standin.sendEvent(forgedEvent, options());

    expect(delivery.status).toBe(400);
    expect(await storedEvents()).toBe(events);
    expect(h.standin.requests.length).toBe(subscription);
    expect(await tierOf(guildId)).toBe('free');
  });

  it('when the signature header is missing or the body is not JSON, then the answer is 400', async () => {
    const missing = await fetch(h.url('/stripe/webhook'), { method: 'POST', body: '{}' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/signature/i);
  });
});

describe('payment failure and downgrade', () => {
  it('when a payment fails, then premium holds through the grace period, then drops to free and pauses the alerts over the cap without deleting them', async () => {
    const { guildId, subscriptionId } = await premiumGuild();
    await subscriptionsIn(guildId, FREE_CAP + 3);

    await h.standin.updateSubscription(subscriptionId, { status: 'past_due' });
    expect(await tierOf(guildId)).toBe('premium');
    const account = await findPremiumAccount(h.database.db, { platform: 'discord', guildId });
    expect(account?.notice).toMatch(/payment failed .* holds until/i);
    expect(await pausedCount(guildId)).toBe(0);

    await h.clock.sleep(8 * DAY);
    await reconcileBilling(h.billing, h.database.db);

    expect(await tierOf(guildId)).toBe('free');
    expect(await pausedCount(guildId)).toBe(3);
    expect(
      Number((await h.database.db('subscriptions').where({ guild_id: guildId }).count({ n: '*' }))[0]?.n),
    ).toBe(FREE_CAP + 3);
    // Stripe still retries the card: the admin is sent to fix it in the portal, not to buy a second subscription.
    const { reply, sessionId } = await askForPremium(guildId);
    expect(reply.text).toMatch(/3 alert\(s\) over the free tier's 2 were paused, none deleted/);
    expect(reply.text).toContain('subscription is past_due');
    expect(sessionId).toBeUndefined();

    // The card works again: renewed, and the paused alerts come back.
    const renewedUntil = Math.floor(h.clock.now() / 1000) + 30 * 86_400;
    await h.standin.updateSubscription(subscriptionId, { status: 'active', currentPeriodEnd: renewedUntil });
    expect(await tierOf(guildId)).toBe('premium');
    expect(await pausedCount(guildId)).toBe(0);
  });

  it('when a cancellation webhook is lost, then the reconcile job finds it and downgrades', async () => {
    const { guildId, subscriptionId } = await premiumGuild();
    await h.standin.updateSubscription(subscriptionId, { status: 'canceled' }, { send: false });
    expect(await tierOf(guildId)).toBe('premium');

    const totals = await reconcileBilling(h.billing, h.database.db);

    expect(totals.synced).toBeGreaterThan(0);
    expect(await tierOf(guildId)).toBe('free');
  });
});
