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
