// Tests for the OpenDota client (against the OpenDota replay server) and the ingest.opendota-parse job.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { AppError } from '../../src/errors.js';
import { startOpenDotaReplay, type OpenDotaReplay } from '../../src/fakes/opendota-replay.server.js';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { ingestMatchById } from '../../src/ingest/fetch-match.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import type { JobContext } from '../../src/ingest/jobs/job.js';
import { opendotaParseJob, OPENDOTA_PARSE_JOB_NAME } from '../../src/ingest/jobs/opendota-parse.job.js';
import { createOpenDotaClient, type OpenDotaClient } from '../../src/ingest/opendota/opendota-client.js';
import { createLogger } from '../../src/log.js';
import { findTimeline } from '../../src/store/timelines.repo.js';
import { replayIngest } from '../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';

/** json_files/opendota/odota_matches_1781962623.json: parsed, 38 minutes, Radiant ahead throughout. */
const PARSED_MATCH = 1781962623;
/** json_files/opendota/odota_matches_3254426673_unparsed.json: known to OpenDota, never parsed. */
const UNPARSED_MATCH = 3254426673;
/** In the Valve replay pool but not among the OpenDota bodies: OpenDota answers 404. */
const UNKNOWN_TO_OPENDOTA = 8591933650;
const MATCHES_PATH = (id: number) => `/api/matches/${id}`;

interface ParsedFixture {
  radiant_gold_adv: number[];
  radiant_xp_adv: number[];
  players: { player_slot: number; gold_t: number[]; xp_t: number[] }[];
}
const FIXTURE = JSON.parse(
  readFileSync(new URL('../../json_files/opendota/odota_matches_1781962623.json', import.meta.url), 'utf8'),
) as ParsedFixture;

const log = createLogger('silent');

