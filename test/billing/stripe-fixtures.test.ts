// Real Stripe events (test/fixtures/stripe, older API shapes) replayed through the stand-in to our webhook.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entitlementsOf } from '../../src/billing/entitlements.js';
import { findPremiumAccount } from '../../src/billing/premium-accounts.repo.js';
import { startBillingHarness, type BillingHarness } from '../support/billing-harness.js';

let h: BillingHarness;

beforeAll(async () => {
  h = await startBillingHarness();
});

afterAll(async () => {
  await h?.close();
});

interface FixtureEvent {
  id: string;
  type: string;
  data: { object: { id: string; customer: string; subscription?: string | null } };
}

const fixture = (name: string): FixtureEvent =>
  JSON.parse(readFileSync(new URL(`../fixtures/stripe/${name}`, import.meta.url), 'utf8')) as FixtureEvent;

const workspace = (guildId: string) => ({ platform: 'slack' as const, guildId });

async function deliver(event: object): Promise<{ status: number; outcome?: string }> {
  const delivery = await h.standin.sendEvent(event);
  const body = JSON.parse(delivery.body) as { outcome?: string };
  return { status: delivery.status, outcome: body.outcome };
}

describe('replaying captured Stripe events', () => {
  it('when a captured subscription event names a subscription of ours, then the workspace gets premium from its current state', async () => {
    const event = fixture('supabase_subscription_updated.json');
    h.standin.putSubscription({
      id: event.data.object.id,
      customer: event.data.object.customer,
      metadata: { platform: 'slack', guild_id: 'T0FIXTURE1' },
    });

    expect(await deliver(event)).toEqual({ status: 200, outcome: 'applied' });
    expect((await entitlementsOf(h.ctx, { platform: 'slack', guildId: 'T0FIXTURE1' })).tier).toBe('premium');
    expect(await deliver(event)).toEqual({ status: 200, outcome: 'duplicate' });
  });

  it('when a 2021 invoice.paid names its subscription at the top level, then that subscription is read and applied', async () => {
    const event = fixture('supabase_invoice_paid.json');
    h.standin.putSubscription({
      id: event.data.object.subscription!,
      metadata: { platform: 'slack', guild_id: 'T0FIXTURE2' },
    });

    expect(await deliver(event)).toEqual({ status: 200, outcome: 'applied' });
    const account = await findPremiumAccount(h.database.db, workspace('T0FIXTURE2'));
    expect(account?.stripe_subscription_id).toBe(event.data.object.subscription);
  });

  it('when a 2019 invoice.payment_failed arrives for a past-due subscription, then premium holds with a grace notice', async () => {
    const data = fixture('pay_invoice.payment_failed_data.json') as unknown as FixtureEvent['data'];
    h.standin.putSubscription({
      id: data.object.subscription!,
      status: 'past_due',
      metadata: { platform: 'slack', guild_id: 'T0FIXTURE3' },
    });
    // The fixture is the event's data member only: wrapped in the envelope Stripe sends.
    const event = { id: 'evt_pay_fixture_failed', object: 'event', type: 'invoice.payment_failed', data };

    expect(await deliver(event)).toEqual({ status: 200, outcome: 'applied' });
    const account = await findPremiumAccount(h.database.db, workspace('T0FIXTURE3'));
    expect(account?.status).toBe('past_due');
    expect(account?.notice).toMatch(/payment failed/i);
    expect((await entitlementsOf(h.ctx, { platform: 'slack', guildId: 'T0FIXTURE3' })).tier).toBe('premium');
  });

  it('when captured events name subscriptions this account does not have, then they are acknowledged and change nothing', async () => {
    const accounts = await h.database.db('premium_accounts').count({ n: '*' });
    for (const name of [
      'supabase_subscription_created.json',
      'supabase_subscription_deleted.json',
      'supabase_checkout_session_completed.json',
    ]) {
      expect(await deliver(fixture(name))).toEqual({ status: 200, outcome: 'ignored' });
    }
    expect(await h.database.db('premium_accounts').count({ n: '*' })).toEqual(accounts);
  });
});
