// Corrects drift from missed webhooks: every live subscription re-read, known ones that vanished from the list too.
import type { Db } from '../store/db.js';
import type { Billing } from './billing.js';
import { guildFromMetadata } from './guild-ref.js';
import { accountsWithStaleTier, knownSubscriptionIds } from './premium-accounts.repo.js';
import { fetchSubscription } from './stripe-event.js';
import { enforceTier, syncSubscription } from './subscription-sync.js';
import type Stripe from 'stripe';

export interface ReconcileTotals {
  /** Subscriptions re-applied from Stripe's current state. */
  synced: number;
  /** Guilds whose tier changed with time alone (a grace period or a paid period ran out). */
  expired: number;
}

/**
 * Stripe's default list is every subscription not canceled; one that ended while its webhook was lost is no
 * longer in it, so subscriptions we hold as live and did not see are fetched one by one. A subscription that
 * fails to apply is logged and the run goes on. Then tiers whose `premium_until` passed are applied, even when
 * Stripe could not be read: an outage must not keep a lapsed grace period going. Everything written is derived.
 */
export async function reconcileBilling(billing: Billing, db: Db): Promise<ReconcileTotals> {
  const { log } = billing.sync;
  const now = new Date(billing.clock.now());
  const seen = new Set<string>();
  const apply = async (subscription: Stripe.Subscription, fetchedAt: Date) => {
    seen.add(subscription.id);
    try {
      await db.transaction((trx) => syncSubscription(trx, billing.sync, subscription, { fetchedAt, now }));
    } catch (error) {
      log.error({ err: error, subscription: subscription.id }, 'reconcile could not apply a subscription');
    }
  };
  try {
    // Every page is at least as old as the listing's start: a webhook applied since wins over it.
    const listedAt = new Date(billing.clock.now());
    for await (const subscription of billing.stripe.subscriptions.list({ limit: 100 })) {
      if (guildFromMetadata(subscription.metadata)) await apply(subscription, listedAt);
    }
    for (const id of await knownSubscriptionIds(db)) {
      if (seen.has(id)) continue;
      const fetchedAt = new Date(billing.clock.now());
      const subscription = await fetchSubscription(billing, id);
      if (subscription) await apply(subscription, fetchedAt);
    }
  } catch (error) {
    log.error({ err: error }, 'reconcile could not read Stripe; expired tiers are still applied');
  }
  const stale = await accountsWithStaleTier(db, now);
  for (const guild of stale) await db.transaction((trx) => enforceTier(trx, billing.sync, guild, now));
  return { synced: seen.size, expired: stale.length };
}
