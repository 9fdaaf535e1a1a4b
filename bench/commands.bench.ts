// Benchmarks /dota player and /dota match over HTTP interactions: ack and answer latency next to a no-work round trip.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { REST } from 'discord.js';
import { COMMANDS } from '../src/bots/core/commands/index.js';
import type { AnyCommand } from '../src/bots/core/command.js';
import type { CommandContext } from '../src/bots/core/command-context.js';
import { createDiscordRest } from '../src/bots/discord/discord-rest.js';
import { interactionsRoute, INTERACTIONS_PATH } from '../src/bots/discord/http-interactions.js';
import type { InteractionDeps } from '../src/bots/discord/interactions.js';
import { systemClock } from '../src/clock.js';
import { startValveReplay } from '../src/fakes/valve-replay.server.js';
import { readBody, sendJson, startHttpServer, type Route } from '../src/http/server.js';
import { backfillPlayer } from '../src/ingest/backfill.js';
import { ingestMatchById } from '../src/ingest/fetch-match.js';
import type { IngestContext } from '../src/ingest/ingest-context.js';
import type { AnyJobDefinition, JobContext } from '../src/ingest/jobs/job.js';
import { playerHistoryJob } from '../src/ingest/jobs/player-history.job.js';
import { playerSummariesJob } from '../src/ingest/jobs/player-summaries.job.js';
import { createSteamClient } from '../src/ingest/steam/steam-client.js';
import { createLogger, type Logger } from '../src/log.js';
import { assertFontsAvailable, registerFonts } from '../src/render/fonts.js';
import { createRenderer, type Renderer } from '../src/render/renderer.js';
import { createDb, type Db } from '../src/store/db.js';
import { startEmbeddedPostgres } from '../src/store/embedded-postgres.js';
import { migrateLatest } from '../src/store/migrate.js';
import type { BurstRequest, BurstResult, DiscordReady } from './commands-discord.js';

/** A pro player and his 2025 league match, both in the shipped Valve data (json_files/steam). */
const ACCOUNT_ID = 177062248;
const MATCH_ID = 8591933650;
const CONCURRENCY = Number(process.env.BENCH_COMMANDS_CONCURRENCY ?? 100);
/** Sequential interactions per command before measuring: fills the render cache and warms the JIT and pools. */
const WARM_UP = 3;
/** Interactions per command sent one at a time, for the unloaded cost. */
const SEQUENTIAL = 20;
const GOAL_P99_MS = 50;

const BURSTS = {
  player: { path: ['player'], options: [{ name: 'player', type: 3, value: String(ACCOUNT_ID) }] },
  match: { path: ['match'], options: [{ name: 'id', type: 4, value: MATCH_ID }] },
} satisfies Record<string, NonNullable<BurstRequest['command']>>;
type CommandName = keyof typeof BURSTS;

const percentile = (samples: readonly number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
};
const ms = (value: number) => value.toFixed(1);
const spread = (samples: readonly number[]) =>
  `p50 ${ms(percentile(samples, 0.5))} ms, p99 ${ms(percentile(samples, 0.99))} ms`;

// ---- the database, with the replayed player and match stored through the ingest code -------------------

async function openServer(dir: string): Promise<{ url: string; label: string; stop(): Promise<void> }> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: configured, label: 'DATABASE_URL', stop: () => Promise.resolve() };
  const embedded = await startEmbeddedPostgres(dir);
  return { url: embedded.url, label: 'embedded Postgres', stop: () => embedded.stop() };
}

/** Runs a job and whatever it queues, in-process: the code Agenda runs, without waiting on its poll. */
async function drainJobs(ingest: IngestContext, job: AnyJobDefinition, data: unknown): Promise<number> {
  const queue: { job: AnyJobDefinition; data: unknown }[] = [{ job, data }];
  const ctx: JobContext = {
    ...ingest,
    enqueue: (next, nextData) => {
      queue.push({ job: next, data: nextData });
      return Promise.resolve();
    },
  };
  let ran = 0;
  for (let next = queue.shift(); next; next = queue.shift()) {
    await next.job.run(ctx, next.job.assertData(next.data));
    ran += 1;
  }
  return ran;
}

