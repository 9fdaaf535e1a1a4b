// The deliveries ledger: one row per match × destination, claimed before sending so nothing goes out twice.
import type { Knex } from 'knex';
import type { Db } from '../store/db.js';

export interface DeliveryRow {
  id: number;
  match_id: number;
  platform: string;
  channel_id: string;
  guild_id: string | null;
  subscription_id: number | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  message_id: string | null;
  last_error: string | null;
  created_at: Date;
  /** claimed_at before this claim: when the previous try started, or when it gave up. */
  previous_claimed_at: Date | null;
}

/**
 * Adds a pending delivery for every active subscription a newly stored match touches (its players, teams,
 * league), in the same transaction as the match, so a stored match can never miss its alerts.
 * The (target_kind, target_id) index makes this one indexed join per match, whatever the subscription count.
 */
export async function queueDeliveries(
  trx: Knex.Transaction,
  matchIds: readonly number[],
  startedAfter: Date,
): Promise<number> {
  if (matchIds.length === 0) return 0;
  const result = await trx.raw<{ rowCount: number }>(
    `INSERT INTO deliveries (match_id, platform, channel_id, guild_id, subscription_id)
     SELECT DISTINCT ON (m.match_id, s.platform, s.channel_id) m.match_id, s.platform, s.channel_id, s.guild_id, s.id
     FROM matches m
     CROSS JOIN LATERAL (
       SELECT 'player' AS kind, mp.account_id AS target_id FROM match_players mp
         WHERE mp.match_id = m.match_id AND mp.account_id IS NOT NULL
       UNION ALL SELECT 'team', m.radiant_team_id WHERE m.radiant_team_id IS NOT NULL
       UNION ALL SELECT 'team', m.dire_team_id WHERE m.dire_team_id IS NOT NULL
       UNION ALL SELECT 'league', m.leagueid WHERE m.leagueid IS NOT NULL
     ) AS target
     JOIN subscriptions s ON s.target_kind = target.kind AND s.target_id = target.target_id AND s.paused_at IS NULL
     WHERE m.match_id = ANY(?::bigint[]) AND m.start_time >= ?
     ORDER BY m.match_id, s.platform, s.channel_id, s.id
     ON CONFLICT (match_id, platform, channel_id) DO NOTHING`,
    [[...matchIds], startedAfter],
  );
  return result.rowCount;
}

/**
 * A sender that crashed mid-send leaves a row 'sending'; after this long another process may take it over and
 * send again with the same nonce. It must stay inside Discord's nonce memory ("the past few minutes") so that
 * resend is deduplicated, and above the sender's own deadline so a live sender is never overtaken.
 */
const STALE_CLAIM = `interval '2 minutes'`;
/** A retried delivery waits this long times its attempts before it is claimed again. */
const RETRY_STEP = `interval '15 seconds'`;

/**
 * Atomically takes up to `limit` deliveries to send, only for `platforms` (those this process can post to);
 * concurrent notifiers never get the same row.
 */
export async function claimDeliveries(
  db: Db,
  limit: number,
  platforms: readonly string[],
): Promise<DeliveryRow[]> {
  if (platforms.length === 0) return [];
  const result = await db.raw<{ rows: DeliveryRow[] }>(
    `WITH picked AS (
       SELECT id, claimed_at AS previous_claimed_at FROM deliveries
       WHERE platform = ANY(?::text[]) AND
         ((status = 'pending' AND (claimed_at IS NULL OR claimed_at < now() - ${RETRY_STEP} * attempts)
           AND (not_before IS NULL OR not_before <= now()))
          OR (status = 'sending' AND claimed_at < now() - ${STALE_CLAIM}))
       ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
     UPDATE deliveries d SET status = 'sending', claimed_at = now(), attempts = d.attempts + 1
     FROM picked WHERE d.id = picked.id
     RETURNING d.*, picked.previous_claimed_at`,
    [[...platforms], limit],
  );
  return result.rows.sort((a, b) => a.id - b.id);
}

export async function markSent(db: Db, id: number, messageId: string): Promise<void> {
  await db('deliveries')
    .where({ id })
    .update({ status: 'sent', message_id: messageId, sent_at: db.fn.now(), last_error: null });
}

/**
 * Transient failure: back to pending (claimable after a backoff), or failed when out of attempts. `unsent`: the
 * platform refused the post outright, so this attempt is not one the next must look for (its claim is dropped
 * for the one before, as after a rate limit) and the backoff runs from not_before instead.
 */
export async function markRetry(
  db: Db,
  row: Pick<DeliveryRow, 'id' | 'attempts' | 'previous_claimed_at'>,
  error: string,
  maxAttempts: number,
  unsent = false,
): Promise<void> {
  // A row another sender already completed stays sent.
  await db('deliveries')
    .where({ id: row.id })
    .whereNot({ status: 'sent' })
    .update({
      status: db.raw(`CASE WHEN attempts >= ? THEN 'failed' ELSE 'pending' END`, [maxAttempts]),
      last_error: error,
      ...(unsent
        ? {
            claimed_at: row.previous_claimed_at,
            not_before: db.raw(`now() + ${RETRY_STEP} * ?`, [row.attempts]),
          }
        : { claimed_at: db.fn.now() }),
    });
}

/**
 * The platform asked us to wait (a rate limit): back to pending until then, and the attempt is given back, so a
 * busy workspace's waits never use up a delivery's attempts.
 */
export async function markRateLimited(
  db: Db,
  row: Pick<DeliveryRow, 'id' | 'previous_claimed_at'>,
  error: string,
  waitSeconds: number,
): Promise<void> {
  await db('deliveries')
    .where({ id: row.id })
    .whereNot({ status: 'sent' })
    .update({
      status: 'pending',
      attempts: db.raw('GREATEST(attempts - 1, 0)'),
      not_before: db.raw(`now() + make_interval(secs => ?)`, [waitSeconds]),
      last_error: error,
      // As if this attempt never happened: the claim before it (a crashed sender's, which may have posted) stays
      // the one the next attempt's duplicate check looks around. That claim had already passed its backoff
      // (or is null), so not_before alone decides when the row is claimable again.
      claimed_at: row.previous_claimed_at,
    });
}

/**
 * Hands back rows this process claimed but never started sending (it is shutting down): pending again, as if
 * never claimed, so the next process sends them at once and counts the attempt only once.
 */
export async function releaseClaims(db: Db, rows: readonly DeliveryRow[]): Promise<void> {
  for (const row of rows) {
    await db('deliveries')
      .where({ id: row.id, status: 'sending' })
      .update({
        status: 'pending',
        attempts: db.raw('GREATEST(attempts - 1, 0)'),
        claimed_at: row.previous_claimed_at,
      });
  }
}

export async function markFailed(db: Db, id: number, error: string): Promise<void> {
  await db('deliveries')
    .where({ id })
    .whereNot({ status: 'sent' })
    .update({ status: 'failed', last_error: error, claimed_at: null });
}

export async function countPendingDeliveries(db: Db): Promise<number> {
  const row = await db('deliveries')
    .whereIn('status', ['pending', 'sending'])
    .count<{ count: string }>('* as count')
    .first();
  return Number(row?.count ?? 0);
}
