// Fault row "valve storm": a worker rides out a minute of 429s, 5xx, HTML, truncated JSON and timeouts from Valve.
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startService, type Service } from '../src/bin/service.js';
import { startDiscordStandin } from '../src/fakes/discord-standin.server.js';
import {
  startValveReplay,
  type EndpointFaults,
  type EndpointName,
  type EndpointStats,
  type ValveReplay,
} from '../src/fakes/valve-replay.server.js';
import { defaultDataDir, loadReplayData, type PoolMatch } from '../src/fakes/valve-replay/data.js';
import { ENDPOINT_NAMES } from '../src/fakes/valve-replay/routes.js';
import { heroesJob } from '../src/ingest/jobs/heroes.job.js';
import type { AnyJobDefinition } from '../src/ingest/jobs/job.js';
import { leaguesJob } from '../src/ingest/jobs/leagues.job.js';
import { matchSeqJob } from '../src/ingest/jobs/match-seq.job.js';
import { playerHistoryJob } from '../src/ingest/jobs/player-history.job.js';
import { playerSummariesJob } from '../src/ingest/jobs/player-summaries.job.js';
import { teamInfoJob } from '../src/ingest/jobs/team-info.job.js';
import { ANONYMOUS_ACCOUNT_ID } from '../src/ingest/steam/steam-ids.js';
import { createLogger } from '../src/log.js';
import type { Db } from '../src/store/db.js';
import { openDeadLetters, type DeadLetterRow } from '../src/store/dead-letters.repo.js';
import { trackPlayer } from '../src/store/players.repo.js';
import { collectStatus } from '../src/store/status.repo.js';
import { serviceConfig, serviceEnv } from '../test/support/service-harness.js';
import { createTestDatabase } from '../test/support/test-db.js';
import { countBy } from './support/count-by.js';
import { faultRow } from './support/fault-row.js';
import { until } from './support/until.js';

const STORM_SECONDS = Number(process.env.FAULT_STORM_SECONDS ?? 60);
/** Our STEAM_REQUESTS_PER_SECOND: low enough that a loaded 2-core machine still reaches it. */
const CONFIGURED_RATE = 20;
const STEAM_TIMEOUT_MS = 1_000;
/** createSteamRequest's default attempts per call, for non-429 failures and for 429s each; openRuntime sets none. */
const STEAM_MAX_ATTEMPTS = 4;
/** JOB_MAX_RETRIES for the row: one retry, so a minute of storm exhausts jobs and dead letters show. */
const JOB_MAX_RETRIES = 1;
/** Runs a job may fail before it is dead-lettered. */
const JOB_MAX_RUNS = JOB_MAX_RETRIES + 1;
/** The shipped 100-match sequence page (json_files/steam/godoto_…_100matches.json) starts here. */
const SEQUENCE_PAGE_START = 4151934576;
const PAGE_SIZE = 100;
/** Matches per page job: a page is stored in one transaction, so a chunk is stored whole or not at all. */
const CHUNK_SIZE = 10;
/** Chunks ingested before the storm, so that the baseline rate is measured on the same kind of work. */
const CALM_CHUNKS = 2;
/** How often page jobs are queued for chunks still missing a match and with no job pending. */
const PAGE_REDRIVE_MS = 2_000;
/** History checks kept due or running: more than the job's concurrency, so the key pool, not the queue, limits. */
const HISTORY_QUEUE_DEPTH = 8;
const RATE_WINDOW_MS = 4_000;
/** Share of the baseline rate that counts as full rate again: loose, for a loaded 2-core machine. */
const FULL_RATE_SHARE = 0.75;

/**
 * What Valve serves every endpoint during the storm: 429 with Retry-After for a key faster than a quarter of our
 * rate, and 60 % of the other answers broken (500/503, an HTML page with status 200, half a JSON body).
 */
const STORM: EndpointFaults = {
  ratePerSecondPerKey: CONFIGURED_RATE / 4,
  serverErrorRatio: 0.3,
  htmlErrorRatio: 0.15,
  truncatedRatio: 0.15,
};
/**
 * One endpoint is down for the whole storm (every answer a 500 or 503): the team-info job queued during it must
 * run out of retries, so a dead letter shows however the random mix falls elsewhere.
 */