async function seed(db: Db): Promise<string> {
  const started = performance.now();
  const valve = await startValveReplay();
  try {
    const log = createLogger('warn');
    const steam = createSteamClient(
      {
        baseUrl: valve.baseUrl,
        keys: ['bench-key'],
        requestsPerSecond: 1000,
        sequenceSecondsPerCall: 0.001,
        timeoutMs: 5000,
      },
      { log, clock: systemClock, db },
    );
    const ingest: IngestContext = { db, steam, log, clock: systemClock, alertMaxAgeMs: 0 };
    // As a tracked player ends up: listed matches stored, history checked, profile filled in. The match comes
    // first: it creates the player's row, which the history job then marks as checked.
    await ingestMatchById(ingest, MATCH_ID);
    await backfillPlayer(ingest, ACCOUNT_ID, { maxMatches: 500, onProgress: () => undefined });
    await drainJobs(ingest, playerHistoryJob, { account_id: ACCOUNT_ID });
    await drainJobs(ingest, playerSummariesJob, {});
    const rows = await db('match_players')
      .where({ account_id: ACCOUNT_ID })
      .count<{ count: string }[]>({ count: '*' });
    const count = rows[0]?.count ?? '0';
    return `player ${ACCOUNT_ID} (${count} matches) and match ${MATCH_ID} stored from the Valve replay in ${ms(performance.now() - started)} ms`;
  } finally {
    await valve.close();
  }
}

// ---- the service under test: the real route, commands, renderer and REST, with timers around the parts ----

interface Probes {
  run: number[];
  patch: number[];
  /** Requests discord.js REST held back on its own limits (it counts interaction webhooks against 50/s). */
  restWaits: { global: boolean; ms: number }[];
  queries: number;
  queryMs: number;
  warnings: string[];
}

const probes = (): Probes => ({ run: [], patch: [], restWaits: [], queries: 0, queryMs: 0, warnings: [] });
let current = probes();

function timedCommand(command: AnyCommand): AnyCommand {
  return {
    ...command,
    async run(ctx, args, invocation) {
      const started = performance.now();
      try {
        return await command.run(ctx, args, invocation);
      } finally {
        current.run.push(performance.now() - started);
      }
    },
  };
}

/** The same REST object; only `patch` (the edit of @original) is timed. */
function timedRest(rest: REST): REST {
  return new Proxy(rest, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'patch' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          const call = value as (...a: unknown[]) => Promise<unknown>;
          return await call.apply(target, args);
        } finally {
          current.patch.push(performance.now() - started);
        }
      };
    },
  });
}

function timeQueries(db: Db): void {
  const started = new Map<string, number>();
  db.on('query', (query: { __knexQueryUid: string }) => started.set(query.__knexQueryUid, performance.now()));
  db.on('query-response', (_response: unknown, query: { __knexQueryUid: string }) => {
    const at = started.get(query.__knexQueryUid);
    started.delete(query.__knexQueryUid);
    if (at === undefined) return;
    current.queries += 1;
    current.queryMs += performance.now() - at;
  });
}

/** pino at info, as the service runs, into a sink that keeps warnings and errors for the report. */
function benchLogger() {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = JSON.parse(chunk.toString('utf8')) as {
        level: number;
        msg: string;
        err?: { message?: string };
      };
      if (line.level >= 40)
        current.warnings.push(`${line.msg}${line.err?.message ? `: ${line.err.message}` : ''}`);
      done();
    },
  });
  return createLogger('info', sink);
}

/** What `service.ts` gives the commands, minus Valve: both answers must come from stored data. */
function commandContext(
  db: Db,
  render: Renderer,
  log: Logger,
): { ctx: CommandContext; enqueued: () => number } {
  let enqueued = 0;
  // A Steam call in the measured part would be a bug: this client has nowhere to go, so it fails loudly.
  const steam = createSteamClient(
    {
      baseUrl: 'http://127.0.0.1:9',
      keys: ['none'],
      requestsPerSecond: 1,
      sequenceSecondsPerCall: 5,
      timeoutMs: 1000,
    },
    { log, clock: systemClock, db },
  );
  const ctx: CommandContext = {
    db,
    ingest: { db, steam, log, clock: systemClock, alertMaxAgeMs: 0 },
    render,
    log,
    clock: systemClock,
    enqueue: () => {
      enqueued += 1;
      return Promise.resolve();
    },
    settings: { freeSubscriptionsPerGuild: 5, premiumSubscriptionsPerGuild: 100 },
  };
  return { ctx, enqueued: () => enqueued };
}

// ---- Discord, in its own process -----------------------------------------------------------------------

function startDiscord(): Promise<{ child: ChildProcess; ready: DiscordReady }> {
  const child = fork(new URL('./commands-discord.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`discord process exited with ${code}`)));
    child.once('message', (message: DiscordReady) => resolve({ child, ready: message }));
  });
}

function burst(child: ChildProcess, ask: Omit<BurstRequest, 'kind'>): Promise<BurstResult> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`discord process exited with ${code}`));
    child.once('exit', exited);
    child.once('message', (message: BurstResult) => {
      child.off('exit', exited);
      resolve(message);
    });
    child.send({ kind: 'burst', ...ask } satisfies BurstRequest);
  });
}

// ---- the run -------------------------------------------------------------------------------------------

