// The only importer of agenda: Agenda 6 on our Postgres, with failures classified before they are retried.
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda, type BackoffStrategy, type Job } from 'agenda';
import type pg from 'pg';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { jobDuration, jobRuns } from '../observability/metrics.js';
import { AGENDA_TABLE } from '../../migrations/20261128_0002_agenda.js';
import type { AnyJobDefinition, Enqueue, JobContext } from './jobs/job.js';
import { recordDeadLetter, resolveDeadLetters } from '../store/dead-letters.repo.js';

export interface Scheduler {
  enqueue: Enqueue;
  /** Runs `job` every `interval` (e.g. '5 minutes'), once across all workers. */
  every<T>(interval: string, job: { name: string }, data: T): Promise<void>;
  /** Starts processing the jobs this scheduler defines. */
  start(): Promise<void>;
  /**
   * Stops taking jobs, releases those locked but not started, tells running ones to wrap up (`ctx.stopping`) and
   * waits up to `deadlineMs` for them. Returns how many were still running: their locks expire and another
   * worker runs them again (every job is idempotent). The pool stays open (it is the caller's).
   */
  stop(deadlineMs?: number): Promise<{ unfinished: number }>;
  /** Started and not stopped: this process is taking jobs. */
  isRunning(): boolean;
  /** Resolves when no one-off job is due or running (demo and tests; event-driven, not polled on a timer). */
  whenIdle(timeoutMs: number): Promise<void>;
}

export interface SchedulerOptions {
  pool: pg.Pool;
  jobs: readonly AnyJobDefinition[];
  context: Omit<JobContext, 'enqueue' | 'stopping'>;
  log: Logger;
  /** Name recorded as last_modified_by, to tell workers apart. */
  workerName?: string;
  /** How often to look for due jobs besides LISTEN/NOTIFY wake-ups. */
  processEveryMs?: number;
  retry?: RetryPolicy;
}

export interface RetryPolicy {
  /** Retries after the first failure; then the job is dead-lettered. */
  maxRetries: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseMs: 2_000, capMs: 5 * 60_000 };

/**
 * Transient failures and rate limits reach Agenda's retry (permanent ones are handled before it). A rate limit
 * waits what Valve asked for, however often; a transient failure backs off exponentially with full jitter, so
 * retries from many workers spread out, a bounded number of times.
 */
export function classifiedBackoff(policy: RetryPolicy): BackoffStrategy {
  return ({ attempt, error }) => {
    if (isAppError(error) && error.kind === 'rate-limited') return (error.retryAfterSeconds || 10) * 1000;
    return attempt > policy.maxRetries
      ? null
      : Math.round(Math.random() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt));
  };
}

/** A worker that dies mid-job leaves it locked this long; then another worker runs it again. */
const LOCK_LIFETIME_MS = 10 * 60_000;

/**
 * Agenda writes a job's state as it starts it (lastRunAt) and as it ends (outcome, retry time, lock released);
 * when either write fails it drops the job and moves on, leaving the row locked. So after a database restart
 * every job that was running or about to start stayed locked for the whole lock lifetime, and with it the
 * matches it was fetching. While the database does not answer at all the write is retried instead, so the job
 * goes ahead (or its lock is released) as soon as the database is back; a write it refuses is passed on as before.
 */
function saveJobStateThroughOutages(
  backend: PostgresBackend,
  pool: pg.Pool,
  stopping: AbortSignal,
  log: Logger,
): void {
  const { repository } = backend;
  const save = repository.saveJobState.bind(repository);
  const databaseAnswers = () =>
    pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
  repository.saveJobState = async (job, options) => {
    // Once the lock expires another worker may own the job, and a late save would overwrite its state: give up
    // a little before, counting from when the job was locked.
    const giveUpAt = (job.lockedAt?.getTime() ?? Date.now()) + LOCK_LIFETIME_MS - 30_000;
    for (let waitMs = 250; ; waitMs = Math.min(2 * waitMs, 5_000)) {
      try {
        return await save(job, options);
      } catch (error) {
        if (stopping.aborted || Date.now() >= giveUpAt || (await databaseAnswers())) throw error;
        log.warn(
          { job: job.name, err: error, waitMs },
          'job state not saved, database unreachable: will retry',
        );
        // Unref'd: a worker shutting down meanwhile must not wait for it (the next failure then gives up).
        await sleep(waitMs, undefined, { ref: false });
      }
    }
  };
}

