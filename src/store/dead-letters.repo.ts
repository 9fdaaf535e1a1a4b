// Dead letters: work that stopped (a permanent failure, or retries exhausted), visible until it succeeds or is retried.
import type { Db } from './db.js';

export interface DeadLetterRow {
  id: number;
  job_name: string;
  job_data: unknown;
  entity: string;
  kind: 'permanent' | 'exhausted';
  code: string;
  attempts: number;
  last_error: string;
  occurrences: number;
  created_at: Date;
  updated_at: Date;
}

export type NewDeadLetter = Pick<
  DeadLetterRow,
  'job_name' | 'job_data' | 'entity' | 'kind' | 'code' | 'attempts' | 'last_error'
>;

/** Opens a letter, or counts another occurrence on the open one for the same job and entity. */
export async function recordDeadLetter(db: Db, letter: NewDeadLetter): Promise<void> {
  await db.raw(
    `INSERT INTO dead_letters (job_name, job_data, entity, kind, code, attempts, last_error)
     VALUES (?, ?::jsonb, ?, ?, ?, ?, ?)
     ON CONFLICT (job_name, entity) WHERE resolved_at IS NULL DO UPDATE SET
       kind = EXCLUDED.kind, code = EXCLUDED.code, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
       job_data = EXCLUDED.job_data, occurrences = dead_letters.occurrences + 1, updated_at = now()`,
    [
      letter.job_name,
      JSON.stringify(letter.job_data),
      letter.entity,
      letter.kind,
      letter.code,
      letter.attempts,
      letter.last_error,
    ],
  );
}

/** A later success for the same job and entity closes its letter: the failure healed. */
export async function resolveDeadLetters(db: Db, jobName: string, entity: string): Promise<void> {
  await db('dead_letters')
    .where({ job_name: jobName, entity })
    .whereNull('resolved_at')
    .update({ resolved_at: db.fn.now(), resolution: 'succeeded' });
}

export async function openDeadLetters(db: Db, limit = 100): Promise<DeadLetterRow[]> {
  return db('dead_letters')
    .whereNull('resolved_at')
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .select<DeadLetterRow[]>('*');
}

/** Takes letters out of the open list for a retry; returns them so the caller can enqueue their jobs. */
export async function takeForRetry(db: Db, ids: readonly number[] | 'all'): Promise<DeadLetterRow[]> {
  const query = db('dead_letters').whereNull('resolved_at');
  if (ids !== 'all') query.whereIn('id', ids);
  return query.update({ resolved_at: db.fn.now(), resolution: 'retried' }).returning<DeadLetterRow[]>('*');
}

/** Entities with an open permanent letter for `jobName`: work that must not be queued again blindly. */
export async function blockedEntities(
  db: Db,
  jobName: string,
  entities: readonly string[],
): Promise<Set<string>> {
  if (entities.length === 0) return new Set();
  const rows = await db('dead_letters')
    .where({ job_name: jobName, kind: 'permanent' })
    .whereNull('resolved_at')
    .whereIn('entity', entities)
    .select<{ entity: string }[]>('entity');
  return new Set(rows.map((row) => row.entity));
}
