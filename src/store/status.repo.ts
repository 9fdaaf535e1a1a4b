// The health of ingest in numbers: queues, stubs, private players, dead letters, deliveries, scanner position.
import type { Db } from './db.js';

export interface QueueDepth {
  name: string;
  due: number;
  running: number;
  scheduled: number;
  failed: number;
}

export interface IngestStatus {
  queues: QueueDepth[];
  stubsPending: { players: number; teams: number; leagues: number };
  privatePlayers: { count: number; sample: number[] };
  openDeadLetters: number;
  deliveries: Record<string, number>;
  sequenceCursor: number | null;
}

interface Counts {
  player_stubs: number;
  team_stubs: number;
  league_stubs: number;
  private_players: number;
  open_dead_letters: number;
  cursor: number | null;
}

export async function collectStatus(db: Db): Promise<IngestStatus> {
  const queues = await db.raw<{ rows: QueueDepth[] }>(
    `SELECT name,
       count(*) FILTER (WHERE locked_at IS NULL AND next_run_at <= now())::int AS due,
       count(*) FILTER (WHERE locked_at IS NOT NULL)::int AS running,
       count(*) FILTER (WHERE locked_at IS NULL AND next_run_at > now())::int AS scheduled,
       count(*) FILTER (WHERE next_run_at IS NULL AND fail_count > 0)::int AS failed
     FROM agenda_jobs GROUP BY name ORDER BY name`,
  );
  const counts = await db.raw<{ rows: Counts[] }>(
    `SELECT
       (SELECT count(*) FROM players WHERE refreshed_at IS NULL)::int AS player_stubs,
       (SELECT count(*) FROM teams WHERE refreshed_at IS NULL)::int AS team_stubs,
       (SELECT count(*) FROM leagues WHERE refreshed_at IS NULL)::int AS league_stubs,
       (SELECT count(*) FROM players WHERE is_private)::int AS private_players,
       (SELECT count(*) FROM dead_letters WHERE resolved_at IS NULL)::int AS open_dead_letters,
       (SELECT next_seq_num FROM sequence_cursor WHERE name = 'head') AS cursor`,
  );
  const privateSample = await db('players')
    .where({ is_private: true })
    .orderBy('account_id')
    .limit(10)
    .pluck<number[]>('account_id');
  const deliveries = await db.raw<{ rows: { status: string; count: number }[] }>(
    `SELECT status, count(*)::int AS count FROM deliveries GROUP BY status`,
  );
  const row = counts.rows[0]!;
  return {
    queues: queues.rows,
    stubsPending: { players: row.player_stubs, teams: row.team_stubs, leagues: row.league_stubs },
    privatePlayers: { count: row.private_players, sample: privateSample },
    openDeadLetters: row.open_dead_letters,
    deliveries: Object.fromEntries(deliveries.rows.map((delivery) => [delivery.status, delivery.count])),
    sequenceCursor: row.cursor,
  };
}
