// Channel subscriptions to a player, team or league: what the notifier fans a new match out to.
import type { Db } from './db.js';

export type TargetKind = 'player' | 'team' | 'league';

export interface SubscriptionRow {
  id: number;
  platform: string;
  guild_id: string;
  channel_id: string;
  target_kind: TargetKind;
  target_id: number;
  created_by: string;
  created_at: Date;
  paused_at: Date | null;
  pause_reason: string | null;
}

export type NewSubscription = Pick<
  SubscriptionRow,
  'platform' | 'guild_id' | 'channel_id' | 'target_kind' | 'target_id' | 'created_by'
>;

/** Creates the subscription, or resumes it if it existed (paused or not); returns it and whether it is new. */
export async function upsertSubscription(
  db: Db,
  subscription: NewSubscription,
): Promise<{ subscription: SubscriptionRow; created: boolean }> {
  const rows = await db('subscriptions')
    .insert(subscription)
    .onConflict(['platform', 'channel_id', 'target_kind', 'target_id'])
    .merge({ paused_at: null, pause_reason: null })
    .returning<(SubscriptionRow & { created: boolean })[]>(['*', db.raw('(xmax = 0) AS created')]);
  const row = rows[0];
  if (!row) throw new Error('subscription upsert returned no row');
  const { created, ...rest } = row;
  return { subscription: rest, created };
}

export async function findSubscription(db: Db, id: number): Promise<SubscriptionRow | undefined> {
  return db('subscriptions').where({ id }).first<SubscriptionRow | undefined>();
}

/** A destination that can no longer receive (deleted channel, lost permission): stop, keep, and say why. */
export async function pauseSubscriptionsForChannel(
  db: Db,
  platform: string,
  channelId: string,
  reason: string,
): Promise<void> {
  await db('subscriptions')
    .where({ platform, channel_id: channelId })
    .whereNull('paused_at')
    .update({ paused_at: db.fn.now(), pause_reason: reason });
}

/** One guild on one platform: the unit the free-tier cap counts in. */
export interface GuildKey {
  platform: string;
  guildId: string;
}

/** What identifies one subscription inside a guild. */
export interface SubscriptionKey extends GuildKey {
  channelId: string;
  targetKind: TargetKind;
  targetId: number;
}

export type CappedSubscribeResult =
  | { outcome: 'created' | 'resumed' | 'unchanged'; subscription: SubscriptionRow }
  | { outcome: 'refused'; active: number };

/** Subscriptions of the guild that still deliver (not paused). */
export async function countActiveSubscriptions(db: Db, guild: GuildKey): Promise<number> {
  const rows = await db('subscriptions')
    .where({ platform: guild.platform, guild_id: guild.guildId })
    .whereNull('paused_at')
    .count<{ count: number }[]>({ count: '*' });
  return Number(rows[0]?.count ?? 0);
}

/**
 * Subscribes unless that would leave the guild with more than `cap` active subscriptions. An active one that
 * already exists never counts twice; resuming a paused one needs a free slot, as it becomes active again.
 * A per-guild advisory lock makes the count and the insert one step, so two admins racing at N−1 cannot both win.
 */
export async function subscribeWithinCap(
  db: Db,
  subscription: NewSubscription,
  cap: number,
): Promise<CappedSubscribeResult> {
  return db.transaction(async (trx) => {
    await trx.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [
      `subscriptions:${subscription.platform}:${subscription.guild_id}`,
    ]);
    const existing = await trx('subscriptions')
      .where({
        platform: subscription.platform,
        channel_id: subscription.channel_id,
        target_kind: subscription.target_kind,
        target_id: subscription.target_id,
      })
      .first<SubscriptionRow | undefined>();
    if (existing && existing.paused_at === null) return { outcome: 'unchanged', subscription: existing };
    const active = await countActiveSubscriptions(trx, {
      platform: subscription.platform,
      guildId: subscription.guild_id,
    });
    if (active >= cap) return { outcome: 'refused', active };
    const { subscription: row } = await upsertSubscription(trx, subscription);
    return { outcome: existing ? 'resumed' : 'created', subscription: row };
  });
}

/** A guild's subscription with the name of what it follows, when we know it. */
export interface GuildSubscription extends SubscriptionRow {
  target_name: string | null;
}

/** Every subscription of the guild, by channel then kind, with the target's name from players/teams/leagues. */
export async function listGuildSubscriptions(db: Db, guild: GuildKey): Promise<GuildSubscription[]> {
  const result = await db.raw<{ rows: GuildSubscription[] }>(
    `SELECT s.*, COALESCE(p.persona, t.name, l.name) AS target_name
     FROM subscriptions s
     LEFT JOIN players p ON s.target_kind = 'player' AND p.account_id = s.target_id
     LEFT JOIN teams t ON s.target_kind = 'team' AND t.team_id = s.target_id
     LEFT JOIN leagues l ON s.target_kind = 'league' AND l.league_id = s.target_id
     WHERE s.platform = ? AND s.guild_id = ?
     ORDER BY s.channel_id, s.target_kind, s.target_id`,
    [guild.platform, guild.guildId],
  );
  return result.rows;
}

/** Deletes the guild's subscription; returns it, or null when there was none. Past deliveries keep their rows. */
export async function deleteSubscription(db: Db, key: SubscriptionKey): Promise<SubscriptionRow | null> {
  const rows = await db('subscriptions')
    .where({
      platform: key.platform,
      guild_id: key.guildId,
      channel_id: key.channelId,
      target_kind: key.targetKind,
      target_id: key.targetId,
    })
    .delete()
    .returning<SubscriptionRow[]>('*');
  return rows[0] ?? null;
}
