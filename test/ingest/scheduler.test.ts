import type pg from 'pg';
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { AppError } from '../../src/errors.js';
import type { JobDefinition } from '../../src/ingest/jobs/job.js';
import { createScheduler, type Scheduler } from '../../src/ingest/scheduler.js';
import { createLogger } from '../../src/log.js';
import { createPgPool } from '../../src/store/db.js';
import { openDeadLetters, takeForRetry } from '../../src/store/dead-letters.repo.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const log = createLogger('silent');

/** A test job whose outcome per run is scripted: each run takes the next outcome (the last one repeats). */
function scriptedJob(
  name: string,
  outcomes: (() => Promise<void>)[],
): JobDefinition<{ id: number }> & { runs: number } {
  const job = {
    name,
    runs: 0,
    assertData: (data: unknown) => data as { id: number },
    entity: (data: { id: number }) => `thing:${data.id}`,
    run: () => {
      const outcome = outcomes[Math.min(job.runs, outcomes.length - 1)]!;
      job.runs += 1;
      return outcome();
    },
  };
  return job;
}

const permanent = () => Promise.reject(new AppError('match_not_found', 'Match 1 not found at Valve'));
const transient = () => Promise.reject(new AppError('steam_server_error', 'HTTP 503', { kind: 'transient' }));
const rateLimited = () =>
  Promise.reject(
    new AppError('steam_rate_limited', 'HTTP 429', { kind: 'rate-limited', retryAfterSeconds: 0.05 }),
  );
const succeed = () => Promise.resolve();

describe('scheduler failure classification', () => {
  let test: TestDatabase;
  let pool: pg.Pool;
  let scheduler: Scheduler | undefined;

  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(() => test.drop());
  beforeEach(async () => {
    await test.db.raw('TRUNCATE agenda_jobs, dead_letters');
    pool = createPgPool(test.url, () => undefined);
  });
  afterEach(async () => {
    await scheduler?.stop();
    await pool.end();
  });

  async function runUntilIdle(job: JobDefinition<{ id: number }>, data = { id: 1 }): Promise<void> {
    scheduler = createScheduler({
      pool,
      jobs: [job],
      context: { db: test.db, steam: undefined as never, log, clock: systemClock, alertMaxAgeMs: 0 },
      log,
      processEveryMs: 50,
      retry: { maxRetries: 2, baseMs: 1, capMs: 5 },
    });
    await scheduler.enqueue(job, data);
    await scheduler.start();
    await scheduler.whenIdle(20_000);
  }

  it('when a job fails permanently, then it runs once and an open dead letter says why', async () => {
    const job = scriptedJob('test.permanent', [permanent]);
    await runUntilIdle(job);
    expect(job.runs).toBe(1);
    const letters = await openDeadLetters(test.db);
    expect(letters).toMatchObject([
      {
        job_name: 'test.permanent',
        entity: 'thing:1',
        kind: 'permanent',
        code: 'match_not_found',
        attempts: 1,
      },
    ]);
    expect(letters[0]?.last_error).toContain('not found');
  });

  it('when a job keeps failing transiently, then it is retried a bounded number of times and dead-lettered', async () => {
    const job = scriptedJob('test.transient', [transient]);
    await runUntilIdle(job);
    await scheduler!.whenIdle(20_000);
    expect(job.runs).toBe(3);
    expect(await openDeadLetters(test.db)).toMatchObject([
      { kind: 'exhausted', code: 'steam_server_error', attempts: 3 },
    ]);
  });

  it('when a transient failure heals on retry, then no dead letter is left', async () => {
    const job = scriptedJob('test.heals', [transient, succeed]);
    await runUntilIdle(job);
    expect(job.runs).toBe(2);
    expect(await openDeadLetters(test.db)).toEqual([]);
  });

  it('when rate limits come between transient failures, then the failures still add up to a dead letter', async () => {
    const job = scriptedJob('test.mixed', [
      transient,
      rateLimited,
      transient,
      rateLimited,
      transient,
      rateLimited,
      succeed,
    ]);
    await runUntilIdle(job);
    await scheduler!.whenIdle(20_000);
    // Three charged failures (maxRetries 2) with two uncharged waits between them; the success is never reached.
    expect(job.runs).toBe(5);
    expect(await openDeadLetters(test.db)).toMatchObject([
      { kind: 'exhausted', code: 'steam_server_error', attempts: 3 },
    ]);
  });

  it('when Valve rate-limits a job, then it is rescheduled without being charged a failure', async () => {
    const job = scriptedJob('test.rate-limited', [rateLimited, rateLimited, rateLimited, succeed]);
    await runUntilIdle(job);
    await scheduler!.whenIdle(20_000);
    expect(job.runs).toBe(4); // more runs than maxRetries allows for failures: waits are not failures
    expect(await openDeadLetters(test.db)).toEqual([]);
    const charged = await test
      .db('agenda_jobs')
      .where('fail_count', '>', 0)
      .count<{ count: string }>('* as count')
      .first();
    expect(Number(charged?.count)).toBe(0);
  });

  it('when a dead letter is retried and the job then succeeds, then the letter is closed', async () => {
    const job = scriptedJob('test.retry', [permanent, succeed]);
    await runUntilIdle(job);
    const [letter] = await takeForRetry(test.db, 'all');
    await scheduler!.enqueue(job, letter!.job_data as { id: number });
    await scheduler!.whenIdle(20_000);
    expect(job.runs).toBe(2);
    expect(await openDeadLetters(test.db)).toEqual([]);
  });

  it('when the same entity fails permanently again, then its open letter counts occurrences instead of piling up', async () => {
    const job = scriptedJob('test.repeat', [permanent]);
    await runUntilIdle(job);
    await scheduler!.enqueue(job, { id: 1 });
    await scheduler!.whenIdle(20_000);
    expect(await openDeadLetters(test.db)).toMatchObject([{ entity: 'thing:1', occurrences: 2 }]);
  });
});
