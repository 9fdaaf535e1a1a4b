// The only importer of agenda: Agenda 6 on our Postgres, with failures classified before they are retried.
import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda, type BackoffStrategy, type Job } from 'agenda';
import type pg from 'pg';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { AGENDA_TABLE } from '../../migrations/20261128_0002_agenda.js';
import type { AnyJobDefinition, Enqueue, JobContext } from './jobs/job.js';

export interface Scheduler {
  enqueue: Enqueue;
  /** Runs `job` every `interval` (e.g. '5 minutes'), once across all workers. */
  every<T>(interval: string, job: { name: string }, data: T): Promise<void>;
  /** Starts processing the jobs this scheduler defines. */
  start(): Promise<void>;
  /** Stops taking jobs, waits for running ones, releases the rest; the pool stays open (it is the caller's). */
  stop(): Promise<void>;
  /** Resolves when no one-off job is due or running (demo and tests; event-driven, not polled on a timer). */
  whenIdle(timeoutMs: number): Promise<void>;
}

export interface SchedulerOptions {
  pool: pg.Pool;
  jobs: readonly AnyJobDefinition[];
  context: Omit<JobContext, 'enqueue'>;
  log: Logger;
  /** Name recorded as last_modified_by, to tell workers apart. */
  workerName?: string;
  /** How often to look for due jobs besides LISTEN/NOTIFY wake-ups. */
  processEveryMs?: number;
}

const MAX_RETRIES = 5;
const RETRY_BASE_MS = 2_000;
const RETRY_CAP_MS = 5 * 60_000;

/**
 * Permanent failures stop here (the job keeps fail_reason, visible); rate limits wait as long as Valve asked;
 * transient failures back off exponentially with full jitter, a bounded number of times.
 */
export const classifiedBackoff: BackoffStrategy = ({ attempt, error }) => {
  if (isAppError(error) && error.kind === 'permanent') return null;
  if (error instanceof TypeError) return null; // bad job data never fixes itself
  if (attempt > MAX_RETRIES) return null;
  if (isAppError(error) && error.kind === 'rate-limited') return (error.retryAfterSeconds ?? 10) * 1000;
  return Math.round(Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt));
};

const PENDING_ONE_OFF_JOBS = `SELECT count(*)::int AS count FROM ${AGENDA_TABLE}
  WHERE repeat_interval IS NULL AND disabled = false AND next_run_at IS NOT NULL AND next_run_at <= now() + interval '1 second'
     OR locked_at IS NOT NULL`;

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { pool, log } = options;
  const backend = new PostgresBackend({ pool, tableName: AGENDA_TABLE, ensureSchema: false });
  // The LISTEN connection re-emits its errors here; with no listener a database restart would crash the process.
  backend.notificationChannel?.on('error', (error: unknown) =>
    log.warn({ err: error }, 'job notification channel error'),
  );
  const agenda = new Agenda({
    backend,
    ...(options.workerName ? { name: options.workerName } : {}),
    processEvery: options.processEveryMs ?? 2_000,
    // Without a lock limit one worker locks the whole backlog and starves the others.
    defaultLockLimit: 4,
    lockLimit: 16,
    defaultLockLifetime: 10 * 60_000,
  });
  agenda.on('error', (error) => log.error({ err: error }, 'scheduler error'));

  const enqueue: Enqueue = async (job, data) => {
    await agenda.now(job.name, data);
  };
  const context: JobContext = { ...options.context, enqueue };
  // Agenda's stop() does not wait for jobs already running; closing the pool under them would fail them.
  const running = new Set<Promise<void>>();

  for (const definition of options.jobs) {
    agenda.define(
      definition.name,
      async (job: Job<unknown>) => {
        const data: unknown = definition.assertData(job.attrs.data);
        const run = definition.run(context, data);
        const settled = run.then(
          () => undefined,
          () => undefined,
        );
        running.add(settled);
        try {
          await run;
        } catch (error) {
          const classification = isAppError(error)
            ? { code: error.code, kind: error.kind }
            : { kind: 'unknown' };
          log.warn({ job: definition.name, data, err: error, ...classification }, 'job failed');
          throw error;
        } finally {
          running.delete(settled);
        }
      },
      { concurrency: definition.concurrency ?? 1, backoff: classifiedBackoff },
    );
  }

  async function pendingCount(): Promise<number> {
    const result = await pool.query<{ count: number }>(PENDING_ONE_OFF_JOBS);
    return result.rows[0]?.count ?? 0;
  }

  return {
    enqueue,
    async every(interval, job, data) {
      await agenda.every(interval, job.name, data as undefined);
    },
    async start() {
      await agenda.start();
    },
    async stop() {
      await agenda.stop(false);
      await Promise.all(running);
    },
    whenIdle(timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`jobs still pending after ${timeoutMs} ms`)),
          timeoutMs,
        );
        const check = () => {
          pendingCount().then(
            (count) => count === 0 && finish(),
            (error: Error) => finish(error),
          );
        };
        function finish(error?: Error) {
          clearTimeout(timer);
          agenda.off('complete', check);
          if (error) reject(error);
          else resolve();
        }
        agenda.on('complete', check);
        check();
      });
    },
  };
}
