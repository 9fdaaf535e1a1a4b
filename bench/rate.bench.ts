// Benchmarks shared Steam pacing: two worker processes on one key against a replay server that 429s past 1 req/s.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startValveReplay } from '../src/fakes/valve-replay.server.js';
import { steamCallSummary } from '../src/ingest/steam/call-stats.repo.js';
import { keyIdOf } from '../src/ingest/steam/key-id.js';
import { createSharedKeyPool } from '../src/ingest/steam/shared-key-pool.js';
import { createDb, type Db } from '../src/store/db.js';
import { startEmbeddedPostgres } from '../src/store/embedded-postgres.js';
import { migrateLatest } from '../src/store/migrate.js';
import type { WorkerReport } from './rate-worker.js';

const RATE = 1;
const KEY = randomBytes(16).toString('hex').toUpperCase();
const SHARED_MS = Number(process.env.BENCH_RATE_DURATION_MS ?? process.argv[2] ?? 65_000);
const BASELINE_MS = Number(process.env.BENCH_RATE_BASELINE_MS ?? 10_000);
/** Time for both workers to boot (tsx, imports) before their common start. */
const BOOT_MS = 4_000;
/** Not a Steam path: the replay server answers it 404 without counting it against the key. */
const WARM_UP_PATH = '/bench-warm-up';
const WORKER = fileURLToPath(new URL('./rate-worker.ts', import.meta.url));

interface Phase {
  reports: WorkerReport[];
  /** Server arrival time (ms) and status of every request. */
  arrivals: { at: number; status: number }[];
}

function runWorker(name: string, env: Record<string, string>): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      env: { ...process.env, ...env, BENCH_WORKER: name },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(last) as WorkerReport);
      else reject(new Error(`worker ${name} exited with ${code}: ${out}`));
    });
  });
}

/** Two workers on one key for `durationMs`, against a fresh replay server allowing `RATE` per second per key. */
async function phase(mode: 'shared' | 'local', databaseUrl: string, durationMs: number): Promise<Phase> {
  const times: number[] = [];
  // The server reads its clock once per keyed request (the rolling-second check): that is each arrival time.
  const replay = await startValveReplay({
    ratePerSecond: RATE,
    now: () => {
      const t = Date.now();
      times.push(t);
      return t;
    },
  });
  try {
    const env = {
      BENCH_MODE: mode,
      BENCH_START_AT: String(Date.now() + BOOT_MS),
      BENCH_DURATION_MS: String(durationMs),
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_BASE_URL: replay.baseUrl,
      BENCH_KEY: KEY,
      BENCH_REQUESTS_PER_SECOND: String(RATE),
      BENCH_WARM_UP_PATH: WARM_UP_PATH,
    };
    const reports = await Promise.all([runWorker('w1', env), runWorker('w2', env)]);
    const steam = replay.requests.filter((r) => r.path !== WARM_UP_PATH);
    if (times.length !== steam.length) {
      throw new Error(`arrival times (${times.length}) do not match requests (${steam.length})`);
    }
    return { reports, arrivals: steam.map((r, i) => ({ at: times[i] ?? NaN, status: r.status })) };
  } finally {
    await replay.close();
  }
}

/** Requests per second between the first and the last arrival (n arrivals span n − 1 intervals). */
function ratePerSecond(arrivals: { at: number }[]): number {
  const first = arrivals[0]?.at ?? 0;
  const last = arrivals.at(-1)?.at ?? 0;
  return arrivals.length > 1 && last > first ? ((arrivals.length - 1) * 1000) / (last - first) : 0;
}

