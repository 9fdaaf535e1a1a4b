// Fault row: the worker's own Postgres restarts mid-ingest; the service recovers by itself and loses nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AGENDA_TABLE } from '../migrations/20261128_0002_agenda.js';
import { startService, type Service } from '../src/bin/service.js';
import { startDiscordStandin, type DiscordStandin } from '../src/fakes/discord-standin.server.js';
import { defaultDataDir, startValveReplay, type ValveReplay } from '../src/fakes/valve-replay.server.js';
import { loadReplayData, type PoolMatch } from '../src/fakes/valve-replay/data.js';
import { ANONYMOUS_ACCOUNT_ID } from '../src/ingest/steam/steam-ids.js';
import { createLogger } from '../src/log.js';
import { jobRuns } from '../src/observability/metrics.js';
import { createDb, type Db } from '../src/store/db.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/store/embedded-postgres.js';
import { migrateLatest } from '../src/store/migrate.js';
import { trackPlayer } from '../src/store/players.repo.js';
import { serviceConfig, serviceEnv } from '../test/support/service-harness.js';
import { faultRow } from './support/fault-row.js';

const row = faultRow('postgres restart');

/** Per Valve call: most of a running job's time is then spent waiting on Valve, between database writes. */
const VALVE_LATENCY_MS = 120;
/** Ingest is under way but far from done when Postgres goes. */
const STORED_BEFORE_OUTAGE = 10;
/** Jobs holding a lock when Postgres goes: the ones a lost lock or a lost outcome would strand. */
const LOCKED_BEFORE_OUTAGE = 2;
/** Long enough for several readiness probes and for jobs to fail and wait on it, short of any lock expiry. */
const DOWN_FOR_MS = 4_000;
const PROBE_EVERY_MS = 250;

const publicAccounts = (match: PoolMatch): Set<number> =>
  new Set(match.players.map((player) => player.account_id).filter((id) => id !== ANONYMOUS_ACCOUNT_ID));

/**
 * The fewest players whose histories reach every shipped match with a public player (greedy cover), and the
 * matches they reach: the 5 others have only anonymous players and no team or league, which ingest never keeps.
 */
function playersReachingEveryMatch(matches: readonly PoolMatch[]): {
  players: number[];
  reached: PoolMatch[];
} {
  const reached = matches.filter((match) => publicAccounts(match).size > 0);
  const unreached = new Set(reached);
  const players: number[] = [];
  while (unreached.size > 0) {
    const reach = new Map<number, number>();
    for (const match of unreached)
      for (const id of publicAccounts(match)) reach.set(id, (reach.get(id) ?? 0) + 1);
    const [best] = [...reach].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [];
    if (best === undefined) break;
    players.push(best);
    for (const match of unreached) if (publicAccounts(match).has(best)) unreached.delete(match);
  }
  return { players, reached };
}

/** The worker's log at warn and above, counted by message: what the outage did inside it, as figures. */
function countingLogger() {
  const byMessage = new Map<string, number>();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const { msg } = JSON.parse(line) as { msg: string };
        byMessage.set(msg, (byMessage.get(msg) ?? 0) + 1);
      }
      done();
    },
  });
  return { log: createLogger('warn', destination), count: (msg: string) => byMessage.get(msg) ?? 0 };
}

/** Job runs so far by outcome (ok, retry, rate_limited, dead_letter), all job names together. */
async function jobRunsByOutcome(): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const { labels, value } of (await jobRuns.get()).values) {
    const outcome = String(labels.outcome);
    totals[outcome] = (totals[outcome] ?? 0) + value;
  }
  return totals;
}

async function count(query: Promise<{ count: string | number }[]>): Promise<number> {
  const [result] = await query;
  return Number(result?.count ?? 0);
}

const lockedJobs = (db: Db) => count(db(AGENDA_TABLE).whereNotNull('locked_at').count('* as count'));

