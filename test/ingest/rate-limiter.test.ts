// Tests for Steam pacing shared through Postgres (two pools standing in for two processes), call stats, and the wrapper.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { startValveReplay, type ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { recordSteamCall, steamCallSummary } from '../../src/ingest/steam/call-stats.repo.js';
import { keyIdOf } from '../../src/ingest/steam/key-id.js';
import { createKeyPool } from '../../src/ingest/steam/key-pool.js';
import {
  createSharedKeyPool,
  DEFAULT_SLACK,
  type SharedKeyPool,
  type SlotReservation,
} from '../../src/ingest/steam/shared-key-pool.js';
import { createSteamClient, type SteamClientOptions } from '../../src/ingest/steam/steam-client.js';
import { bucketOf } from '../../src/ingest/steam/steam-request.js';
import { createLogger } from '../../src/log.js';
import { createDb, type Db } from '../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { fakeClock } from '../support/fake-clock.js';

/** Shaped like a real Steam Web API key (32 upper-case hex digits). */
const KEY_A = '0123456789ABCDEF0123456789ABCDEF';
const KEY_B = 'FEDCBA9876543210FEDCBA9876543210';
const HISTORY = '/IDOTA2Match_570/GetMatchHistory/v1/';
const log = createLogger('silent');

interface RecordingClock extends Clock {
  sleeps: number[];
}

/** Sleeps return at once: shared pools take their times from Postgres, so only the asked-for waits matter. */
function recordingClock(): RecordingClock {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}

/**
 * A clock for shared pools that does not wait: sleeping moves every stored slot and penalty back by that much,
 * which is what the passing of that time would look like to the database.
 */
function timeMachine(db: Db): RecordingClock {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
      await db.raw(
        `UPDATE steam_key_pacing SET general_next_at = general_next_at - ?::double precision * interval '1 ms',
           sequence_next_at = sequence_next_at - ?::double precision * interval '1 ms',
           penalized_until = penalized_until - ?::double precision * interval '1 ms'`,
        [ms, ms, ms],
      );
    },
  };
}

/** Slot times relative to the first, whole milliseconds (the database keeps microseconds). */
const offsets = (slots: SlotReservation[]) =>
  slots.map((s) => Math.round(s.slotAtMs - (slots[0]?.slotAtMs ?? 0)));

async function dbNowMs(db: Db): Promise<number> {
  const result = await db.raw<{ rows: { ms: string }[] }>(
    'SELECT EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS ms',
  );
  return Number(result.rows[0]?.ms);
}

let test: TestDatabase;
/** A second connection pool on the same database: what another worker process would hold. */
let otherProcess: Db;

beforeAll(async () => {
  test = await createTestDatabase();
  otherProcess = createDb(test.url);
});

afterAll(async () => {
  await otherProcess.destroy();
  await test.drop();
});

