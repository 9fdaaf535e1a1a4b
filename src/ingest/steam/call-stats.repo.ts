// Per-key, per-endpoint Steam call counts in hour buckets, and the summary `ddd status` shows.
import type { Db } from '../../store/db.js';

/**
 * `ok`: Valve answered with a well-formed body, even one refusing the request (private profile, in-body error).
 * `rate_limited`: HTTP 429. `failed`: anything else (unreachable, 5xx, 403/400, garbage or malformed body).
 */
export type SteamCallOutcome = 'ok' | 'rate_limited' | 'failed';

export interface SteamCallRecord {
  /** `keyIdOf(key)`, never the key. */
  keyId: string;
  endpoint: string;
  outcome: SteamCallOutcome;
}

export interface SteamKeyCalls {
  keyId: string;
  /** HTTP attempts, each retry counted. */
  calls: number;
  ok: number;
  rateLimited: number;
  failed: number;
  /** When a 429 rests this key until a time still ahead; null otherwise. */
  penalizedUntil: Date | null;
}

export interface SteamCallSummary {
  /** Counts cover whole hour buckets: this is `since` floored to the hour (UTC). */
  from: Date;
  /** Keys with calls since `from` or a penalty still running, by key id. */
  keys: SteamKeyCalls[];
  /** Last success per endpoint ever recorded, by endpoint name. */
  endpoints: { endpoint: string; lastSuccessAt: Date | null }[];
}

/** Counts one HTTP attempt; at ≈1 call/s/key an upsert per call is cheap. Times are the database's. */
export async function recordSteamCall(db: Db, call: SteamCallRecord): Promise<void> {
  const ok = call.outcome === 'ok' ? 1 : 0;
  await db.raw(
    `INSERT INTO steam_call_stats AS s (key_id, endpoint, hour, ok, rate_limited, failed, last_success_at)
     VALUES (?, ?, date_trunc('hour', now(), 'UTC'), ?, ?, ?, CASE WHEN ?::boolean THEN now() END)
     ON CONFLICT (key_id, endpoint, hour) DO UPDATE SET
       ok = s.ok + EXCLUDED.ok,
       rate_limited = s.rate_limited + EXCLUDED.rate_limited,
       failed = s.failed + EXCLUDED.failed,
       last_success_at = GREATEST(s.last_success_at, EXCLUDED.last_success_at)`,
    [
      call.keyId,
      call.endpoint,
      ok,
      call.outcome === 'rate_limited' ? 1 : 0,
      call.outcome === 'failed' ? 1 : 0,
      ok === 1,
    ],
  );
}

interface KeyRow {
  key_id: string;
  ok: number;
  rate_limited: number;
  failed: number;
  penalized_until: Date | null;
}

/** Calls and 429s per key since `since` (hour granularity), and the last success per endpoint. */
export async function steamCallSummary(db: Db, since: Date): Promise<SteamCallSummary> {
  const from = await db.raw<{ rows: { from: Date }[] }>(
    `SELECT date_trunc('hour', ?::timestamptz, 'UTC') AS "from"`,
    [since],
  );
  const keys = await db.raw<{ rows: KeyRow[] }>(
    `WITH counted AS (
       SELECT key_id, sum(ok)::int AS ok, sum(rate_limited)::int AS rate_limited, sum(failed)::int AS failed
       FROM steam_call_stats WHERE hour >= date_trunc('hour', ?::timestamptz, 'UTC') GROUP BY key_id
     ),
     resting AS (SELECT key_id, penalized_until FROM steam_key_pacing WHERE penalized_until > now())
     SELECT key_id, COALESCE(c.ok, 0) AS ok, COALESCE(c.rate_limited, 0) AS rate_limited,
       COALESCE(c.failed, 0) AS failed, r.penalized_until
     FROM counted c FULL JOIN resting r USING (key_id)
     ORDER BY key_id`,
    [since],
  );
  const endpoints = await db.raw<{ rows: { endpoint: string; last_success_at: Date | null }[] }>(
    `SELECT endpoint, max(last_success_at) AS last_success_at FROM steam_call_stats
     GROUP BY endpoint ORDER BY endpoint`,
  );
  return {
    from: from.rows[0]?.from ?? since,
    keys: keys.rows.map((row) => ({
      keyId: row.key_id,
      calls: row.ok + row.rate_limited + row.failed,
      ok: row.ok,
      rateLimited: row.rate_limited,
      failed: row.failed,
      penalizedUntil: row.penalized_until,
    })),
    endpoints: endpoints.rows.map((row) => ({ endpoint: row.endpoint, lastSuccessAt: row.last_success_at })),
  };
}