/** One-off jobs still due or waiting out a retry, and any job still locked: work not yet done. */
const outstandingJobs = (db: Db) =>
  count(
    db(AGENDA_TABLE)
      .whereRaw('(repeat_interval IS NULL AND next_run_at IS NOT NULL) OR locked_at IS NOT NULL')
      .count('* as count'),
  );

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe('postgres restart', () => {
  let dataDir: string;
  let postgres: EmbeddedDatabase | undefined;
  let db: Db;
  let valve: ValveReplay;
  let discord: DiscordStandin;
  let worker: Service | undefined;
  const processFaults: unknown[] = [];
  const recordProcessFault = (error: unknown) => processFaults.push(error);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ddd-fault-pg-'));
    postgres = await startEmbeddedPostgres(dataDir);
    db = createDb(postgres.url);
    await migrateLatest(db);
    valve = await startValveReplay();
    discord = await startDiscordStandin();
    // Vitest fails the run on either as well; counting them here puts the figure in the row.
    process.on('unhandledRejection', recordProcessFault);
    process.on('uncaughtException', recordProcessFault);
  });

  afterAll(async () => {
    // One by one and settled: a row that failed mid-outage leaves a worker that cannot reach its database.
    await Promise.allSettled([worker?.stop(0)]);
    await Promise.allSettled([db?.destroy(), valve?.close(), discord?.close(), postgres?.stop()]);
    await rm(dataDir, { recursive: true, force: true });
    process.off('unhandledRejection', recordProcessFault);
    process.off('uncaughtException', recordProcessFault);
  });

  it('when Postgres restarts mid-ingest, then the worker stays up, is ready again by itself and stores every match once', async () => {
    if (!postgres) throw new Error('beforeAll did not start Postgres');
    const { url } = postgres;
    const port = Number(new URL(url).port);
    const shipped = (await loadReplayData(defaultDataDir())).matches;
    const { players, reached } = playersReachingEveryMatch(shipped);
    for (const accountId of players) await trackPlayer(db, accountId);
    valve.setFaults('GetMatchHistory', { latencyMs: VALVE_LATENCY_MS });
    valve.setFaults('GetMatchHistoryBySequenceNum', { latencyMs: VALVE_LATENCY_MS });
    const { log, count: logged } = countingLogger();
    const runsBefore = await jobRunsByOutcome();

    // One poll, at start-up: had a job been lost to the outage, no later poll would queue its match again and
    // paper over the loss. Sequence calls are paced 50 ms apart instead of Valve's 5 s.
    const config = serviceConfig(
      serviceEnv(url, valve, discord, {
        INGEST_MODE: 'polling',
        PLAYER_POLL_INTERVAL: '1 hour',
        STEAM_SEQUENCE_SECONDS_PER_CALL: '0.05',
      }),
      'worker',
    );
    const startedAt = Date.now();
    worker = await startService(config, log, { role: 'worker' });
    const service = worker;
    const get = (path: string) => fetch(`http://127.0.0.1:${service.http.port}${path}`);
    row.did(
      `started its own Postgres 17 on 127.0.0.1:${port}, tracked ${players.length} players (their histories ` +
        `reach ${reached.length} of the ${shipped.length} shipped matches), Valve replay at +${VALVE_LATENCY_MS} ms ` +
        `a call, and an in-process worker (startService, role worker) polling them once`,
    );

    const atOutage = await vi.waitFor(
      async () => {
        const stored = await count(db('matches').count('* as count'));
        const locked = await lockedJobs(db);
        if (stored < STORED_BEFORE_OUTAGE || locked < LOCKED_BEFORE_OUTAGE)
          throw new Error(`${stored} matches stored, ${locked} jobs locked`);
        return { stored, locked, valveAnswers: valve.requests.length };
      },
      { timeout: 40_000, interval: 25 },
    );
    await postgres.stop();
    postgres = undefined;
    const downAt = Date.now();
    expect(atOutage.stored).toBeLessThan(reached.length);
    row.did(
      `stopped Postgres (SIGINT: fast shutdown, every connection cut) ${seconds(downAt - startedAt)} into ingest, ` +
        `with ${atOutage.stored}/${reached.length} matches stored, ${atOutage.locked} jobs locked, ` +
        `${atOutage.valveAnswers} Valve requests answered`,
    );

    const statuses = { healthz: new Map<number, number>(), readyz: new Map<number, number>() };
    const readyBodies = new Set<string>();
    const tally = (probe: Map<number, number>, status: number) =>
      probe.set(status, (probe.get(status) ?? 0) + 1);
    while (Date.now() - downAt < DOWN_FOR_MS) {
      tally(statuses.healthz, (await get('/healthz')).status);
      const ready = await get('/readyz');
      tally(statuses.readyz, ready.status);
      readyBodies.add(await ready.text());
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
    expect([...statuses.healthz.keys()]).toEqual([200]);
    expect([...statuses.readyz.keys()]).toEqual([503]);
    expect([...readyBodies].map((body) => JSON.parse(body) as unknown)).toEqual([
      { ready: false, checks: { accepting_work: true, database: false, scheduler: true, fonts: true } },
    ]);
    row.checked(
      `down ${seconds(Date.now() - downAt)}: /healthz 200 ×${statuses.healthz.get(200)}, ` +
        `/readyz 503 ×${statuses.readyz.get(503)}, every one { database: false } with scheduler and fonts true`,
    );

    postgres = await startEmbeddedPostgres(dataDir, { port });
    const upAt = Date.now();
    row.did(
      `restarted Postgres on the same port ${port}, same data dir, after ${seconds(upAt - downAt)} down`,
    );

    await vi.waitFor(
      async () => {
        const ready = await get('/readyz');
        if (ready.status !== 200) throw new Error(`/readyz ${ready.status}: ${await ready.text()}`);
      },
      { timeout: 20_000, interval: 100 },
    );
    row.checked(
      `/readyz 200 again ${seconds(Date.now() - upAt)} after the restart, the worker never restarted`,
    );

    await vi.waitFor(
      async () => {
        const stored = await count(db('matches').count('* as count'));
        const outstanding = await outstandingJobs(db);
        if (stored < reached.length || outstanding > 0)
          throw new Error(`${stored}/${reached.length} matches stored, ${outstanding} jobs outstanding`);
      },
      // Well inside the 10-minute lock lifetime: no job may wait for a lock left by the outage to expire.
      { timeout: 60_000, interval: 250 },
    );
    const doneAt = Date.now();

    const matchRows = await db('matches')
      .select<{ match_id: number; match_seq_num: number }[]>('match_id', 'match_seq_num')
      .orderBy('match_id');
    expect(matchRows).toEqual(
      reached
        .map(({ match_id, match_seq_num }) => ({ match_id, match_seq_num }))
        .sort((a, b) => a.match_id - b.match_id),
    );
    const playerRows = await db('match_players')
      .select<{ match_id: number; player_slot: number; hero_id: number }[]>(
        'match_id',
        'player_slot',
        'hero_id',
      )
      .orderBy(['match_id', 'player_slot']);
    const shippedPlayers = reached
      .flatMap((match) =>
        match.players.map(({ player_slot, hero_id }) => ({ match_id: match.match_id, player_slot, hero_id })),
      )
      .sort((a, b) => a.match_id - b.match_id || a.player_slot - b.player_slot);
    expect(playerRows).toEqual(shippedPlayers);
    row.checked(
      `ingest complete ${seconds(doneAt - upAt)} after the restart (${seconds(doneAt - startedAt)} in all): ` +
        `${matchRows.length}/${reached.length} matches stored, each once with its shipped match_seq_num, and ` +
        `${playerRows.length} player rows, each match's ${shippedPlayers.length / reached.length} slots and heroes as shipped; ` +
        `no job left due or locked`,
    );

    const runsAfter = await jobRunsByOutcome();
    const runs = (outcome: string) => (runsAfter[outcome] ?? 0) - (runsBefore[outcome] ?? 0);
    const deadLetters = await count(db('dead_letters').count('* as count'));
    expect(deadLetters).toBe(0);
    expect(runs('dead_letter')).toBe(0);
    // Jobs cut off by the outage either failed (Postgres errors are transient: retried with backoff) or waited
    // to record their state; either way the outage reached some.
    const stateWritesRetried = logged('job state not saved, database unreachable: will retry');
    expect(runs('retry') + stateWritesRetried).toBeGreaterThan(0);
    row.checked(
      `job runs: ${runs('ok')} ok, ${runs('retry')} failed on the outage and retried (transient), ` +
        `${runs('dead_letter')} dead-lettered; ${stateWritesRetried} retries of job-state writes while it was down; ` +
        `dead_letters table: ${deadLetters} rows`,
    );

    // Agenda's LISTEN connection is the one that sat idle through the outage: back, and only once.
    const listeners = await count(
      db('pg_stat_activity').where('query', 'like', 'LISTEN%').count('* as count'),
    );
    expect(listeners).toBe(1);
    expect(service.runtime.scheduler.isRunning()).toBe(true);
    expect(processFaults).toEqual([]);
    row.checked(
      `Agenda's LISTEN connection back (${listeners} in pg_stat_activity), scheduler running, ` +
        `${logged('job notification channel error')} notification-channel errors and ` +
        `${logged('scheduler error')} scheduler errors logged and survived, ` +
        `${processFaults.length} unhandled rejections or uncaught exceptions`,
    );
  });
});
