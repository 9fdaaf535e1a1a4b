// One describe's replay-backed ingest: a fresh database and Valve replay per file, a recording JobContext per test.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import type { JobContext } from '../../src/ingest/jobs/job.js';
import { replayIngest } from './replay-ingest.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface EnqueuedJob {
  job: string;
  data: unknown;
}

/**
 * Filled in by the hooks useReplaySuite registers: read the fields only inside tests and hooks,
 * never while the describe body is being collected.
 */
export interface ReplaySuite {
  test: TestDatabase;
  valve: ValveReplay;
  ingest: IngestContext;
  /** Fresh before each test; its enqueue appends to `enqueued` (whatever array it holds then). */
  ctx: JobContext;
  /** Reset to [] before each test; a test may reassign it to start recording afresh. */
  enqueued: EnqueuedJob[];
}

/** Registers beforeAll/afterAll/beforeEach in the calling describe; `truncate` names tables emptied before each test. */
export function useReplaySuite(options: { truncate?: string } = {}): ReplaySuite {
  const suite = { enqueued: [] } as unknown as ReplaySuite;
  beforeAll(async () => {
    suite.test = await createTestDatabase();
    ({ ingest: suite.ingest, valve: suite.valve } = await replayIngest(suite.test.db));
  });
  afterAll(async () => {
    await suite.valve?.close();
    await suite.test?.drop();
  });
  beforeEach(async () => {
    if (options.truncate) await suite.test.db.raw(`TRUNCATE ${options.truncate} CASCADE`);
    suite.enqueued = [];
    suite.ctx = {
      ...suite.ingest,
      enqueue: (job, data) => {
        suite.enqueued.push({ job: job.name, data });
        return Promise.resolve();
      },
    };
  });
  return suite;
}
