// Derives a guild's premium from a Stripe subscription's current state, then applies the tier to its alerts.
import type Stripe from 'stripe';
import type { CommandSettings } from '../bots/core/command-context.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { guildFromMetadata, type GuildRef } from './guild-ref.js';
import { lockPremiumAccount, updatePremiumAccount, type PremiumAccountRow } from './premium-accounts.repo.js';
import { idOf } from './stripe-ref.js';
import { applyTierChange } from './tier-change.js';

export interface BillingSyncDeps {
  settings: CommandSettings;
  /** Days premium holds after a failed payment while Stripe retries the card. */
  graceDays: number;
  log: Logger;
}

/** Statuses that still entitle: paid up, on trial, or paying late within the grace period. */
const ENTITLING = new Set<Stripe.Subscription.Status>(['active', 'trialing', 'past_due']);

const DAY_MS = 86_400_000;
const RENEWAL_SLACK_MS = DAY_MS;

/** `2026-12-05`: how notices name a day. */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** The paid period's end; in this API version it lives on the subscription's items. */
function periodEnd(subscription: Stripe.Subscription): Date | null {
  const ends = subscription.items.data.map((item) => item.current_period_end);
  return ends.length > 0 ? new Date(Math.max(...ends) * 1000) : null;
}

/**
 * What premium the subscription grants now. Events may come twice or out of order, so nothing here depends on
 * which event arrived: only on the subscription as Stripe reports it at this moment, and on when a payment
 * first failed (kept, so a retried failure does not restart the grace period).
 */
function entitlement(
  subscription: Stripe.Subscription,
  row: PremiumAccountRow,
  now: Date,
  graceDays: number,
): Pick<PremiumAccountRow, 'premium_until' | 'past_due_since' | 'notice'> {
  if (subscription.status === 'active' || subscription.status === 'trialing') {
    const end = periodEnd(subscription);
    // The renewal's webhook comes after the period ends: a day's slack keeps the guild premium meanwhile.
    return {
      premium_until: end && new Date(end.getTime() + RENEWAL_SLACK_MS),
      past_due_since: null,
      notice: null,
    };
  }
  if (subscription.status === 'past_due') {
    const since = row.past_due_since ?? now;
    const until = new Date(since.getTime() + graceDays * DAY_MS);
    return {
      premium_until: until,
      past_due_since: since,
      // Once the grace period is over, the notice is the downgrade's (enforceTier), however long Stripe retries.
      notice:
        until > now
          ? `A premium payment failed on ${isoDay(since)}. Premium holds until ${isoDay(until)} while Stripe retries the card; an admin can update it with /dota premium manage.`
          : row.notice,
    };
  }
  // Ended: enforceTier writes what the downgrade did.
  return { premium_until: null, past_due_since: null, notice: row.notice };
}

/** When a copy of the subscription was read from Stripe (before the request), and the time to judge it at. */
export interface SyncTimes {
  fetchedAt: Date;
  now: Date;
}

/**
 * Applies the subscription to its guild in `db` (a transaction: the guild's row stays locked until it ends).
 * A copy read before the one already applied is older news (two webhooks, or a reconcile page read before a
 * webhook landed) and is skipped.
 */
export async function syncSubscription(
  db: Db,
  deps: BillingSyncDeps,
  subscription: Stripe.Subscription,
  { fetchedAt, now }: SyncTimes,
): Promise<GuildRef | undefined> {
  const guild = guildFromMetadata(subscription.metadata);
  if (!guild) {
    deps.log.warn({ subscription: subscription.id }, 'stripe subscription names no guild: ignored');
    return undefined;
  }
  const row = await lockPremiumAccount(db, guild);
  const other = row.stripe_subscription_id !== null && row.stripe_subscription_id !== subscription.id;
  if (!other && row.synced_at !== null && row.synced_at > fetchedAt) return guild;
  // A guild that bought again keeps its new subscription: the old one's cancellation must not end it.
  if (other && !ENTITLING.has(subscription.status)) return guild;
  // Two live subscriptions (two admins paid at once): keep the first, so events do not swap them back and forth.
  if (other && row.status !== null && ENTITLING.has(row.status)) {
    deps.log.warn(
      { guild, kept: row.stripe_subscription_id, second: subscription.id },
      'guild has two live stripe subscriptions: the second grants nothing, refund or cancel it in Stripe',
    );
    return guild;
  }
  await updatePremiumAccount(db, guild, {
    synced_at: fetchedAt,
    stripe_subscription_id: subscription.id,
    stripe_customer_id: idOf(subscription.customer) ?? null,
    status: subscription.status,
    price_id: subscription.items.data[0]?.price.id ?? null,
    ...entitlement(subscription, row, now, deps.graceDays),
  });
  await enforceTier(db, deps, guild, now);
  return guild;
}

/** Brings the guild's alerts in line with its premium: pauses over the free cap on a downgrade, resumes on renewal. */
export async function enforceTier(db: Db, deps: BillingSyncDeps, guild: GuildRef, now: Date): Promise<void> {
  const row = await lockPremiumAccount(db, guild);
  const tier = row.premium_until !== null && row.premium_until > now ? 'premium' : 'free';
  if (tier === row.tier_applied) return;
  const { paused, resumed } = await applyTierChange(db, guild, tier, deps.settings);
  const notice =
    tier === 'free'
      ? `Premium ended on ${isoDay(now)} (${row.status ?? 'no subscription'})` +
        (paused > 0
          ? `: ${paused} alert(s) over the free tier's ${deps.settings.freeSubscriptionsPerGuild} were paused, none deleted.`
          : '.') +
        ' An admin can renew with /dota premium.'
      : // Going premium keeps what the sync wrote (a past-due subscription's grace notice).
        row.notice;
  await updatePremiumAccount(db, guild, { tier_applied: tier, notice });
  deps.log.info({ guild, tier, paused, resumed }, 'premium tier applied');
}
