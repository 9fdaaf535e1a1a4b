// What /dota status reads: data freshness and ingest health in one query, and a guild's failed deliveries.
import type { Db } from './db.js';

/** A periodic ingest job as Agenda last left it; absent when this deployment does not schedule it. */
export interface PeriodicRun {
  last_finished_at: Date | null;
  /** Consecutive failures; 0 or null after a success (Agenda resets it). */
  fail_count: number | null;
  fail_reason: string | null;
  failed_at: Date | null;
}

export interface IngestHealth {
  newestMatchStart: Date | null;
  playerPoll: PeriodicRun | null;
  sequenceScan: PeriodicRun | null;
  /** When the scanner last moved its cursor, i.e. last stored a page of the feed. */
  cursorMovedAt: Date | null;
  /** Counts stop at COUNT_CAP: a status line needs "a lot", not an exact figure that costs a scan. */
  jobsDue: number;
  jobsRunning: number;
  openDeadLetters: number;
  deliveriesWaiting: number;
}

/** Counts above this show as "10,000+": bounded index scans however large a backlog grows. */
export const COUNT_CAP = 10_000;

/** The periodic jobs whose last run tells whether new matches still arrive (see src/bin/ingest-schedule.ts). */
const PLAYER_POLL = 'ingest.poll-players';
const SEQUENCE_SCAN = 'ingest.sequence-scan';

/**
 * One round trip, each part on an index: the newest match by primary key (match ids grow with start time),
 * Agenda's single-row periodic jobs by its unique (name) index, bounded counts on its next_run_at and locked_at
 * indexes, and the partial indexes of open dead letters and pending deliveries.
 */
export async function ingestHealth(db: Db): Promise<IngestHealth> {
  const periodic = (name: string) =>
    `(SELECT json_build_object('last_finished_at', last_finished_at, 'fail_count', fail_count,
        'fail_reason', fail_reason, 'failed_at', failed_at)
      FROM agenda_jobs WHERE type = 'single' AND name = '${name}')`;
  const capped = (from: string) =>
    `(SELECT count(*)::int FROM (SELECT 1 FROM ${from} LIMIT ${COUNT_CAP + 1}) c)`;
  const result = await db.raw<{ rows: (Omit<IngestHealth, 'playerPoll' | 'sequenceScan'> & RawRuns)[] }>(
    `SELECT
       (SELECT start_time FROM matches ORDER BY match_id DESC LIMIT 1) AS "newestMatchStart",
       ${periodic(PLAYER_POLL)} AS "playerPoll",
       ${periodic(SEQUENCE_SCAN)} AS "sequenceScan",
       (SELECT updated_at FROM sequence_cursor WHERE name = 'head') AS "cursorMovedAt",
       ${capped(`agenda_jobs WHERE next_run_at <= now() AND locked_at IS NULL`)} AS "jobsDue",
       ${capped(`agenda_jobs WHERE locked_at IS NOT NULL`)} AS "jobsRunning",
       ${capped(`dead_letters WHERE resolved_at IS NULL`)} AS "openDeadLetters",
       ${capped(`deliveries WHERE status IN ('pending', 'sending')`)} AS "deliveriesWaiting"`,
  );
  const row = result.rows[0];
  if (!row) throw new Error('ingest health query returned no row');
  return { ...row, playerPoll: toRun(row.playerPoll), sequenceScan: toRun(row.sequenceScan) };
}

/** json_build_object hands timestamps back as text. */
interface RawRuns {
  playerPoll: Record<keyof PeriodicRun, string | number | null> | null;
  sequenceScan: Record<keyof PeriodicRun, string | number | null> | null;
}

function toRun(raw: RawRuns['playerPoll']): PeriodicRun | null {
  if (!raw) return null;
  const date = (value: string | number | null) => (value === null ? null : new Date(value));
  return {
    last_finished_at: date(raw.last_finished_at),
    fail_count: raw.fail_count === null ? null : Number(raw.fail_count),
    fail_reason: raw.fail_reason === null ? null : String(raw.fail_reason),
    failed_at: date(raw.failed_at),
  };
}

export interface FailedDelivery {
  match_id: number;
  channel_id: string;
  last_error: string | null;
  attempts: number;
  created_at: Date;
}

/**
 * The newest deliveries that gave up (status 'failed') in the given channels since `since`, newest first.
 * The schema has no index for this yet (deliveries are unique per match first): until a partial index on
 * (platform, channel_id, id) WHERE status = 'failed' exists, Postgres filters deliveries to find them.
 */
export async function recentFailedDeliveries(
  db: Db,
  platform: string,
  channelIds: readonly string[],
  since: Date,
  limit: number,
): Promise<FailedDelivery[]> {
  if (channelIds.length === 0) return [];
  return db('deliveries')
    .where({ platform, status: 'failed' })
    .whereIn('channel_id', [...channelIds])
    .where('created_at', '>=', since)
    .orderBy('id', 'desc')
    .limit(limit)
    .select<FailedDelivery[]>('match_id', 'channel_id', 'last_error', 'attempts', 'created_at');
}