beforeEach(async () => {
  await test.db.raw('TRUNCATE steam_key_pacing, steam_call_stats');
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Exact intervals (no slack for jitter) keep the slot arithmetic readable; the default slack has its own test. */
function pool(db: Db, keys: readonly string[] = [KEY_A], clock: Clock = recordingClock()): SharedKeyPool {
  return createSharedKeyPool({
    db,
    keys,
    requestsPerSecond: 1,
    sequenceSecondsPerCall: 5,
    clock,
    slack: 0,
  });
}

describe('shared key pool', () => {
  it('when two processes take turns on one key, then their slots interleave exactly 1 s apart', async () => {
    const first = pool(test.db);
    const second = pool(otherProcess);
    const slots: SlotReservation[] = [];

    for (let i = 0; i < 3; i++) {
      slots.push(await first.reserve('general'));
      slots.push(await second.reserve('general'));
    }

    expect(offsets(slots)).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000]);
    expect(slots.every((s) => s.reserved && s.key === KEY_A)).toBe(true);
    expect(slots[5]?.waitMs).toBeGreaterThan(4_500);
  });

  it('when two processes race for one key, then no two slots are closer than 1 s (the combined rate never exceeds it)', async () => {
    const first = pool(test.db);
    const second = pool(otherProcess);

    const slots = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? first : second).reserve('general')),
    );

    const sorted = [...slots].sort((a, b) => a.slotAtMs - b.slotAtMs);
    expect(offsets(sorted)).toEqual(Array.from({ length: 20 }, (_, i) => i * 1_000));
  });

  it('when two processes race over two keys, then each key is paced at 1 s and the keys share the calls evenly', async () => {
    const first = pool(test.db, [KEY_A, KEY_B]);
    const second = pool(otherProcess, [KEY_A, KEY_B]);

    const slots = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? first : second).reserve('general')),
    );

    for (const key of [KEY_A, KEY_B]) {
      const onKey = slots.filter((s) => s.key === key).sort((x, y) => x.slotAtMs - y.slotAtMs);
      expect(offsets(onKey)).toEqual(Array.from({ length: 10 }, (_, i) => i * 1_000));
    }
  });

  it('when sequence calls are made, then they are 5 s apart while general calls on the key go on at 1/s', async () => {
    const steam = pool(test.db);

    const firstSequence = await steam.reserve('sequence');
    const tooSoon = await steam.reserve('sequence');
    const general = [];
    for (let i = 0; i < 4; i++) general.push(await steam.reserve('general'));
    const secondSequence = await steam.reserve('sequence');
    const after = await steam.reserve('general');

    // Asking too soon reserves nothing (a general slot held 5 s would stall the key) and says when to ask again.
    expect(tooSoon.reserved).toBe(false);
    expect(Math.round(tooSoon.slotAtMs - firstSequence.slotAtMs)).toBe(5_000);
    expect(offsets([firstSequence, ...general, secondSequence, after])).toEqual([
      0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000,
    ]);
    // The sequence call at +5 s took that second's general slot too: the next general call waits for +6 s.
    expect(secondSequence.reserved).toBe(true);
  });

  it('when a sequence call has to wait for its bucket, then acquire sleeps until then and asks again', async () => {
    const clock = timeMachine(test.db);
    const steam = pool(test.db, [KEY_A], clock);
    await steam.acquire('sequence');

    await expect(steam.acquire('sequence')).resolves.toBe(KEY_A);

    // "Not yet, in ≈5 s" reserved nothing; after that sleep the second ask got a slot at once.
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThan(4_900);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(5_000);
  });

  it('with two keys, then slots alternate between the keys and each key is paced at 1 s', async () => {
    const steam = pool(test.db, [KEY_A, KEY_B]);
    const slots: SlotReservation[] = [];

    for (let i = 0; i < 6; i++) slots.push(await steam.reserve('general'));

    const [x, y] = [slots[0]?.key, slots[1]?.key];
    expect(new Set([x, y])).toEqual(new Set([KEY_A, KEY_B]));
    expect(slots.map((s) => s.key)).toEqual([x, y, x, y, x, y]);
    const onX = slots.filter((s) => s.key === x);
    expect(offsets(onX)).toEqual([0, 1_000, 2_000]);
  });

  it('when one process penalizes a key after a 429 (Retry-After 7), then the other one uses the other key until the penalty ends', async () => {
    const first = pool(test.db, [KEY_A, KEY_B]);
    const second = pool(otherProcess, [KEY_A, KEY_B]);
    await first.reserve('general'); // both processes' rows exist
    const before = await dbNowMs(test.db);

    await first.penalize(KEY_A, 7);
    const slots: SlotReservation[] = [];
    for (let i = 0; i < 8; i++) slots.push(await second.reserve('general'));

    const onA = slots.filter((s) => s.key === KEY_A);
    expect(onA.length).toBeGreaterThan(0);
    for (const slot of onA) expect(slot.slotAtMs).toBeGreaterThanOrEqual(before + 7_000);
    // Until then every call went to B, still paced at 1 s.
    const onBBeforeA = slots.filter((s) => s.key === KEY_B && s.slotAtMs < (onA[0]?.slotAtMs ?? 0));
    expect(onBBeforeA.length).toBeGreaterThanOrEqual(6);
    expect(offsets(onBBeforeA)).toEqual(onBBeforeA.map((_, i) => i * 1_000));
  });

  it('when a penalty is shorter than the slots already reserved, then it does not bring the key forward', async () => {
    const steam = pool(test.db);
    const first = await steam.reserve('general');
    await steam.reserve('general'); // next free slot: +2 s

    await steam.penalize(KEY_A, 1);
    const next = await steam.reserve('general');

    expect(Math.round(next.slotAtMs - first.slotAtMs)).toBe(2_000);
  });

  it('when acquire is called twice, then the second call sleeps the database wait on the injected clock', async () => {
    const clock = recordingClock();
    const steam = pool(test.db, [KEY_A], clock);

    await expect(steam.acquire()).resolves.toBe(KEY_A);
    await expect(steam.acquire()).resolves.toBe(KEY_A);

    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThan(900);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(1_000);
  });

  it('when no slack is given, then every interval is 1 % longer to absorb jitter', async () => {
    const steam = createSharedKeyPool({
      db: test.db,
      keys: [KEY_A],
      requestsPerSecond: 1,
      clock: recordingClock(),
    });
    const slots: SlotReservation[] = [];

    for (const bucket of ['sequence', 'general', 'sequence'] as const)
      slots.push(await steam.reserve(bucket));

    expect(DEFAULT_SLACK).toBe(0.01);
    expect(offsets(slots)).toEqual([0, 1_010, 5_050]);
  });

  it('when a raw key is written as a key id, then the database refuses it', async () => {
    await expect(test.db('steam_key_pacing').insert({ key_id: KEY_A })).rejects.toThrow(/key_id_check/);
    await expect(
      recordSteamCall(test.db, { keyId: KEY_A, endpoint: 'GetHeroes', outcome: 'ok' }),
    ).rejects.toThrow(/key_id_check/);
  });

  it('when the pool is given no keys, then it fails naming STEAM_API_KEYS', () => {
    expect(() => pool(test.db, [])).toThrow(/STEAM_API_KEYS/);
  });
});