const dataDir = await mkdtemp(join(tmpdir(), 'ddd-bench-commands-'));
const databaseName = `ddd_bench_commands_${process.pid}`;
let server: Awaited<ReturnType<typeof openServer>> | undefined;
let admin: Db | undefined;
let db: Db | undefined;
let discord: ChildProcess | undefined;
const closers: (() => Promise<unknown>)[] = [];

try {
  server = await openServer(dataDir);
  admin = createDb(server.url, { poolMax: 1 });
  await admin.raw(`CREATE DATABASE ${databaseName}`);
  const url = new URL(server.url);
  url.pathname = `/${databaseName}`;
  // The service's own pool size (createDb's default), so pool waits show up as they would in production.
  db = createDb(url.toString());
  await migrateLatest(db);
  const seeded = await seed(db);

  registerFonts();
  assertFontsAvailable();
  const render = createRenderer({ pool: { warm: true } });
  closers.push(() => render.close());

  const started = await startDiscord();
  discord = started.child;
  const { ready } = started;
  const rest = createDiscordRest(ready.restBaseUrl, ready.botToken);
  closers.push(() => {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    return Promise.resolve();
  });
  rest.on('rateLimited', (info) => current.restWaits.push({ global: info.global, ms: info.timeToReset }));
  timeQueries(db);

  const log = benchLogger();
  const { ctx, enqueued } = commandContext(db, render, log);
  const names = Object.keys(BURSTS) as CommandName[];
  const missing = names.filter(
    (name) => !COMMANDS.some((command) => command.path.join(' ') === BURSTS[name].path.join(' ')),
  );
  if (missing.length > 0) throw new Error(`COMMANDS has no /dota ${missing.join(', /dota ')} yet`);
  const deps: InteractionDeps = {
    commands: COMMANDS.map(timedCommand),
    ctx,
    rest: timedRest(rest),
    applicationId: ready.applicationId,
    log,
  };
  const noWork: Route = {
    method: 'POST',
    path: '/bench/no-work',
    // The same bytes in and a deferral-sized answer out, with no signature check, parse or handler.
    async handler(request, response) {
      await readBody(request, 64 * 1024);
      sendJson(response, 200, { type: 5, data: {} });
    },
  };
  const http = await startHttpServer(
    [interactionsRoute(deps, ready.publicKeyHex, systemClock, log), noWork],
    0,
    log,
  );
  closers.push(() => http.close());
  const base = `http://127.0.0.1:${http.port}`;

  console.log(
    `commands benchmark: ${CONCURRENCY} concurrent signed interactions per command over HTTP interactions; ` +
      `Node ${process.version}, ${availableParallelism()} CPUs, ${server.label}; Discord stand-in and load in a separate process`,
  );
  console.log(`seed: ${seeded}`);

  // Warm-up: connections opened, render workers started, every chart drawn once into the render cache.
  await burst(discord, { url: `${base}/bench/no-work`, count: CONCURRENCY });
  for (const name of names) {
    for (let i = 0; i < WARM_UP; i += 1) {
      const warm = await burst(discord, { url: base + INTERACTIONS_PATH, command: BURSTS[name], count: 1 });
      if (warm.failures.length > 0)
        throw new Error(`warm-up /dota ${name} failed: ${warm.failures.join('; ')}`);
    }
  }

  const measure = async (ask: Omit<BurstRequest, 'kind'>) => {
    current = probes();
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const wall = performance.now();
    const result = await burst(discord!, ask);
    const elapsed = performance.now() - wall;
    const used = process.cpuUsage(cpu);
    const loop = performance.eventLoopUtilization(elu);
    return {
      result,
      probes: current,
      elapsed,
      /** All threads of this process: the event loop, libuv's pool, GC, the (idle) render workers. */
      cpuMs: (used.user + used.system) / 1000,
      loopBusy: loop.utilization,
      loopActiveMs: loop.active,
    };
  };

  // One at a time first: what a single interaction costs when nothing queues in front of it.
  const sequentially = async (ask: Omit<BurstRequest, 'kind' | 'count'>) => {
    const runs = [];
    for (let i = 0; i < SEQUENTIAL; i += 1) runs.push(await measure({ ...ask, count: 1 }));
    return {
      ack: runs.flatMap((run) => run.result.ack),
      answer: runs.flatMap((run) => run.result.answer),
      run: runs.flatMap((run) => run.probes.run),
      patch: runs.flatMap((run) => run.probes.patch),
      cpuMs: runs.reduce((sum, run) => sum + run.cpuMs, 0) / SEQUENTIAL,
    };
  };
  console.log(`
one at a time (${SEQUENTIAL} each, p50):`);
  const single = await sequentially({ url: `${base}/bench/no-work` });
  console.log(`  baseline  ack ${ms(percentile(single.ack, 0.5))} ms`);
  for (const name of names) {
    const one = await sequentially({ url: base + INTERACTIONS_PATH, command: BURSTS[name] });
    console.log(
      `  /dota ${name.padEnd(6)} ack ${ms(percentile(one.ack, 0.5))} ms, answer ${ms(percentile(one.answer, 0.5))} ms ` +
        `(command.run ${ms(percentile(one.run, 0.5))} ms, edit PATCH ${ms(percentile(one.patch, 0.5))} ms); ` +
        `${ms(one.cpuMs)} ms CPU of this process per interaction`,
    );
  }

  const baseline = await measure({ url: `${base}/bench/no-work`, count: CONCURRENCY });
  console.log(
    `\n${CONCURRENCY} at once:\nbaseline (same request to a no-work route): ${spread(baseline.result.ack)}`,
  );
  const baselineP50 = percentile(baseline.result.ack, 0.5);
  const baselineP99 = percentile(baseline.result.ack, 0.99);

  const measured: Record<CommandName, Awaited<ReturnType<typeof measure>>> = {} as never;
  for (const name of names) {
    const run = await measure({ url: base + INTERACTIONS_PATH, command: BURSTS[name], count: CONCURRENCY });
    measured[name] = run;
    const { result, probes: p } = run;
    const ackP99 = percentile(result.ack, 0.99);
    const answerP99 = percentile(result.answer, 0.99);
    const globalWaits = p.restWaits.filter((wait) => wait.global).length;
    console.log(`\n/dota ${name} ×${CONCURRENCY} (cached charts)`);
    console.log(`  ack     ${spread(result.ack)}  (p99 ×${(ackP99 / baselineP99).toFixed(1)} baseline)`);
    console.log(
      `  answer  ${spread(result.answer)}  (p99 ×${(answerP99 / baselineP99).toFixed(1)} baseline)`,
    );
    console.log(
      `  inside: command.run ${spread(p.run)}; edit PATCH ${spread(p.patch)}; ` +
        `${p.queries} queries (${ms(p.queryMs / Math.max(1, p.queries))} ms mean, ${(p.queries / CONCURRENCY).toFixed(1)} per command)`,
    );
    console.log(
      `  edits carry ${(result.editBytes / CONCURRENCY / 1024).toFixed(0)} KiB of charts each; ` +
        `discord.js REST held ${p.restWaits.length} requests on its own limits (${globalWaits} global, ` +
        `longest ${ms(Math.max(0, ...p.restWaits.map((wait) => wait.ms)))} ms)`,
    );
    console.log(
      `  burst wall ${ms(run.elapsed)} ms; this process used ${ms(run.cpuMs)} ms CPU, event loop ${(run.loopBusy * 100).toFixed(0)}% busy`,
    );
    // One event loop serves every interaction: the last answer waits for nearly all the others' work.
    console.log(
      `  queueing: the event loop worked ${ms(run.loopActiveMs)} ms for these ${CONCURRENCY} interactions ` +
        `(${ms(run.loopActiveMs / CONCURRENCY)} ms each), next to an answer p99 of ${ms(answerP99)} ms`,
    );
    if (result.failures.length > 0)
      console.log(`  FAILURES ${result.failures.length}: ${[...new Set(result.failures)].join('; ')}`);
    if (p.warnings.length > 0)
      console.log(`  log warnings/errors: ${[...new Set(p.warnings)].slice(0, 5).join('; ')}`);
  }

  const all = names.flatMap((name) => measured[name].result);
  const answers = all.flatMap((result) => result.answer);
  const acks = all.flatMap((result) => result.ack);
  const failures = all.reduce((sum, result) => sum + result.failures.length, 0);
  const p99 = percentile(answers, 0.99);
  console.log(
    `\ngoal: answer p99 ≤ ${GOAL_P99_MS} ms: ${p99 <= GOAL_P99_MS ? 'met' : 'NOT met'} (${ms(p99)} ms over ${answers.length} interactions); ` +
      `background jobs queued by the commands: ${enqueued()}`,
  );
  console.log(
    `RESULT commands p50_ms=${ms(percentile(answers, 0.5))} p99_ms=${ms(p99)} ` +
      `ack_p50_ms=${ms(percentile(acks, 0.5))} ack_p99_ms=${ms(percentile(acks, 0.99))} ` +
      names
        .map(
          (name) =>
            `${name}_p50_ms=${ms(percentile(measured[name].result.answer, 0.5))} ${name}_p99_ms=${ms(percentile(measured[name].result.answer, 0.99))}`,
        )
        .join(' ') +
      ` baseline_p50_ms=${ms(baselineP50)} baseline_p99_ms=${ms(baselineP99)} failures=${failures}`,
  );
} finally {
  if (discord?.connected) discord.send({ kind: 'stop' });
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await db?.destroy();
  if (admin) {
    await admin.raw(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch(() => undefined);
    await admin.destroy();
  }
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
}