function clientFor(replay: OpenDotaReplay, clock: Clock, maxAttempts = 3): OpenDotaClient {
  return createOpenDotaClient({
    baseUrl: replay.baseUrl,
    timeoutMs: 5_000,
    requestsPerSecond: 1_000,
    maxAttempts,
    clock,
    log,
  });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('OpenDota configuration', () => {
  it('when nothing is set, then OpenDota is off and points at the public API', () => {
    expect(loadConfig({}, 'cli')).toMatchObject({
      OPENDOTA_ENABLED: false,
      OPENDOTA_API_BASE_URL: 'https://api.opendota.com/api',
    });
  });

  it('when OPENDOTA_ENABLED is "true" or "false", then it is read as that boolean, and nonsense is refused', () => {
    expect(loadConfig({ OPENDOTA_ENABLED: 'true' }, 'cli').OPENDOTA_ENABLED).toBe(true);
    expect(loadConfig({ OPENDOTA_ENABLED: 'false' }, 'cli').OPENDOTA_ENABLED).toBe(false);
    expect(() => loadConfig({ OPENDOTA_ENABLED: 'maybe' }, 'cli')).toThrow(/OPENDOTA_ENABLED/);
  });
});

describe('OpenDota client', () => {
  let replay: OpenDotaReplay;
  let clock: FakeClock;
  let client: OpenDotaClient;

  beforeEach(async () => {
    replay = await startOpenDotaReplay();
    clock = fakeClock();
    client = clientFor(replay, clock);
  });
  afterEach(() => replay.close());

  it('when the parsed match is asked for, then its 38-minute advantages and ten players timelines come back', async () => {
    const result = await client.getParsedMatch(PARSED_MATCH);

    expect(result.parsed).toBe(true);
    if (!result.parsed) return;
    const { timeline } = result;
    expect(timeline.radiantGoldAdv).toHaveLength(38);
    expect(timeline.radiantXpAdv).toHaveLength(38);
    expect(timeline.radiantGoldAdv.slice(0, 3)).toEqual([0, 356, 567]);
    expect(timeline.radiantGoldAdv.at(-1)).toBe(47817);
    expect(timeline.radiantXpAdv?.[2]).toBe(-279);
    expect(timeline.players.map((p) => p.playerSlot)).toEqual([0, 1, 2, 3, 4, 128, 129, 130, 131, 132]);
    expect(timeline.players.every((p) => p.goldT?.length === 38 && p.xpT?.length === 38)).toBe(true);
    expect(timeline.players[5]?.goldT).toEqual(FIXTURE.players[5]?.gold_t);
    expect(replay.requests).toEqual([{ path: MATCHES_PATH(PARSED_MATCH), query: { key: '' }, status: 200 }]);
  });

  it('when a match without timelines is asked for, then it reports parsed: false', async () => {
    expect(await client.getParsedMatch(UNPARSED_MATCH)).toEqual({ parsed: false, matchId: UNPARSED_MATCH });
  });

  it('when OpenDota answers 404, then the failure is permanent, named opendota_match_not_found, and not retried', async () => {
    const error = await failure(client.getParsedMatch(UNKNOWN_TO_OPENDOTA));

    expect(error.code).toBe('opendota_match_not_found');
    expect(error.kind).toBe('permanent');
    expect(replay.requests.map((r) => r.status)).toEqual([404]);
  });

  it('when OpenDota answers 429 with Retry-After, then the client waits that long and gets the match', async () => {
    replay.failNext({
      status: 429,
      body: '{"error":"rate limit exceeded"}',
      headers: { 'Retry-After': '7' },
    });

    const result = await client.getParsedMatch(PARSED_MATCH);

    expect(result.parsed).toBe(true);
    expect(replay.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(clock.sleeps.some((ms) => ms >= 7_000)).toBe(true);
  });

  it('when OpenDota keeps answering 502, then a transient opendota_ error follows the last attempt', async () => {
    for (let i = 0; i < 3; i += 1) replay.failNext({ status: 502, body: '<html>Bad Gateway</html>' });

    const error = await failure(client.getParsedMatch(PARSED_MATCH));

    expect(error.code).toBe('opendota_server_error');
    expect(error.kind).toBe('transient');
    expect(replay.requests).toHaveLength(3);
  });

  it('when the body is some other match, then it is a permanent invalid body, not a stored mistake', async () => {
    replay.failNext({ status: 200, body: '{"match_id":42,"players":[]}' });

    const error = await failure(client.getParsedMatch(PARSED_MATCH));

    expect(error.code).toBe('opendota_invalid_body');
    expect(error.kind).toBe('permanent');
  });

  it('when a timeline holds a non-integer, then the body is refused at the edge', async () => {
    replay.failNext({
      status: 200,
      body: `{"match_id":${PARSED_MATCH},"radiant_gold_adv":[0,"x"],"players":[]}`,
    });

    expect((await failure(client.getParsedMatch(PARSED_MATCH))).code).toBe('opendota_invalid_body');
  });
});

describe(OPENDOTA_PARSE_JOB_NAME, () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let openDota: OpenDotaReplay;
  let ingest: IngestContext;
  let ctx: JobContext;

  const snapshot = async () => ({
    timelines: await test
      .db('match_timelines')
      .select('match_id', 'radiant_gold_adv', 'radiant_xp_adv', 'source'),
    players: await test.db('match_player_timelines').orderBy(['match_id', 'player_slot']).select('*'),
  });

  beforeAll(async () => {
    test = await createTestDatabase();
    const replay = await replayIngest(test.db);
    valve = replay.valve;
    ingest = replay.ingest;
    for (const id of [PARSED_MATCH, UNPARSED_MATCH, UNKNOWN_TO_OPENDOTA]) await ingestMatchById(ingest, id);
    ctx = { ...ingest, enqueue: () => Promise.resolve() };
  });
  beforeEach(async () => {
    openDota = await startOpenDotaReplay();
    await test.db('match_timelines').delete();
  });
  afterEach(() => openDota.close());
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });

  /** The job as a worker with OPENDOTA_ENABLED runs it: the context carries the client. */
  const job = (maxAttempts = 3) => ({
    run: (context: JobContext, data: { match_id: number }) =>
      opendotaParseJob.run({ ...context, openDota: clientFor(openDota, fakeClock(), maxAttempts) }, data),
  });

  it('when run twice for the parsed match, then one timeline and ten player rows hold exactly the fixture', async () => {
    await job().run(ctx, { match_id: PARSED_MATCH });
    const first = await snapshot();
    await job().run(ctx, { match_id: PARSED_MATCH });

    expect(await snapshot()).toEqual(first);
    expect(first.timelines).toHaveLength(1);
    expect(first.players).toHaveLength(10);
    expect(await findTimeline(test.db, PARSED_MATCH)).toEqual({
      radiantGoldAdv: FIXTURE.radiant_gold_adv,
      radiantXpAdv: FIXTURE.radiant_xp_adv,
      players: FIXTURE.players.map((p) => ({ playerSlot: p.player_slot, goldT: p.gold_t, xpT: p.xp_t })),
    });
    expect(openDota.requests).toHaveLength(2);
  });

  it('when the match was never parsed, then nothing is recorded and the run succeeds', async () => {
    await job().run(ctx, { match_id: UNPARSED_MATCH });

    expect(await findTimeline(test.db, UNPARSED_MATCH)).toBeNull();
    expect(openDota.requests.map((r) => r.status)).toEqual([200]);
  });

  it('when OpenDota does not know the match (404), then nothing is recorded and nothing is dead-lettered', async () => {
    await job().run(ctx, { match_id: UNKNOWN_TO_OPENDOTA });

    expect(await findTimeline(test.db, UNKNOWN_TO_OPENDOTA)).toBeNull();
    expect(openDota.requests.map((r) => r.status)).toEqual([404]);
  });

  it('when the match is not stored, then it fails permanently without spending an OpenDota call', async () => {
    const error = await failure(job().run(ctx, { match_id: 123 }));

    expect(error.code).toBe('timeline_match_not_stored');
    expect(error.kind).toBe('permanent');
    expect(openDota.requests).toHaveLength(0);
  });

  it('when OpenDota keeps failing, then the job throws a transient error for the scheduler and stores nothing', async () => {
    openDota.failNext({ status: 503, body: 'Service Unavailable' });

    const error = await failure(job(1).run(ctx, { match_id: PARSED_MATCH }));

    expect(error.kind).toBe('transient');
    expect(await findTimeline(test.db, PARSED_MATCH)).toBeNull();
  });

  it('when OPENDOTA_ENABLED is off (no client), then a queued job does nothing', async () => {
    await opendotaParseJob.run(ctx, { match_id: PARSED_MATCH });

    expect(openDota.requests).toHaveLength(0);
    expect(await findTimeline(test.db, PARSED_MATCH)).toBeNull();
  });

  it('when the stored match is deleted, then its timelines go with it', async () => {
    await job().run(ctx, { match_id: PARSED_MATCH });
    // Rolled back afterwards: the other tests still need the match row.
    const trx = await test.db.transaction();
    try {
      await trx('matches').where({ match_id: PARSED_MATCH }).delete();
      expect(await trx('match_timelines').where({ match_id: PARSED_MATCH })).toHaveLength(0);
      expect(await trx('match_player_timelines').where({ match_id: PARSED_MATCH })).toHaveLength(0);
    } finally {
      await trx.rollback();
    }
    expect(await findTimeline(test.db, PARSED_MATCH)).not.toBeNull();
  });

  it('when job data is not a positive integer match id, then assertData names the field', () => {
    const definition = opendotaParseJob;
    expect(definition.assertData({ match_id: PARSED_MATCH })).toEqual({ match_id: PARSED_MATCH });
    expect(() => definition.assertData({ match_id: '1781962623' })).toThrow(/match_id/);
    expect(definition.entity({ match_id: PARSED_MATCH })).toBe(`match:${PARSED_MATCH}`);
  });
});