describe('in-process key pool buckets', () => {
  it('when sequence and general calls alternate, then sequence calls are 5 s apart and general ones fill the seconds between', async () => {
    const clock = fakeClock(0);
    const keys = createKeyPool(['a'], 1, clock, { sequenceSecondsPerCall: 5 });
    const at: string[] = [];

    for (const bucket of [
      'sequence',
      'general',
      'sequence',
      'general',
      'general',
      'general',
      'sequence',
    ] as const) {
      await keys.acquire(bucket);
      at.push(`${bucket}@${clock.now()}`);
    }

    expect(at).toEqual([
      'sequence@0',
      'general@1000',
      'sequence@5000',
      'general@6000',
      'general@7000',
      'general@8000',
      'sequence@10000',
    ]);
  });
});

describe('steam call stats', () => {
  const A = keyIdOf(KEY_A);
  const B = keyIdOf(KEY_B);

  it('when calls are recorded, then the summary gives calls and 429s per key and the last success per endpoint', async () => {
    const calls = [
      [A, 'GetMatchHistory', 'ok'],
      [A, 'GetMatchHistory', 'ok'],
      [A, 'GetMatchHistory', 'rate_limited'],
      [A, 'GetMatchHistoryBySequenceNum', 'rate_limited'],
      [A, 'GetMatchHistoryBySequenceNum', 'failed'],
      [B, 'GetHeroes', 'ok'],
    ] as const;
    const before = new Date(await dbNowMs(test.db));
    for (const [keyId, endpoint, outcome] of calls)
      await recordSteamCall(test.db, { keyId, endpoint, outcome });

    const summary = await steamCallSummary(test.db, new Date(Date.now() - 60 * 60_000));

    expect(summary.keys).toEqual(
      [
        { keyId: A, calls: 5, ok: 2, rateLimited: 2, failed: 1, penalizedUntil: null },
        { keyId: B, calls: 1, ok: 1, rateLimited: 0, failed: 0, penalizedUntil: null },
      ].sort((x, y) => x.keyId.localeCompare(y.keyId)),
    );
    expect(summary.endpoints.map((e) => e.endpoint)).toEqual([
      'GetHeroes',
      'GetMatchHistory',
      'GetMatchHistoryBySequenceNum',
    ]);
    const last = Object.fromEntries(summary.endpoints.map((e) => [e.endpoint, e.lastSuccessAt]));
    expect(last.GetMatchHistoryBySequenceNum).toBeNull();
    expect(last.GetMatchHistory?.getTime()).toBeGreaterThanOrEqual(before.getTime());
    const rows = await test.db('steam_call_stats').count<{ count: string }[]>('* as count');
    expect(Number(rows[0]?.count)).toBe(3); // one row per key × endpoint × hour, incremented
  });

  it('when calls are older than the window, then they are not counted but still give the last success', async () => {
    await test.db('steam_call_stats').insert({
      key_id: A,
      endpoint: 'GetHeroes',
      hour: test.db.raw(`date_trunc('hour', now(), 'UTC') - interval '3 hours'`),
      ok: 40,
      last_success_at: test.db.raw(`now() - interval '3 hours'`),
    });
    await recordSteamCall(test.db, { keyId: A, endpoint: 'GetMatchHistory', outcome: 'rate_limited' });

    const summary = await steamCallSummary(test.db, new Date(Date.now() - 60 * 60_000));

    expect(summary.keys).toEqual([
      { keyId: A, calls: 1, ok: 0, rateLimited: 1, failed: 0, penalizedUntil: null },
    ]);
    expect(summary.from.getTime()).toBeLessThanOrEqual(Date.now() - 60 * 60_000);
    expect(summary.endpoints.find((e) => e.endpoint === 'GetHeroes')?.lastSuccessAt).toBeInstanceOf(Date);
  });

  it('when a key is resting after a 429, then the summary says until when', async () => {
    await pool(test.db).penalize(KEY_A, 30);

    const summary = await steamCallSummary(test.db, new Date());

    expect(summary.keys).toHaveLength(1);
    expect(summary.keys[0]?.keyId).toBe(A);
    expect(summary.keys[0]?.penalizedUntil?.getTime()).toBeGreaterThan(Date.now() + 25_000);
  });
});