function describePhase(label: string, result: Phase, durationMs: number) {
  const ok = result.arrivals.filter((a) => a.status === 200);
  const limited = result.arrivals.filter((a) => a.status === 429).length;
  const gaps = ok.slice(1).map((a, i) => a.at - (ok[i]?.at ?? a.at));
  // Jitter: how far apart consecutive requests of either worker reached the server.
  const all = result.arrivals.slice(1).map((a, i) => a.at - (result.arrivals[i]?.at ?? a.at));
  all.sort((x, y) => x - y);
  const pct = (p: number) => all[Math.min(all.length - 1, Math.floor((p / 100) * all.length))] ?? NaN;
  console.log(
    `${label} arrival gaps: min ${pct(0)}, p5 ${pct(5)}, median ${pct(50)}, p95 ${pct(95)}, max ${pct(100)} ms`,
  );
  const sent = ratePerSecond(result.arrivals);
  const achieved = ratePerSecond(ok);
  for (const r of result.reports) {
    console.log(`${label} ${r.worker}: ok ${r.ok}, 429 ${r.rateLimited}, failed ${r.failed}`);
  }
  console.log(
    `${label}: ${result.arrivals.length} requests in ${(durationMs / 1000).toFixed(0)} s, ${ok.length} answered 200, ` +
      `${limited} × 429; sent ${sent.toFixed(3)}/s, successful ${achieved.toFixed(3)}/s (configured ${RATE}/s); ` +
      `gap between successes min ${Math.min(...gaps)} ms, max ${Math.max(...gaps)} ms`,
  );
  return { sentRatio: sent / RATE, achievedRatio: achieved / RATE, limited };
}

/** Cost of the reservation statement itself: serial reserves on a key of their own, no sleeping. */
async function reserveLatency(db: Db, runs = 500): Promise<void> {
  const pool = createSharedKeyPool({
    db,
    keys: [randomBytes(16).toString('hex')],
    requestsPerSecond: 1_000,
    clock: { now: () => Date.now(), sleep: () => Promise.resolve() },
  });
  await pool.reserve('general');
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await pool.reserve(i % 5 === 0 ? 'sequence' : 'general');
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => (samples[Math.ceil((p / 100) * runs) - 1] ?? NaN).toFixed(2);
  console.log(`reserve statement: median ${at(50)} ms, p95 ${at(95)} ms (${runs} serial round trips)`);
}

async function openDatabase(): Promise<{ url: string; db: Db; close(): Promise<void> }> {
  const external = process.env.DATABASE_URL;
  if (external) {
    // A throwaway database on the configured server, so the run leaves nothing behind.
    const name = `ddd_bench_rate_${randomBytes(4).toString('hex')}`;
    const admin = createDb(external, { poolMax: 1 });
    await admin.raw(`CREATE DATABASE ${name}`);
    const url = new URL(external);
    url.pathname = `/${name}`;
    const db = createDb(url.toString());
    return {
      url: url.toString(),
      db,
      close: async () => {
        await db.destroy();
        await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.destroy();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'ddd-bench-rate-'));
  const embedded = await startEmbeddedPostgres(dir);
  const db = createDb(embedded.url);
  return {
    url: embedded.url,
    db,
    close: async () => {
      await db.destroy();
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const database = await openDatabase();
try {
  await migrateLatest(database.db);
  await reserveLatency(database.db);
  console.log(`shared pacing: 2 workers, 1 key, ${SHARED_MS / 1000} s …`);
  const startedAt = new Date();
  const shared = describePhase('shared', await phase('shared', database.url, SHARED_MS), SHARED_MS);
  const stats = await steamCallSummary(database.db, startedAt);
  const counted = stats.keys.find((k) => k.keyId === keyIdOf(KEY));
  console.log(
    `shared: steam_call_stats counted ${counted?.calls ?? 0} calls, ${counted?.rateLimited ?? 0} × 429 for key ${keyIdOf(KEY)}`,
  );

  console.log(`baseline, per-process pacing only: 2 workers, 1 key, ${BASELINE_MS / 1000} s …`);
  const baseline = describePhase('baseline', await phase('local', database.url, BASELINE_MS), BASELINE_MS);

  console.log(
    `baseline sent_ratio=${baseline.sentRatio.toFixed(3)} http_429=${baseline.limited}; ` +
      `shared sent_ratio=${shared.sentRatio.toFixed(3)} (baseline/shared ${(baseline.sentRatio / shared.sentRatio).toFixed(2)}×)`,
  );
  console.log(`RESULT rate achieved_ratio=${shared.achievedRatio.toFixed(3)} http_429=${shared.limited}`);
} finally {
  await database.close();
}
