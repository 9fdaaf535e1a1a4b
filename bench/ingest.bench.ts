// Benchmarks sequence-page ingest (text → lossless parse → zod → storeMatches) against Postgres COPY of the same rows.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLosslessJson } from '../src/ingest/steam/lossless-json.js';
import { matchesBySeqResultSchema, type SteamMatch } from '../src/ingest/steam/steam.schemas.js';
import { createDb, type Db } from '../src/store/db.js';
import { startEmbeddedPostgres } from '../src/store/embedded-postgres.js';
import { storeMatches } from '../src/store/matches.repo.js';
import { migrateLatest } from '../src/store/migrate.js';
import { MATCH_COLUMNS, MATCH_PLAYER_COLUMNS, toCsv, toMatchRow, toPlayerRows } from './ingest-rows.js';

const WARM_UP = 2;
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? process.argv[2] ?? 30);
/** Added to match_id and match_seq_num per round, so every round inserts new rows (the page spans < 50,000). */
const ROUND_OFFSET = 10_000_000;
const PAGES = [
  'godoto_GetMatchHistoryBySequenceNum_100matches.json',
  'odota_GetMatchHistoryBySequenceNum.json',
].map((name) => ({ name, path: fileURLToPath(new URL(`../json_files/steam/${name}`, import.meta.url)) }));
const MAIN_PAGE = PAGES[0]!.name;

/** Where the statements of one storeMatches call spent their time, by target table. */
type StatementKind = 'players' | 'teams+leagues' | 'matches' | 'match_players' | 'other';

interface IngestSample {
  page: string;
  matches: number;
  players: number;
  readMs: number;
  parseMs: number;
  validateMs: number;
  offsetMs: number;
  dbMs: number;
  statements: Record<StatementKind, number>;
}

interface CopySample {
  page: string;
  matches: number;
  csvMs: number;
  copyMs: number;
}

const emptyStatements = (): Record<StatementKind, number> => ({
  players: 0,
  'teams+leagues': 0,
  matches: 0,
  match_players: 0,
  other: 0,
});

function statementKind(sql: string): StatementKind {
  // Case-insensitive and quotes optional: knex writes `insert into "t"`, a raw statement may say `INSERT INTO t`.
  const table = /^\s*insert\s+into\s+"?(\w+)"?/i.exec(sql)?.[1]?.toLowerCase();
  if (table === 'players' || table === 'matches' || table === 'match_players') return table;
  if (table === 'teams' || table === 'leagues') return 'teams+leagues';
  return 'other';
}

/** Times every builder statement from the moment knex hands it to pg until its response is processed. */
function statementTimer(db: Db): { take(): Record<StatementKind, number> } {
  let totals = emptyStatements();
  let current: { kind: StatementKind; start: number } | null = null;
  db.on('query', (query: { sql: string }) => {
    current = { kind: statementKind(query.sql), start: performance.now() };
  });
  db.on('query-response', () => {
    if (current) totals[current.kind] += performance.now() - current.start;
    current = null;
  });
  return {
    take() {
      const taken = totals;
      totals = emptyStatements();
      return taken;
    },
  };
}

function offsetMatches(matches: readonly SteamMatch[], offset: number): SteamMatch[] {
  return matches.map((match) => ({
    ...match,
    match_id: match.match_id + offset,
    match_seq_num: match.match_seq_num + offset,
  }));
}

async function ingestPage(
  db: Db,
  timer: ReturnType<typeof statementTimer>,
  page: (typeof PAGES)[number],
  offset: number,
): Promise<{ sample: IngestSample; matches: SteamMatch[] }> {
  const t0 = performance.now();
  const text = await readFile(page.path, 'utf8');
  const t1 = performance.now();
  const body = parseLosslessJson(text) as { result?: unknown };
  const t2 = performance.now();
  const result = matchesBySeqResultSchema.parse(body.result);
  const t3 = performance.now();
  const matches = offsetMatches(result.matches, offset);
  const t4 = performance.now();
  timer.take();
  const newIds = await db.transaction((trx) => storeMatches(trx, matches));
  const t5 = performance.now();
  if (newIds.length !== matches.length)
    throw new Error(`${page.name} +${offset}: stored ${newIds.length} of ${matches.length} matches as new`);
  const sample: IngestSample = {
    page: page.name,
    matches: matches.length,
    players: matches.reduce((sum, match) => sum + match.players.length, 0),
    readMs: t1 - t0,
    parseMs: t2 - t1,
    validateMs: t3 - t2,
    offsetMs: t4 - t3,
    dbMs: t5 - t4,
    statements: timer.take(),
  };
  return { sample, matches };
}