describe('request wrapper on the shared pool', () => {
  let replay: ValveReplay;
  let clock: RecordingClock;

  beforeEach(async () => {
    replay = await startValveReplay();
    clock = recordingClock();
  });

  afterEach(async () => {
    await replay.close();
  });

  function client(overrides: Partial<SteamClientOptions> = {}) {
    return createSteamClient(
      {
        baseUrl: replay.baseUrl,
        keys: [KEY_A],
        requestsPerSecond: 1_000,
        sequenceSecondsPerCall: 5,
        timeoutMs: 5_000,
        maxAttempts: 3,
        ...overrides,
      },
      { log, clock, db: test.db },
    );
  }

  const statuses = () => replay.requests.map((r) => r.status);

  it('when Valve answers 429 with Retry-After 7, then the key rests 7 s in the database for every process and the retry succeeds', async () => {
    replay.failNext(HISTORY, { status: 429, body: '', headers: { 'Retry-After': '7' } });
    const before = await dbNowMs(test.db);

    const page = await client().getMatchHistory({ matches_requested: 1 });

    expect(page.matches.length).toBeGreaterThan(0);
    expect(statuses()).toEqual([429, 200]);
    const row = await otherProcess('steam_key_pacing').first<{ penalized_until: Date }>('penalized_until');
    expect(row?.penalized_until.getTime()).toBeGreaterThanOrEqual(before + 7_000);
    // The retry's only wait is the penalty, measured on the database clock and slept on the injected one.
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThan(6_500);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(7_000);
    const summary = await steamCallSummary(test.db, new Date());
    expect(summary.keys[0]).toMatchObject({ keyId: keyIdOf(KEY_A), calls: 2, ok: 1, rateLimited: 1 });
  });

  it('when 429s and server errors alternate, then each has its own budget and the call still succeeds', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    for (const status of [429, 503, 429, 503]) {
      replay.failNext(HISTORY, { status, body: '', headers: status === 429 ? { 'Retry-After': '0' } : {} });
    }

    await client({ maxAttempts: 3 }).getMatchHistory({ matches_requested: 1 });

    expect(statuses()).toEqual([429, 503, 429, 503, 200]);
    const summary = await steamCallSummary(test.db, new Date());
    expect(summary.keys[0]).toMatchObject({ calls: 5, ok: 1, rateLimited: 2, failed: 2 });
  });

  it('when every answer is a 429, then the call fails rate-limited after maxRateLimitedAttempts', async () => {
    for (let i = 0; i < 4; i++)
      replay.failNext(HISTORY, { status: 429, body: '', headers: { 'Retry-After': '0' } });

    const error = await client({ maxRateLimitedAttempts: 2 })
      .getMatchHistory({})
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'steam_rate_limited', kind: 'rate-limited' });
    expect(statuses()).toEqual([429, 429]);
  });

  it('when a private profile is asked for, then it counts as Valve answering (ok), not as a failure', async () => {
    replay.setPrivate(91399458);

    await expect(client().getMatchHistory({ account_id: 91399458 })).rejects.toMatchObject({
      code: 'steam_private_profile',
    });

    const summary = await steamCallSummary(test.db, new Date());
    expect(summary.keys[0]).toMatchObject({ calls: 1, ok: 1, failed: 0 });
  });

  it('when a sequence page is fetched, then it takes the sequence bucket (5 s) and a general slot', async () => {
    expect(bucketOf('GetMatchHistoryBySequenceNum')).toBe('sequence');
    expect(bucketOf('GetMatchHistory')).toBe('general');

    await client().getMatchHistoryBySequenceNum(1, 1);

    const row = await test
      .db('steam_key_pacing')
      .first<{ general_next_at: Date; sequence_next_at: Date }>('general_next_at', 'sequence_next_at');
    // requestsPerSecond 1000: from the same slot, the general bucket moved ≈1 ms, the sequence one ≈5 s (+1 % slack).
    const apart = row ? row.sequence_next_at.getTime() - row.general_next_at.getTime() : NaN;
    expect(apart).toBeGreaterThanOrEqual(5_048);
    expect(apart).toBeLessThanOrEqual(5_049);
  });

  it('when the key has paced, rested and counted calls, then it appears in no row of any table', async () => {
    replay.failNext(HISTORY, { status: 429, body: '', headers: { 'Retry-After': '1' } });
    await client({ keys: [KEY_A, KEY_B] }).getMatchHistory({ matches_requested: 1 });
    await client({ keys: [KEY_A, KEY_B] }).getMatchHistoryBySequenceNum(1, 1);
    const tables = await test.db.raw<{ rows: { table_name: string }[] }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const found = async (needle: string) => {
      const hits: string[] = [];
      for (const { table_name } of tables.rows) {
        // A whole row cast to text covers every column of every type.
        const result = await test.db.raw<{ rows: { n: number }[] }>(
          `SELECT count(*)::int AS n FROM ?? AS r WHERE r::text ILIKE ?`,
          [table_name, `%${needle}%`],
        );
        if ((result.rows[0]?.n ?? 0) > 0) hits.push(table_name);
      }
      return hits;
    };

    expect(await found(KEY_A)).toEqual([]);
    expect(await found(KEY_B)).toEqual([]);
    // The search does see these tables: the hashed id is there.
    expect(await found(keyIdOf(KEY_A))).toEqual(
      expect.arrayContaining(['steam_key_pacing', 'steam_call_stats']),
    );
  });
});
