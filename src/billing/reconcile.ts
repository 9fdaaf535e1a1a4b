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
 * longer in it, so subscriptions we hold as live and did not see are fetched one by one. Then tiers whose
 * `premium_until` passed are applied. Safe to run anywhere, any time: everything it writes is derived.
 */
export async function reconcileBilling(billing: Billing, db: Db): Promise<ReconcileTotals> {
  const now = new Date(billing.clock.now());
  const apply = (subscription: Stripe.Subscription) =>
    db.transaction((trx) => syncSubscription(trx, billing.sync, subscription, now));
  const seen = new Set<string>();
  for await (const subscription of billing.stripe.subscriptions.list({ limit: 100 })) {
    if (!guildFromMetadata(subscription.metadata)) continue;
    seen.add(subscription.id);
    await apply(subscription);
  }
  for (const id of await knownSubscriptionIds(db)) {
    if (seen.has(id)) continue;
    const subscription = await fetchSubscription(billing, id);
    if (subscription) {
      seen.add(id);
      await apply(subscription);
    }
  }
  const stale = await accountsWithStaleTier(db, now);
  for (const guild of stale) await db.transaction((trx) => enforceTier(trx, billing.sync, guild, now));
  return { synced: seen.size, expired: stale.length };
}