/** The same rows storeMatches writes, as CSV files the server reads with COPY, in one transaction. */
async function copyPage(
  db: Db,
  schema: string,
  csvDir: string,
  page: string,
  matches: readonly SteamMatch[],
): Promise<CopySample> {
  const t0 = performance.now();
  const matchFile = join(csvDir, 'matches.csv');
  const playerFile = join(csvDir, 'match_players.csv');
  const matchCsv = toCsv(matches.map(toMatchRow), MATCH_COLUMNS);
  const playerCsv = toCsv(matches.flatMap(toPlayerRows), MATCH_PLAYER_COLUMNS);
  // The server runs as its own OS user: the files must be world-readable.
  await writeFile(matchFile, matchCsv, { mode: 0o644 });
  await writeFile(playerFile, playerCsv, { mode: 0o644 });
  const t1 = performance.now();
  await db.transaction(async (trx) => {
    await trx.raw(
      `COPY ${schema}.matches (${MATCH_COLUMNS.join(', ')}) FROM '${matchFile}' WITH (FORMAT csv)`,
    );
    await trx.raw(
      `COPY ${schema}.match_players (${MATCH_PLAYER_COLUMNS.join(', ')}) FROM '${playerFile}' WITH (FORMAT csv)`,
    );
  });
  const t2 = performance.now();
  return { page, matches: matches.length, csvMs: t1 - t0, copyMs: t2 - t1 };
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]): number => sum(values) / values.length;
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const ms = (value: number): string => `${value.toFixed(2)} ms`;
const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(0)}%`;

async function openServer(dir: string): Promise<{ url: string; label: string; stop(): Promise<void> }> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: configured, label: 'DATABASE_URL', stop: () => Promise.resolve() };
  const embedded = await startEmbeddedPostgres(dir);
  return { url: embedded.url, label: `embedded Postgres in ${dir}`, stop: () => embedded.stop() };
}

const dataDir = await mkdtemp(join(tmpdir(), 'ddd-bench-ingest-'));
const csvDir = await mkdtemp(join(tmpdir(), 'ddd-bench-ingest-csv-'));
await chmod(csvDir, 0o755);
const databaseName = `ddd_bench_ingest_${process.pid}`;
let server: Awaited<ReturnType<typeof openServer>> | undefined;
let admin: Db | undefined;
let created = false;
let db: Db | undefined;
try {
  // startEmbeddedPostgres opens dataDir to the unprivileged user the cluster runs as under root.
  server = await openServer(dataDir);
  admin = createDb(server.url, { poolMax: 1 });
  await admin.raw(`CREATE DATABASE ${databaseName}`);
  created = true;
  const url = new URL(server.url);
  url.pathname = `/${databaseName}`;
  db = createDb(url.toString(), { poolMax: 2 });
  await migrateLatest(db);
  // Baselines: the same columns without FKs; "bare" also without indexes, "indexed" with PK, unique and indexes.
  for (const [schema, like] of [
    ['bench_copy_bare', 'INCLUDING DEFAULTS'],
    ['bench_copy_indexed', 'INCLUDING DEFAULTS INCLUDING INDEXES'],
  ] as const) {
    await db.raw(`CREATE SCHEMA ${schema}`);
    await db.raw(`CREATE TABLE ${schema}.matches (LIKE public.matches ${like})`);
    await db.raw(`CREATE TABLE ${schema}.match_players (LIKE public.match_players ${like})`);
  }
  const { rows: versionRows } = await db.raw<{ rows: { server_version: string }[] }>('SHOW server_version');
  const timer = statementTimer(db);

  const ingest: IngestSample[] = [];
  const copyBare: CopySample[] = [];
  const copyIndexed: CopySample[] = [];
  for (let round = 0; round < WARM_UP + ROUNDS; round += 1) {
    const measured = round >= WARM_UP;
    const offset = ROUND_OFFSET * (round + 1);
    for (const page of PAGES) {
      // Alternate which goes first so neither always meets a freshly flushed WAL or a just-finished checkpoint.
      const copies = async (matches: readonly SteamMatch[]): Promise<void> => {
        const bare = await copyPage(db!, 'bench_copy_bare', csvDir, page.name, matches);
        const indexed = await copyPage(db!, 'bench_copy_indexed', csvDir, page.name, matches);
        if (measured) {
          copyBare.push(bare);
          copyIndexed.push(indexed);
        }
      };
      if (round % 2 === 0) {
        const { sample, matches } = await ingestPage(db, timer, page, offset);
        await copies(matches);
        if (measured) ingest.push(sample);
      } else {
        // The COPY side needs validated rows first: validate a copy of the page outside the timing.
        const text = await readFile(page.path, 'utf8');
        const body = parseLosslessJson(text) as { result?: unknown };
        await copies(offsetMatches(matchesBySeqResultSchema.parse(body.result).matches, offset));
        const { sample } = await ingestPage(db, timer, page, offset);
        if (measured) ingest.push(sample);
      }
    }
  }

  // The baseline is only fair if it wrote exactly what storeMatches wrote (warm-up rounds included on both sides).
  for (const [table, columns] of [
    ['matches', MATCH_COLUMNS],
    ['match_players', MATCH_PLAYER_COLUMNS],
  ] as const) {
    for (const schema of ['bench_copy_bare', 'bench_copy_indexed']) {
      const list = columns.join(', ');
      const { rows } = await db.raw<{ rows: { stored: number; copied: number; differing: number }[] }>(
        `SELECT (SELECT count(*) FROM public.${table})::int AS stored,
                (SELECT count(*) FROM ${schema}.${table})::int AS copied,
                (SELECT count(*) FROM (SELECT ${list} FROM public.${table}
                                       EXCEPT ALL SELECT ${list} FROM ${schema}.${table}) d)::int AS differing`,
      );
      const check = rows[0];
      if (!check || check.stored !== check.copied || check.differing !== 0)
        throw new Error(`${schema}.${table} differs from public.${table}: ${JSON.stringify(check)}`);
    }
  }

  const emptyTx: number[] = [];
  for (let i = 0; i < 50; i += 1) {
    const start = performance.now();
    await db.transaction(() => Promise.resolve());
    emptyTx.push(performance.now() - start);
  }

  const totalMatches = sum(ingest.map((s) => s.matches));
  const totalPlayers = sum(ingest.map((s) => s.players));
  const ingestMs = sum(ingest.map((s) => s.readMs + s.parseMs + s.validateMs + s.offsetMs + s.dbMs));
  const ingestPerS = (1000 * totalMatches) / ingestMs;
  const copyBareMs = sum(copyBare.map((s) => s.csvMs + s.copyMs));
  const copyIndexedMs = sum(copyIndexed.map((s) => s.csvMs + s.copyMs));
  const copyPerS = (1000 * totalMatches) / copyBareMs;
  const copyIndexedPerS = (1000 * totalMatches) / copyIndexedMs;
  const dbOnlyPerS = (1000 * totalMatches) / sum(ingest.map((s) => s.dbMs));
  const ratio = ingestPerS / copyPerS;

  const main = ingest.filter((s) => s.page === MAIN_PAGE);
  const mainBare = copyBare.filter((s) => s.page === MAIN_PAGE);
  const mainIndexed = copyIndexed.filter((s) => s.page === MAIN_PAGE);
  const pageTotal = mean(main.map((s) => s.readMs + s.parseMs + s.validateMs + s.offsetMs + s.dbMs));
  const parseValidate = mean(main.map((s) => s.parseMs + s.validateMs));
  const dbShare = mean(main.map((s) => s.dbMs));
  const statementMean = (kind: StatementKind): number => mean(main.map((s) => s.statements[kind]));
  const statementSum = sum((Object.keys(emptyStatements()) as StatementKind[]).map(statementMean));

  console.log(
    `database: ${server.label}, Postgres ${versionRows[0]?.server_version ?? '?'}, db ${databaseName}`,
  );
  console.log(
    `pages per round: ${PAGES.map((p) => p.name).join(' + ')}; ${WARM_UP} warm-up + ${ROUNDS} measured rounds` +
      ` = ${totalMatches} matches, ${totalPlayers} match_players (ids +${ROUND_OFFSET} per round)`,
  );
  console.log(
    `ingest end to end: ${ingestPerS.toFixed(0)} matches/s (${ingestMs.toFixed(0)} ms for ${totalMatches} matches)`,
  );
  console.log(
    `  per 100-match page (mean of ${main.length}; median): total ${ms(pageTotal)}` +
      `; read ${ms(mean(main.map((s) => s.readMs)))}` +
      `; parse ${ms(mean(main.map((s) => s.parseMs)))} (${ms(median(main.map((s) => s.parseMs)))})` +
      `; validate ${ms(mean(main.map((s) => s.validateMs)))} (${ms(median(main.map((s) => s.validateMs)))})`,
  );
  console.log(
    `  parse+validate ${ms(parseValidate)} (${pct(parseValidate, pageTotal)})` +
      ` | db ${ms(dbShare)} (${pct(dbShare, pageTotal)}; median ${ms(median(main.map((s) => s.dbMs)))})`,
  );
  console.log(
    `  db by statement, send→response: players stubs ${ms(statementMean('players'))}` +
      `, teams+leagues stubs ${ms(statementMean('teams+leagues'))}` +
      `, matches (RETURNING) ${ms(statementMean('matches'))}` +
      `, match_players ${ms(statementMean('match_players'))}` +
      `; outside statements (knex compile, row mapping, BEGIN/COMMIT) ${ms(dbShare - statementSum)}` +
      `; an empty transaction costs ${ms(median(emptyTx))}`,
  );
  console.log(`  db only (storeMatches in its transaction): ${dbOnlyPerS.toFixed(0)} matches/s`);
  console.log(
    `COPY baseline, bare copies (no constraints, no indexes): ${copyPerS.toFixed(0)} matches/s` +
      `; per 100-match page: rows+CSV+write ${ms(mean(mainBare.map((s) => s.csvMs)))}` +
      `, COPY ${ms(mean(mainBare.map((s) => s.copyMs)))}`,
  );
  console.log(
    `COPY into indexed copies (PK, unique, indexes; no FKs): ${copyIndexedPerS.toFixed(0)} matches/s` +
      `; per 100-match page: COPY ${ms(mean(mainIndexed.map((s) => s.copyMs)))}`,
  );
  console.log(
    `goal ≥ 1000 matches/s: ${ingestPerS >= 1000 ? 'met' : 'NOT met'}` +
      `; goal ≥ 0.5 × COPY: ${ratio >= 0.5 ? 'met' : 'NOT met'} (ratio ${ratio.toFixed(2)}` +
      `; db-only ratio ${(dbOnlyPerS / copyPerS).toFixed(2)})`,
  );
  console.log(`RESULT ingest matches_per_s=${ingestPerS.toFixed(0)} ratio_vs_copy=${ratio.toFixed(2)}`);
} finally {
  await db?.destroy();
  if (created)
    await admin?.raw(`DROP DATABASE IF EXISTS ${databaseName}`).catch((error: unknown) => {
      console.error(`could not drop ${databaseName}:`, error);
    });
  await admin?.destroy();
  await server?.stop();
  await rm(csvDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
}