const PENDING_ONE_OFF_JOBS = `SELECT count(*)::int AS count FROM ${AGENDA_TABLE}
  WHERE repeat_interval IS NULL AND disabled = false AND next_run_at IS NOT NULL AND next_run_at <= now() + interval '1 second'
     OR locked_at IS NOT NULL`;

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { pool, log } = options;
  const retry = options.retry ?? DEFAULT_RETRY;
  const backend = new PostgresBackend({ pool, tableName: AGENDA_TABLE, ensureSchema: false });
  // The LISTEN connection re-emits its errors here; with no listener a database restart would crash the process.
  backend.notificationChannel?.on('error', (error: unknown) =>
    log.warn({ err: error }, 'job notification channel error'),
  );
  const agenda = new Agenda({
    backend,
    ...(options.workerName ? { name: options.workerName } : {}),
    // Agenda refills a job type's local queue only on this tick (or a NOTIFY from a new job), so a backlog
    // (a restart, a storm's retries) drains at most defaultLockLimit jobs per tick per type: 2/s was measured
    // with 4 per 2 s; 10 per 1 s lets it drain at Valve's pace for about 17 cheap queries a second idle.
    processEvery: options.processEveryMs ?? 1_000,
    // Without a lock limit one worker locks the whole backlog and starves the others.
    defaultLockLimit: 10,
    lockLimit: 16,
    defaultLockLifetime: LOCK_LIFETIME_MS,
  });
  agenda.on('error', (error) => log.error({ err: error }, 'scheduler error'));

  const enqueue: Enqueue = async (job, data) => {
    await agenda.now(job.name, data);
  };
  const stopping = new AbortController();
  saveJobStateThroughOutages(backend, pool, stopping.signal, log);
  const context: JobContext = { ...options.context, enqueue, stopping: stopping.signal };
  let started = false;
  let stopped: Promise<{ unfinished: number }> | undefined;
  // Agenda's stop() does not wait for jobs already running; closing the pool under them would fail them.
  const running = new Set<Promise<unknown>>();

  /** Runs one job and decides what its failure means: stop and record, wait for Valve, or retry. */
  async function runClassified(definition: AnyJobDefinition, job: Job<unknown>): Promise<void> {
    let data: unknown;
    try {
      data = definition.assertData(job.attrs.data);
    } catch (error) {
      // Bad job data never fixes itself: record it and do not retry.
      await recordFailure(definition, job, job.attrs.data, 'invalid', 'permanent', error);
      return;
    }
    const entity = definition.entity(data);
    const timer = jobDuration.startTimer({ job: definition.name });
    const outcome = (name: 'ok' | 'retry' | 'rate_limited' | 'dead_letter') => {
      timer();
      jobRuns.inc({ job: definition.name, outcome: name });
    };
    try {
      await definition.run(context, data);
      outcome('ok');
      await resolveDeadLetters(context.db, definition.name, entity);
    } catch (error) {
      const kind = isAppError(error) ? error.kind : 'transient';
      const failures = (job.attrs.failCount ?? 0) + 1;
      outcome(
        kind === 'rate-limited'
          ? 'rate_limited'
          : kind === 'permanent' || failures > retry.maxRetries
            ? 'dead_letter'
            : 'retry',
      );
      if (kind === 'rate-limited') {
        // Valve asked us to wait: the same job runs again after Retry-After (classifiedBackoff), and the wait is
        // not charged as an attempt. Agenda's fail() adds one to failCount, so it is taken back here. A fresh job
        // would not do: its count starts at 0, and 429s between failures then retried a failing job forever.
        const retryAfterMs = ((isAppError(error) && error.retryAfterSeconds) || 10) * 1000;
        job.attrs.failCount = (job.attrs.failCount ?? 0) - 1;
        log.info({ job: definition.name, entity, retryAfterMs }, 'job rate-limited: rescheduled');
        throw error;
      }
      if (kind === 'permanent') {
        await recordFailure(definition, job, data, entity, 'permanent', error);
        return;
      }
      if (failures > retry.maxRetries) await recordFailure(definition, job, data, entity, 'exhausted', error);
      else log.warn({ job: definition.name, entity, failures, err: error }, 'job failed: will retry');
      throw error;
    }
  }

  async function recordFailure(
    definition: AnyJobDefinition,
    job: Job<unknown>,
    data: unknown,
    entity: string,
    kind: 'permanent' | 'exhausted',
    error: unknown,
  ): Promise<void> {
    const code = isAppError(error)
      ? error.code
      : error instanceof TypeError
        ? 'invalid_job_data'
        : 'unexpected';
    const message = error instanceof Error ? error.message : String(error);
    log.warn({ job: definition.name, entity, kind, code, err: error }, 'job stopped: dead letter recorded');
    await recordDeadLetter(context.db, {
      job_name: definition.name,
      job_data: data ?? null,
      entity,
      kind,
      code,
      attempts: (job.attrs.failCount ?? 0) + 1,
      last_error: message,
    });
  }

  for (const definition of options.jobs) {
    agenda.define(
      definition.name,
      async (job: Job<unknown>) => {
        const run = runClassified(definition, job);
        running.add(run);
        try {
          await run;
        } finally {
          running.delete(run);
        }
      },
      { concurrency: definition.concurrency ?? 1, backoff: classifiedBackoff(retry) },
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
      started = true;
    },
    // Not agenda.drain(): it leaves jobs locked but not yet started locked until their lock expires (minutes);
    // stop() hands them back at once and keeps running jobs' locks, and the deadline is ours.
    stop(deadlineMs = Number.POSITIVE_INFINITY) {
      // Once: a later call (runtime.close after the service's stop) must not wait again, without the deadline.
      stopped ??= (async () => {
        started = false;
        stopping.abort();
        await agenda.stop(false);
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          if (Number.isFinite(deadlineMs)) timer = setTimeout(resolve, deadlineMs);
        });
        await Promise.race([Promise.allSettled(running), deadline]);
        clearTimeout(timer);
        const unfinished = running.size;
        if (unfinished > 0)
          log.warn({ unfinished, deadlineMs }, 'jobs still running at the shutdown deadline');
        // Agenda skips this when it stops while a job was still finishing; the LISTEN client must go back
        // to the pool, or closing the pool waits on it and a database shutdown later reports it as an error.
        await backend.notificationChannel?.disconnect();
        return { unfinished };
      })();
      return stopped;
    },
    isRunning: () => started,
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