const DOWN_ENDPOINT: EndpointName = 'GetTeamInfoByTeamID';
const DOWN: EndpointFaults = { ratePerSecondPerKey: STORM.ratePerSecondPerKey, serverErrorRatio: 1 };
/** Seconds 3 to 6 of every ten, every answer comes later than our timeout: the client gives up on each. */
const TIMEOUT_SPELL = { everySeconds: 10, fromSecond: 3, lastsSeconds: 3, latencyMs: STEAM_TIMEOUT_MS + 500 };

/**
 * The replay's fault draws: 20 evenly spaced values in a fixed scrambled order, so every 20 answers that pass
 * the rate limit carry exactly the storm's mix, and each kind shows within the first few.
 */
function evenFaultDraws(): () => number {
  const order = [7, 15, 2, 11, 18, 4, 13, 0, 9, 16, 5, 19, 1, 12, 8, 17, 3, 10, 14, 6];
  let next = 0;
  return () => (order[next++ % order.length]! + 0.5) / order.length;
}

/** A slice of the shipped page, fetched and stored by one `ingest.match-seq` job. */
interface PageChunk {
  start: number;
  matchIds: number[];
}

interface LogRecord {
  msg?: string;
  failures?: number;
  rateLimited?: number;
}

/** The service's log lines as records: retries are counted from what the worker itself reports. */
function captureLogRecords() {
  const records: LogRecord[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { records, log: createLogger('info', stream) };
}

/** How long `check` took to hold (polled by `until`); fails naming `what` at the deadline. */
async function timeUntil(what: string, deadlineMs: number, check: () => Promise<boolean>): Promise<number> {
  const began = performance.now();
  await until(check, Boolean, deadlineMs).catch((error: Error) => {
    throw new Error(`${what}: ${error.message}`);
  });
  return performance.now() - began;
}

/** Runs `step` over and over until stopped; `stop` waits for the step under way. */
function repeatUntilStopped(step: () => Promise<void>, pauseMs: number) {
  let running = true;
  const loop = (async () => {
    while (running) {
      await step();
      await sleep(pauseMs);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

async function storedCount(db: Db, matchIds: readonly number[]): Promise<number> {
  const row = await db('matches')
    .whereIn('match_id', matchIds)
    .count<{ count: string }>('* as count')
    .first();
  return Number(row?.count ?? 0);
}

/** Sequence numbers of page jobs not finished yet: queued, running, or waiting for a retry. */
async function pendingPageStarts(db: Db): Promise<Set<number>> {
  const rows = await db('agenda_jobs')
    .where({ name: matchSeqJob.name })
    .whereRaw('(next_run_at IS NOT NULL OR locked_at IS NOT NULL)')
    .select<{ start: string }[]>(db.raw(`data->>'start_at_match_seq_num' AS start`));
  return new Set(rows.map((row) => Number(row.start)));
}

/**
 * The work that makes the worker call Valve, queued as pollers queue it: `HISTORY_QUEUE_DEPTH` history checks kept
 * due or running (round-robin over the tracked accounts), and a page job for every chunk still missing a match
 * that has none pending. The periodic player poll does the former every PLAYER_POLL_INTERVAL, but would pile up a
 * backlog while Valve is slow; page jobs are what `ddd ingest` queues, and the only way to the page's five
 * all-anonymous matches, which no player's history lists.
 */
function driveIngest(service: Service, db: Db) {
  const accounts: number[] = [];
  const chunks: PageChunk[] = [];
  let nextAccount = 0;
  let pagesDrivenAt = -Infinity;
  const enqueued = { historyChecks: 0, pageJobs: 0 };
  const { enqueue } = service.runtime.scheduler;
  const stop = repeatUntilStopped(async () => {
    const queue = (await collectStatus(db)).queues.find((q) => q.name === playerHistoryJob.name);
    let pending = (queue?.due ?? 0) + (queue?.running ?? 0);
    while (accounts.length > 0 && pending < HISTORY_QUEUE_DEPTH) {
      await enqueue(playerHistoryJob, { account_id: accounts[nextAccount++ % accounts.length]! });
      enqueued.historyChecks += 1;
      pending += 1;
    }
    if (performance.now() - pagesDrivenAt < PAGE_REDRIVE_MS) return;
    pagesDrivenAt = performance.now();
    const pendingStarts = await pendingPageStarts(db);
    for (const chunk of chunks) {
      if (pendingStarts.has(chunk.start) || (await storedCount(db, chunk.matchIds)) === chunk.matchIds.length)
        continue;
      await enqueue(matchSeqJob, {
        start_at_match_seq_num: chunk.start,
        matches_requested: chunk.matchIds.length,
      });
      enqueued.pageJobs += 1;
    }
  }, 100);
  return {
    add(more: { accounts: readonly number[]; chunks: readonly PageChunk[] }) {
      accounts.push(...more.accounts);
      chunks.push(...more.chunks);
      pagesDrivenAt = -Infinity;
    },
    enqueued: () => ({ ...enqueued }),
    stop,
  };
}

/** Requests Valve answered per second over the next `windowMs`. */
async function requestRate(valve: ValveReplay, windowMs: number): Promise<number> {
  const before = valve.requests.length;
  const began = performance.now();
  await sleep(windowMs);
  return ((valve.requests.length - before) * 1000) / (performance.now() - began);
}

/** GETs /healthz every half second until stopped, keeping every answer that was not a 200. */
function watchHealth(port: number) {
  let checks = 0;
  const failures: string[] = [];
  const stop = repeatUntilStopped(async () => {
    checks += 1;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status !== 200) failures.push(`HTTP ${response.status}`);
    } catch (error) {
      failures.push(String(error));
    }
  }, 500);
  return {
    stop: async () => {
      await stop();
      return { checks, failures };
    },
  };
}

/** Puts the storm on every endpoint and switches the timeout spells on and off until stopped. */
function startStorm(valve: ValveReplay) {
  const began = performance.now();
  let spells = 0;
  let inSpell: boolean | undefined;
  const weather = () => {
    const second = Math.floor((performance.now() - began) / 1000) % TIMEOUT_SPELL.everySeconds;
    const spell =
      second >= TIMEOUT_SPELL.fromSecond && second < TIMEOUT_SPELL.fromSecond + TIMEOUT_SPELL.lastsSeconds;
    if (spell === inSpell) return;
    inSpell = spell;
    if (spell) spells += 1;
    for (const endpoint of ENDPOINT_NAMES) {
      const faults = endpoint === DOWN_ENDPOINT ? DOWN : STORM;
      valve.setFaults(endpoint, spell ? { ...faults, latencyMs: TIMEOUT_SPELL.latencyMs } : faults);
    }
  };
  weather();
  const timer = setInterval(weather, 100);
  return {
    spells: () => spells,
    stop: () => {
      clearInterval(timer);
      for (const endpoint of ENDPOINT_NAMES) valve.setFaults(endpoint, {});
    },
  };
}

type Served = Partial<Record<EndpointName, EndpointStats>>;

/** Answers by outcome between two `stats()` snapshots, summed over the endpoints, and answers per endpoint. */
function servedBetween(before: Served, after: Served) {
  const byOutcome: Partial<Record<keyof EndpointStats, number>> = {};
  const byEndpoint: Partial<Record<EndpointName, number>> = {};
  for (const endpoint of ENDPOINT_NAMES) {
    for (const [outcome, count] of Object.entries(after[endpoint] ?? {}) as [keyof EndpointStats, number][]) {
      const served = count - (before[endpoint]?.[outcome] ?? 0);
      if (served === 0) continue;
      byOutcome[outcome] = (byOutcome[outcome] ?? 0) + served;
      byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + served;
    }
  }
  return { byOutcome, byEndpoint };
}

/** Sum of a Prometheus metric over the series whose labels contain `labels`. */
function metricValue(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const series = /^([a-z_]+)(\{.*\})? (\S+)$/.exec(line);
    if (series?.[1] === name && (series[2] ?? '').includes(labels)) sum += Number(series[3]);
  }
  return sum;
}

/** Every stored match against the shipped one: same sequence number and start, and exactly its players. */
async function storedMatchProblems(db: Db, shipped: ReadonlyMap<number, PoolMatch>): Promise<string[]> {
  const problems: string[] = [];
  const matches = await db('matches').select<{ match_id: number; match_seq_num: number; start_time: Date }[]>(
    'match_id',
    'match_seq_num',
    'start_time',
  );
  const players = await db('match_players').select<
    { match_id: number; player_slot: number; hero_id: number; account_id: number | null }[]
  >('match_id', 'player_slot', 'hero_id', 'account_id');
  const playersOf = new Map<number, string[]>();
  for (const player of players) {
    const account = player.account_id ?? ANONYMOUS_ACCOUNT_ID;
    playersOf.set(player.match_id, [
      ...(playersOf.get(player.match_id) ?? []),
      `${player.player_slot}:${player.hero_id}:${account}`,
    ]);
  }
  for (const match of matches) {
    const original = shipped.get(match.match_id);
    if (!original) {
      problems.push(`match ${match.match_id} was never shipped`);
      continue;
    }
    if (
      match.match_seq_num !== original.match_seq_num ||
      match.start_time.getTime() !== original.start_time * 1000
    )
      problems.push(`match ${match.match_id}: sequence number or start differs from the shipped match`);
    const expected = original.players.map((p) => `${p.player_slot}:${p.hero_id}:${p.account_id}`).sort();
    const stored = (playersOf.get(match.match_id) ?? []).sort();
    if (stored.join() !== expected.join())
      problems.push(
        `match ${match.match_id}: ${stored.length} player rows unlike the shipped ${expected.length}`,
      );
  }
  const storedIds = new Set(matches.map((match) => match.match_id));
  for (const matchId of playersOf.keys())
    if (!storedIds.has(matchId)) problems.push(`player rows without their match ${matchId}`);
  return problems;
}

/** Jobs that failed their last allowed run, as `job entity`: each must have a dead letter. */
async function exhaustedJobs(db: Db, service: Service): Promise<string[]> {
  const rows = await db('agenda_jobs')
    .where('fail_count', '>=', JOB_MAX_RUNS)
    .select<{ name: string; data: unknown }[]>('name', 'data');
  return rows.map((row) => {
    const definition = service.runtime.jobs.find((job) => job.name === row.name);
    return `${row.name} ${definition ? definition.entity(definition.assertData(row.data)) : '?'}`;
  });
}

const oneDecimal = (value: number) => Number(value.toFixed(1));
const twoDecimals = (value: number) => Number(value.toFixed(2));
const percent = (ratio = 0) => `${Math.round(ratio * 100)} %`;

describe('fault: valve storm', () => {
  it(
    'when Valve storms, then retries stay bounded, the pool slows down, dead letters show, nothing broken is stored, and ingest resumes at full rate',
    async () => {
      const row = faultRow('valve storm');
      const shipped = new Map((await loadReplayData(defaultDataDir())).matches.map((m) => [m.match_id, m]));
      // Pool matches are in sequence order: the replay serves the page as the 100 from its first sequence number.
      const page = [...shipped.values()]
        .filter((match) => match.match_seq_num >= SEQUENCE_PAGE_START)
        .slice(0, PAGE_SIZE);
      const pageIds = page.map((match) => match.match_id);
      const chunks: PageChunk[] = [];
      for (let i = 0; i < page.length; i += CHUNK_SIZE) {
        const slice = page.slice(i, i + CHUNK_SIZE);
        chunks.push({ start: slice[0]!.match_seq_num, matchIds: slice.map((match) => match.match_id) });
      }
      // A tracked player in each match that names one: their history checks find it too, racing the page jobs.
      const accountsIn = (matches: readonly PoolMatch[]) =>
        matches.flatMap(
          (match) => match.players.find((p) => p.account_id !== ANONYMOUS_ACCOUNT_ID)?.account_id ?? [],
        );
      const calmIds = pageIds.slice(0, CALM_CHUNKS * CHUNK_SIZE);

      const test = await createTestDatabase();
      const valve = await startValveReplay({ random: evenFaultDraws() });
      const discord = await startDiscordStandin();
      const { records, log } = captureLogRecords();
      const crashes: unknown[] = [];
      const onCrash = (error: unknown) => crashes.push(error);
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      const cleanup: (() => unknown)[] = [];
      try {
        const env = serviceEnv(test.url, valve, discord, {
          STEAM_REQUESTS_PER_SECOND: String(CONFIGURED_RATE),
          // Valve's one sequence call per 5 s per key would cap page fetches far below the rate under test.
          STEAM_SEQUENCE_SECONDS_PER_CALL: String(1 / CONFIGURED_RATE),
          STEAM_TIMEOUT_MS: String(STEAM_TIMEOUT_MS),
          JOB_MAX_RETRIES: String(JOB_MAX_RETRIES),
        });
        const worker = await startService(serviceConfig(env, 'worker'), log, { role: 'worker' });
        cleanup.push(() => worker.stop(0));
        const metrics = async () => (await fetch(`http://127.0.0.1:${worker.http.port}/metrics`)).text();
        const health = watchHealth(worker.http.port);
        cleanup.push(health.stop);
        const driver = driveIngest(worker, test.db);
        cleanup.push(driver.stop);

        // Calm: the first chunks of the page, then the rate the worker reaches on history checks.
        const calmAccounts = accountsIn(page.slice(0, calmIds.length));
        for (const accountId of calmAccounts) await trackPlayer(test.db, accountId);
        driver.add({ accounts: calmAccounts, chunks: chunks.slice(0, CALM_CHUNKS) });
        const calmMs = await timeUntil(
          'ingest before the storm',
          30_000,
          async () => (await storedCount(test.db, calmIds)) === calmIds.length,
        );
        const baselineRate = await requestRate(valve, RATE_WINDOW_MS);
        row.did(
          `calm: worker at STEAM_REQUESTS_PER_SECOND=${CONFIGURED_RATE}, STEAM_TIMEOUT_MS=${STEAM_TIMEOUT_MS}; ${calmAccounts.length} players tracked and ${CALM_CHUNKS} page jobs: ${calmIds.length} page matches stored in ${oneDecimal(calmMs / 1000)} s; baseline ${oneDecimal(baselineRate)} requests/s over ${RATE_WINDOW_MS / 1000} s`,
        );

        // Storm: the rest of the page to fetch and every completion job queued, while Valve is broken.
        const servedBefore = valve.stats();
        const requestsBefore = valve.requests.length;
        const metricsBefore = await metrics();
        const logsBefore = records.length;
        const storm = startStorm(valve);
        cleanup.push(storm.stop);
        const stormBegan = performance.now();
        const stormAccounts = accountsIn(page.slice(calmIds.length));
        for (const accountId of stormAccounts) await trackPlayer(test.db, accountId);
        driver.add({ accounts: stormAccounts, chunks: chunks.slice(CALM_CHUNKS) });
        const completionJobs: AnyJobDefinition[] = [heroesJob, leaguesJob, teamInfoJob, playerSummariesJob];
        for (const job of completionJobs) await worker.runtime.scheduler.enqueue(job, {});
        await sleep(Math.max(0, STORM_SECONDS * 1000 - (performance.now() - stormBegan)));
        const stormSeconds = (performance.now() - stormBegan) / 1000;
        const stormRequests = valve.requests.length - requestsBefore;
        const served = servedBetween(servedBefore, valve.stats());
        const metricsAfter = await metrics();
        const delta = (name: string, labels: string) =>
          metricValue(metricsAfter, name, labels) - metricValue(metricsBefore, name, labels);
        const timeouts = delta('ddd_steam_requests_total', 'status="0"');
        const jobOutcomes = Object.fromEntries(
          ['ok', 'retry', 'rate_limited', 'dead_letter'].map((outcome) => [
            outcome,
            delta('ddd_job_runs_total', `outcome="${outcome}"`),
          ]),
        );
        row.did(
          `storm: ${oneDecimal(stormSeconds)} s (FAULT_STORM_SECONDS=${STORM_SECONDS}) on all ${ENDPOINT_NAMES.length} endpoints (${DOWN_ENDPOINT} down throughout): 429 with Retry-After above ${STORM.ratePerSecondPerKey}/s per key, then ${percent(STORM.serverErrorRatio)} 500/503, ${percent(STORM.htmlErrorRatio)} HTML with 200, ${percent(STORM.truncatedRatio)} truncated JSON; timeout spells: ${storm.spells()} of ${TIMEOUT_SPELL.lastsSeconds} s answering after ${TIMEOUT_SPELL.latencyMs} ms; ${stormAccounts.length} more players tracked, ${completionJobs.length} completion jobs queued; driven so far ${JSON.stringify(driver.enqueued())}`,
        );
        row.did(
          `storm served ${stormRequests} requests, by outcome ${JSON.stringify(served.byOutcome)}, ${timeouts} client timeouts (status 0 in /metrics); by endpoint ${JSON.stringify(served.byEndpoint)}; job runs in /metrics ${JSON.stringify(jobOutcomes)}`,
        );
        // Every kind of fault was served (the draws make 500/503, HTML and truncation certain within a few answers).
        for (const kind of ['rateLimited', 'serverError', 'html', 'truncated'] as const)
          expect(served.byOutcome[kind] ?? 0, kind).toBeGreaterThan(0);
        expect(timeouts, 'client timeouts').toBeGreaterThan(0);

        // Bounded retries per call, from the worker's own "steam request retry" lines (counts before each retry).
        const stormLogs = records.slice(logsBefore);
        const callRetries = stormLogs.filter((record) => record.msg === 'steam request retry');
        const mostFailures = Math.max(0, ...callRetries.map((record) => record.failures ?? 0));
        const most429s = Math.max(0, ...callRetries.map((record) => record.rateLimited ?? 0));
        row.checked(
          `bounded retries per call: ${callRetries.length} retries, at most ${mostFailures} failures and ${most429s} 429s in one call before a retry (limit ${STEAM_MAX_ATTEMPTS} attempts of each, so ≤ ${STEAM_MAX_ATTEMPTS - 1} before a retry)`,
        );
        expect(mostFailures).toBeLessThanOrEqual(STEAM_MAX_ATTEMPTS - 1);
        expect(most429s).toBeLessThanOrEqual(STEAM_MAX_ATTEMPTS - 1);

        // Bounded retries per job, from Agenda's table: a 429 run keeps the failures its job was charged.
        const jobs = await test.db('agenda_jobs').select<{ fail_count: number | null }[]>('fail_count');
        const mostJobFailures = Math.max(0, ...jobs.map((job) => job.fail_count ?? 0));
        row.checked(
          `bounded retries per job: ${jobs.length} jobs, highest fail count ${mostJobFailures} (limit ${JOB_MAX_RUNS} runs); ${jobOutcomes.retry} failed runs retried, ${jobOutcomes.rate_limited} runs waiting out a 429`,
        );
        expect(mostJobFailures).toBeLessThanOrEqual(JOB_MAX_RUNS);

        // The pool slowed down on 429s instead of hammering: never above the configured rate.
        const stormRate = stormRequests / stormSeconds;
        row.checked(
          `pool slowed down: ${stormRequests} requests in ${oneDecimal(stormSeconds)} s = ${oneDecimal(stormRate)}/s, ${twoDecimals(stormRate / CONFIGURED_RATE)}× the configured ${CONFIGURED_RATE}/s (ceiling ${Math.round(CONFIGURED_RATE * stormSeconds)} requests)`,
        );
        expect(stormRequests).toBeLessThanOrEqual(CONFIGURED_RATE * stormSeconds);

        // Dead letters: a job that ran out of retries is listed (what `ddd jobs failed` prints) and counted in
        // /metrics, and a storm of transient faults never produces a "permanent" one. With the default 5 retries
        // (0–124 s of backoff in all) a minute of storm rarely exhausts a job; the row allows one retry.
        // A letter closes when a later run of the same entity succeeds (the drive re-queues players), so every
        // letter recorded counts; the gauge counts those still open.
        const letters = await test
          .db('dead_letters')
          .select<(DeadLetterRow & { resolved_at: Date | null })[]>('*');
        const open = letters.filter((letter) => letter.resolved_at === null);
        const gauge = metricValue(metricsAfter, 'ddd_dead_letters_open');
        const exhausted = await exhaustedJobs(test.db, worker);
        const lettered = new Set(letters.map((letter) => `${letter.job_name} ${letter.entity}`));
        const unlettered = exhausted.filter((job) => !lettered.has(job));
        row.checked(
          `dead letters visible: ${letters.length} recorded ${JSON.stringify(countBy(letters, (l) => `${l.job_name} ${l.kind} ${l.code} ×${l.attempts}`))}, ${open.length} still open = /metrics ddd_dead_letters_open ${gauge}; ${exhausted.length} jobs out of retries, ${unlettered.length} of them without a letter`,
        );
        expect(gauge).toBe(open.length);
        expect(letters.length).toBeGreaterThan(0);
        expect(unlettered).toEqual([]);
        expect(
          letters.filter((letter) => letter.kind !== 'exhausted' || letter.attempts < JOB_MAX_RUNS),
        ).toEqual([]);

        // Nothing broken stored: each stored match is the shipped one, whole.
        const stormProblems = await storedMatchProblems(test.db, shipped);
        row.checked(
          `no garbage stored: ${(await storedCount(test.db, pageIds)) - calmIds.length} more page matches stored during the storm, each compared with the shipped match: problems ${JSON.stringify(stormProblems)}`,
        );
        expect(stormProblems).toEqual([]);

        // Recovery: Valve heals; the queued work finds the rest of the page and the rate climbs back.
        storm.stop();
        const recoveryMs = await timeUntil(
          'ingest after the storm',
          40_000,
          async () => (await storedCount(test.db, pageIds)) === PAGE_SIZE,
        );
        // Calls caught in the storm finish their backoff (up to 4 s) or timeout first: the rate climbs back, then holds.
        const climbMs = await timeUntil(
          'request rate back to the baseline',
          20_000,
          async () => (await requestRate(valve, 1_000)) >= FULL_RATE_SHARE * baselineRate,
        );
        const recoveryRate = await requestRate(valve, RATE_WINDOW_MS);
        row.did(
          `recovery: faults cleared; the page was complete ${oneDecimal(recoveryMs / 1000)} s later, and a 1 s window reached ${FULL_RATE_SHARE}× the baseline rate ${oneDecimal(climbMs / 1000)} s after that; then ${oneDecimal(recoveryRate)} requests/s over ${RATE_WINDOW_MS / 1000} s`,
        );

        const finalProblems = await storedMatchProblems(test.db, shipped);
        const playerRows = await test
          .db('match_players')
          .whereIn('match_id', pageIds)
          .count<{ count: string }>('* as count')
          .first();
        row.checked(
          `ingest complete: ${await storedCount(test.db, pageIds)}/${PAGE_SIZE} page matches stored once, ${playerRows?.count} player rows, problems ${JSON.stringify(finalProblems)}`,
        );
        expect(await storedCount(test.db, pageIds)).toBe(PAGE_SIZE);
        expect(Number(playerRows?.count)).toBe(page.reduce((sum, match) => sum + match.players.length, 0));
        expect(finalProblems).toEqual([]);

        row.checked(
          `full rate again: ${oneDecimal(recoveryRate)} requests/s after recovery, ${twoDecimals(recoveryRate / baselineRate)}× the ${oneDecimal(baselineRate)}/s before the storm and ${twoDecimals(recoveryRate / CONFIGURED_RATE)}× the configured ${CONFIGURED_RATE}/s`,
        );
        expect(recoveryRate).toBeGreaterThanOrEqual(0.5 * baselineRate);

        const healthChecks = await health.stop();
        row.checked(
          `never crashed: ${healthChecks.checks} /healthz checks, ${healthChecks.failures.length} not 200; ${crashes.length} uncaught errors; scheduler running ${worker.runtime.scheduler.isRunning()}; dead letters still open after recovery ${(await openDeadLetters(test.db)).length}`,
        );
        expect(healthChecks.failures).toEqual([]);
        expect(crashes).toEqual([]);
        expect(worker.runtime.scheduler.isRunning()).toBe(true);
      } finally {
        for (const step of cleanup.reverse()) await step();
        process.off('uncaughtException', onCrash);
        process.off('unhandledRejection', onCrash);
        await discord.close();
        await valve.close();
        await test.drop();
      }
    },
    (STORM_SECONDS + 120) * 1000,
  );
});
