// One worker process of the rate benchmark: calls GetMatchHistory in a loop on the given key and reports counts.
import { request } from 'undici';
import { systemClock } from '../src/clock.js';
import { isAppError } from '../src/errors.js';
import { createSteamClient } from '../src/ingest/steam/steam-client.js';
import { createLogger } from '../src/log.js';
import { createDb } from '../src/store/db.js';

/** What the worker prints as its last stdout line (JSON). */
export interface WorkerReport {
  worker: string;
  mode: 'shared' | 'local';
  ok: number;
  rateLimited: number;
  failed: number;
}

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`rate-worker: ${name} is not set`);
  return value;
}

const mode = env('BENCH_MODE') === 'shared' ? 'shared' : 'local';
const startAt = Number(env('BENCH_START_AT'));
const durationMs = Number(env('BENCH_DURATION_MS'));
const db = createDb(env('BENCH_DATABASE_URL'), { poolMax: 2 });
const steam = createSteamClient(
  {
    baseUrl: env('BENCH_BASE_URL'),
    keys: [env('BENCH_KEY')],
    requestsPerSecond: Number(env('BENCH_REQUESTS_PER_SECOND')),
    sequenceSecondsPerCall: 5,
    timeoutMs: 5_000,
    // One HTTP attempt per loop turn, so the worker's counts are the server's.
    maxAttempts: 1,
    maxRateLimitedAttempts: 1,
  },
  { log: createLogger('silent'), clock: systemClock, ...(mode === 'shared' ? { db } : {}) },
);

// undici compiles its HTTP parser on a process's first request (≈12 ms here): done in the timed loop, that
// makes one call late and the other worker's next one look early to a server counting strictly.
await (await request(new URL(env('BENCH_WARM_UP_PATH'), env('BENCH_BASE_URL')))).body.dump();

const report: WorkerReport = { worker: env('BENCH_WORKER'), mode, ok: 0, rateLimited: 0, failed: 0 };
// Both workers start at the same instant, whatever their start-up (tsx, imports) took.
await systemClock.sleep(Math.max(0, startAt - Date.now()));
while (Date.now() < startAt + durationMs) {
  try {
    await steam.getMatchHistory({ matches_requested: 1 });
    report.ok += 1;
  } catch (error) {
    if (isAppError(error) && error.kind === 'rate-limited') report.rateLimited += 1;
    else report.failed += 1;
  }
}
await db.destroy();
console.log(JSON.stringify(report));
