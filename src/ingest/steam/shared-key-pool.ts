// Steam key pacing shared by every process through Postgres: one atomic reservation per call, on the database clock.
import type { Clock } from '../../clock.js';
import type { Db } from '../../store/db.js';
import { keyIdOf } from './key-id.js';
import { DEFAULT_SEQUENCE_SECONDS_PER_CALL, type KeyPool, type SteamBucket } from './key-pool.js';

export interface SharedKeyPoolOptions {
  db: Db;
  keys: readonly string[];
  requestsPerSecond: number;
  /** Seconds between two sequence calls on one key; default 5. */
  sequenceSecondsPerCall?: number;
  /**
   * Only sleeps: every time comes from Postgres, the one clock all processes agree on. Its sleep must really wait
   * (or move the stored times back, as the tests do): one that returns at once makes a sequence call that was told
   * "not yet" ask again in a loop.
   */
  clock: Clock;
  /** Fraction added to every interval; default `DEFAULT_SLACK`. */
  slack?: number;
}

/**
 * Slots are exact on the database clock, but each call leaves its process a little late or early (timer wake-up,
 * CPU scheduling): measured with two workers on one key, arrivals 1 s apart varied by ±3 ms, and a server counting
 * strictly refuses any that lands early. 1 % is 10 ms at Valve's 1/s, for 1 % of the throughput.
 */
export const DEFAULT_SLACK = 0.01;

/** One answer of the database. */
export interface SlotReservation {
  key: string;
  keyId: string;
  /**
   * False when the key's sequence bucket is further off than its general slot: nothing was reserved (a general
   * slot held until then would stall every other call on the key); ask again after `waitMs`.
   */
  reserved: boolean;
  /** The slot, ms since the epoch on the database clock. */
  slotAtMs: number;
  /** Slot minus the database's time when it answered. */
  waitMs: number;
}

export interface SharedKeyPool extends KeyPool {
  /** Reserves without waiting; `acquire` is this plus the sleep. */
  reserve(bucket: SteamBucket): Promise<SlotReservation>;
}

/**
 * Locks the candidate rows in key order (so pools with overlapping keys cannot deadlock), takes "now" only once
 * every lock is held — an aggregate cannot answer before it has read, and so locked, all its input — then picks
 * the key whose slot for this bucket is soonest and advances it. A "now" read before a lock wait would grant a
 * slot in the past, and the next slot, one interval later, would then follow the real call too closely.
 */
const RESERVE_SQL = `
WITH candidates AS MATERIALIZED (
  SELECT key_id, general_next_at, sequence_next_at, penalized_until
  FROM steam_key_pacing
  WHERE key_id = ANY(?::text[])
  ORDER BY key_id
  FOR UPDATE
),
clock AS MATERIALIZED (
  SELECT clock_timestamp() AS now, count(*) AS locked FROM candidates
),
decided AS MATERIALIZED (
  SELECT c.key_id, clock.now,
    GREATEST(c.general_next_at, c.penalized_until, clock.now) AS slot,
    CASE WHEN ?::boolean THEN c.sequence_next_at END AS sequence_at
  FROM candidates c CROSS JOIN clock
  ORDER BY GREATEST(c.general_next_at, c.penalized_until, clock.now,
    CASE WHEN ?::boolean THEN c.sequence_next_at END), c.key_id
  LIMIT 1
),
taken AS (
  UPDATE steam_key_pacing p
  SET general_next_at = d.slot + ?::double precision * interval '1 millisecond',
    sequence_next_at = CASE WHEN ?::boolean
      THEN d.slot + ?::double precision * interval '1 millisecond' ELSE p.sequence_next_at END
  FROM decided d
  WHERE p.key_id = d.key_id AND (d.sequence_at IS NULL OR d.sequence_at <= d.slot)
  RETURNING p.key_id
)
SELECT d.key_id, t.key_id IS NOT NULL AS reserved,
  EXTRACT(EPOCH FROM GREATEST(d.slot, d.sequence_at)) * 1000 AS slot_ms,
  EXTRACT(EPOCH FROM GREATEST(d.slot, d.sequence_at) - d.now) * 1000 AS wait_ms
FROM decided d LEFT JOIN taken t ON t.key_id = d.key_id`;

const PENALIZE_SQL = `
UPDATE steam_key_pacing
SET penalized_until = GREATEST(penalized_until, clock_timestamp() + ?::double precision * interval '1 second')
WHERE key_id = ?`;

interface ReserveRow {
  key_id: string;
  reserved: boolean;
  /** numeric: pg hands it over as a string. */
  slot_ms: string;
  wait_ms: string;
}

/**
 * Pacing that holds across every worker on the database: two processes on one key share its one request per
 * second instead of doubling it, and a 429 seen by one rests the key for all. Same contract as `createKeyPool`.
 */
export function createSharedKeyPool(options: SharedKeyPoolOptions): SharedKeyPool {
  if (options.keys.length === 0)
    throw new Error('The Steam key pool needs at least one key (STEAM_API_KEYS).');
  const { db, clock } = options;
  const stretch = 1 + (options.slack ?? DEFAULT_SLACK);
  const generalMs = (1000 / options.requestsPerSecond) * stretch;
  const sequenceMs = (options.sequenceSecondsPerCall ?? DEFAULT_SEQUENCE_SECONDS_PER_CALL) * 1000 * stretch;
  const keyById = new Map(options.keys.map((key) => [keyIdOf(key), key]));
  const keyIds = [...keyById.keys()];

  let rows: Promise<void> | undefined;
  // Rows for our keys exist before the first reservation; existing rows keep their slots and penalties.
  const ensureRows = () =>
    (rows ??= db
      .raw('INSERT INTO steam_key_pacing (key_id) SELECT unnest(?::text[]) ON CONFLICT (key_id) DO NOTHING', [
        keyIds,
      ])
      .then(
        () => undefined,
        (error: unknown) => {
          rows = undefined; // retry on the next call rather than failing forever
          throw error;
        },
      ));

  async function reserve(bucket: SteamBucket): Promise<SlotReservation> {
    await ensureRows();
    const sequence = bucket === 'sequence';
    const result = await db.raw<{ rows: ReserveRow[] }>(RESERVE_SQL, [
      keyIds,
      sequence,
      sequence,
      generalMs,
      sequence,
      sequenceMs,
    ]);
    const row = result.rows[0];
    const key = row && keyById.get(row.key_id);
    if (!row || key === undefined) throw new Error('steam_key_pacing has no row for any configured key');
    return {
      key,
      keyId: row.key_id,
      reserved: row.reserved,
      slotAtMs: Number(row.slot_ms),
      waitMs: Math.max(0, Number(row.wait_ms)),
    };
  }

  return {
    reserve,
    async acquire(bucket = 'general') {
      for (;;) {
        const reservation = await reserve(bucket);
        if (reservation.waitMs > 0) await clock.sleep(reservation.waitMs);
        if (reservation.reserved) return reservation.key;
      }
    },
    async penalize(key, seconds) {
      await ensureRows();
      await db.raw(PENALIZE_SQL, [seconds, keyIdOf(key)]);
    },
  };
}
