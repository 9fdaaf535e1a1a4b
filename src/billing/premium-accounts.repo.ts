// One row per guild or workspace that ever started Checkout: its Stripe ids, state, and how long premium holds.
import type { Db } from '../store/db.js';
import type { GuildRef } from './guild-ref.js';

export interface PremiumAccountRow {
  platform: string;
  guild_id: string;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  status: string | null;
  price_id: string | null;
  premium_until: Date | null;
  past_due_since: Date | null;
  tier_applied: 'free' | 'premium';
  notice: string | null;
  /** When the subscription copy last applied was read from Stripe; older copies are skipped. */
  synced_at: Date | null;
  updated_at: Date;
}

/** Stripe statuses a subscription never leaves; any other is live (paid, retrying a card, awaiting payment). */
const ENDED_STATUSES = ['canceled', 'incomplete_expired'] as const;

/** The account holds a subscription that has not ended: a new Checkout would make a second one. */
export const hasLiveSubscription = (row: PremiumAccountRow | undefined): boolean =>
  Boolean(
    row?.stripe_subscription_id && row.status && !(ENDED_STATUSES as readonly string[]).includes(row.status),
  );

const key = (guild: GuildRef) => ({ platform: guild.platform, guild_id: guild.guildId });

export async function findPremiumAccount(db: Db, guild: GuildRef): Promise<PremiumAccountRow | undefined> {
  return db<PremiumAccountRow>('premium_accounts').where(key(guild)).first();
}

/** The row, created if missing, locked until the transaction ends: webhooks for one guild apply one at a time. */
export async function lockPremiumAccount(db: Db, guild: GuildRef): Promise<PremiumAccountRow> {
  await db('premium_accounts').insert(key(guild)).onConflict(['platform', 'guild_id']).ignore();
  const row = await db<PremiumAccountRow>('premium_accounts').where(key(guild)).forUpdate().first();
  if (!row) throw new Error(`premium account ${guild.platform}:${guild.guildId} vanished`);
  return row;
}

export async function updatePremiumAccount(
  db: Db,
  guild: GuildRef,
  changes: Partial<Omit<PremiumAccountRow, 'platform' | 'guild_id' | 'updated_at'>>,
): Promise<void> {
  await db('premium_accounts')
    .where(key(guild))
    .update({ ...changes, updated_at: db.fn.now() });
}

/** Accounts whose applied tier no longer matches `premium_until` (a grace period ran out, a period ended). */
export async function accountsWithStaleTier(db: Db, now: Date): Promise<GuildRef[]> {
  const rows = await db<PremiumAccountRow>('premium_accounts')
    .select('platform', 'guild_id')
    .whereRaw(`coalesce(premium_until > ?, false) <> (tier_applied = 'premium')`, [now]);
  return rows.map((row) => ({ platform: row.platform as GuildRef['platform'], guildId: row.guild_id }));
}

/** Subscriptions we hold as live, for the reconcile job to re-read those Stripe's list no longer shows. */
export async function knownSubscriptionIds(db: Db): Promise<string[]> {
  const rows = await db<PremiumAccountRow>('premium_accounts')
    .whereNotNull('stripe_subscription_id')
    // Ended subscriptions cannot change again: reading them every run would grow with every churned guild.
    .whereRaw(`coalesce(status, '') NOT IN (${ENDED_STATUSES.map(() => '?').join(', ')})`, [
      ...ENDED_STATUSES,
    ])
    .select('stripe_subscription_id');
  return rows.flatMap((row) => (row.stripe_subscription_id ? [row.stripe_subscription_id] : []));
}
