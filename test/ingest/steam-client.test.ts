// Tests for the Steam client, its request wrapper and key pool against the real Valve replay server, on a fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.js';
import { startValveReplay, type ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { createKeyPool } from '../../src/ingest/steam/key-pool.js';
import {
  createSteamClient,
  createSteamClientFromRequest,
  type SteamClient,
  type SteamClientOptions,
} from '../../src/ingest/steam/steam-client.js';
import type { SteamEndpoint } from '../../src/ingest/steam/steam-request.js';
import { createLogger } from '../../src/log.js';
import { FAKE_CLOCK_START, fakeClock, type FakeClock } from '../support/fake-clock.js';

const SEQ = '/IDOTA2Match_570/GetMatchHistoryBySequenceNum/v1/';
const HISTORY = '/IDOTA2Match_570/GetMatchHistory/v1/';
const SUMMARIES = '/ISteamUser/GetPlayerSummaries/v2/';

/** Match 4949330363 (2019 page, json_files/steam/godoto_…): ZaRep's full-precision 64-bit dire_logo. */
const ZAREP_MATCH = { match_id: 4949330363, match_seq_num: 4151934643, dire_logo: '959719781654785292' };
/** A public player of that match: Dire slot 132, hero 56, 16 kills. */
const ZAREP_PLAYER = {
  account_id: 247928992,
  player_slot: 132,
  hero_id: 56,
  kills: 16,
  deaths: 2,
  assists: 16,
};
/** Match 4949300197 from the same page: dire_logo 4294967295 (fits a double, still returned as a string). */
const SMALL_LOGO_MATCH = { match_id: 4949300197, match_seq_num: 4151934579 };
/** Public account in 4949330363 (radiant slot 2). */
const PUBLIC_ACCOUNT = 91399458;
/** Steamids from json_files/steam/odota2015_GetPlayerSummaries_8players.json. */
const KNOWN_STEAMIDS = ['76561197972504844', '76561198055036062', '76561198087842200'];

const T0 = FAKE_CLOCK_START;

const log = createLogger('silent');

let clock: FakeClock;
let replay: ValveReplay;
/** Fake-clock time at which the server saw each request (the server reads its `now` once per request). */
let serverTimes: number[];

beforeEach(async () => {
  clock = fakeClock();
  serverTimes = [];
  replay = await startValveReplay({
    // A generous limit only so the server consults `now` per request and we learn when each request arrived.
    ratePerSecond: 1_000,
    now: () => {
      const t = clock.now();
      serverTimes.push(t);
      return t;
    },
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await replay.close();
});

function client(overrides: Partial<SteamClientOptions> = {}): SteamClient {
  return createSteamClient(
    {
      baseUrl: replay.baseUrl,
      keys: ['key-a'],
      // Pacing out of the way unless a test is about pacing: 1 µs between requests.
      requestsPerSecond: 1_000_000,
      sequenceSecondsPerCall: 0.000_001,
      timeoutMs: 5_000,
      maxAttempts: 3,
      ...overrides,
    },
    { log, clock },
  );
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const statuses = () => replay.requests.map((r) => r.status);

describe('getMatchHistoryBySequenceNum', () => {
  it('when a known seq num is requested, then typed matches come back with ids, heroes and kills', async () => {
    const matches = await client().getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);

    expect(matches).toHaveLength(1);
    const [match] = matches;
    expect(match).toMatchObject({
      match_id: ZAREP_MATCH.match_id,
      match_seq_num: ZAREP_MATCH.match_seq_num,
      radiant_win: false,
      dire_name: 'ZaRep',
      dire_team_id: 6982572,
      duration: 2216,
      lobby_type: 7,
      game_mode: 22,
    });
    expect(match?.players).toHaveLength(10);
    expect(match?.players.find((p) => p.player_slot === ZAREP_PLAYER.player_slot)).toMatchObject(
      ZAREP_PLAYER,
    );
    // Schema defaults fill what the wire does not carry.
    expect(match?.players[0]?.item_0).toEqual(expect.any(Number));
    expect(replay.requests).toEqual([
      { path: SEQ, query: { start_at_match_seq_num: '4151934643', matches_requested: '1' }, status: 200 },
    ]);
  });

  it('when a match has a 64-bit dire_logo, then it is the exact decimal string, not a rounded number', async () => {
    const [match] = await client().getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);

    expect(match?.dire_logo).toBe(ZAREP_MATCH.dire_logo);
    expect(typeof match?.dire_logo).toBe('string');
    expect(match?.radiant_logo).toBeUndefined();
  });

  it('when a logo id fits a double, then it is still returned as a decimal string', async () => {
    const [match] = await client().getMatchHistoryBySequenceNum(SMALL_LOGO_MATCH.match_seq_num, 1);

    expect(match?.match_id).toBe(SMALL_LOGO_MATCH.match_id);
    expect(match?.dire_logo).toBe('4294967295');
  });

  it('when more than 100 matches are requested, then the query asks Valve for 100', async () => {
    const matches = await client().getMatchHistoryBySequenceNum(1, 500);

    expect(matches).toHaveLength(100);
    expect(replay.requests[0]?.query.matches_requested).toBe('100');
    const seqs = matches.map((m) => m.match_seq_num);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});

describe('getMatchHistory', () => {
  it('when the account is public, then its matches are listed', async () => {
    const page = await client().getMatchHistory({ account_id: PUBLIC_ACCOUNT, matches_requested: 100 });

    expect(page.matches.map((m) => m.match_id)).toContain(ZAREP_MATCH.match_id);
    expect(page.num_results).toBe(page.matches.length);
    expect(replay.requests[0]?.query).toEqual({
      account_id: String(PUBLIC_ACCOUNT),
      matches_requested: '100',
    });
  });

  it('when the account is private (status 15), then steam_private_profile, permanent, with one request only', async () => {
    replay.setPrivate(PUBLIC_ACCOUNT);

    const error = await rejection(client().getMatchHistory({ account_id: PUBLIC_ACCOUNT }));

    expect(error.code).toBe('steam_private_profile');
    expect(error.kind).toBe('permanent');
    expect(error.userMessage).toMatch(/Expose Public Match Data/);
    expect(replay.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('when Valve answers result.error, then steam_rejected, permanent, not retried', async () => {
    replay.failNext(HISTORY, {
      status: 200,
      body: '{"result":{"error":"Practice matches are not available via GetMatchHistory"}}',
      headers: { 'Content-Type': 'application/json' },
    });

    const error = await rejection(client().getMatchHistory({ league_id: 1 }));

    expect(error.code).toBe('steam_rejected');
    expect(error.message).toMatch(/Practice matches/);
    expect(error.kind).toBe('permanent');
    expect(replay.requests).toHaveLength(1);
  });
});

describe('rate limits (429)', () => {
  it('when a 429 carries Retry-After 7, then the key rests 7 s on the clock and the retry succeeds', async () => {
    replay.failNext(SEQ, { status: 429, body: '', headers: { 'Retry-After': '7' } });

    const matches = await client().getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);

    expect(matches[0]?.match_id).toBe(ZAREP_MATCH.match_id);
    expect(statuses()).toEqual([429, 200]);
    // The only wait is the key's penalty (no jittered backoff for rate limits), and it was on the fake clock.
    expect(clock.sleeps).toEqual([7_000]);
    expect(serverTimes).toEqual([T0, T0 + 7_000]);
  });

  it('when a 429 has no Retry-After, then the key rests the default 10 s', async () => {
    replay.failNext(SEQ, { status: 429, body: '' });

    await client().getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);

    expect(statuses()).toEqual([429, 200]);
    expect(serverTimes).toEqual([T0, T0 + 10_000]);
  });

  it('when one of two keys gets a 429, then the retry goes out at once on the other key', async () => {
    replay.failNext(SEQ, { status: 429, body: '', headers: { 'Retry-After': '30' } });

    await client({ keys: ['key-a', 'key-b'] }).getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);

    expect(statuses()).toEqual([429, 200]);
    expect(clock.sleeps).toEqual([]);
    expect(serverTimes).toEqual([T0, T0]);
  });

  it('when every attempt is rate limited, then a rate-limited AppError with the Retry-After seconds', async () => {
    for (let i = 0; i < 3; i++) {
      replay.failNext(SEQ, { status: 429, body: '', headers: { 'Retry-After': '2' } });
    }

    const error = await rejection(client().getMatchHistoryBySequenceNum(1, 1));

    expect(error.code).toBe('steam_rate_limited');
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBe(2);
    expect(statuses()).toEqual([429, 429, 429]);
    expect(serverTimes).toEqual([T0, T0 + 2_000, T0 + 4_000]);
  });

  it("when the client paces at the server's own limit, then no request is refused", async () => {
    await replay.close();
    replay = await startValveReplay({ ratePerSecond: 1, now: () => clock.now() });
    const steam = client({ requestsPerSecond: 1 });

    for (let i = 0; i < 3; i++) await steam.getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);

    expect(statuses()).toEqual([200, 200, 200]);
    expect(clock.sleeps).toEqual([1_000, 1_000]);
  });

  it('when the client is faster than the server allows, then the 429 penalty slows the key and all calls succeed', async () => {
    await replay.close();
    replay = await startValveReplay({ ratePerSecond: 1, now: () => clock.now() });
    const steam = client({ requestsPerSecond: 2 });

    await steam.getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);
    await steam.getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);

    // Second call: paced 500 ms, refused (Retry-After 1), then waits out the 1 s penalty from the refusal.
    expect(statuses()).toEqual([200, 429, 200]);
    expect(clock.sleeps).toEqual([500, 1_000]);
  });
});

describe('server errors and garbage bodies', () => {
  it('when a 500 is followed by success, then the call succeeds after a jittered backoff on the clock', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    replay.failNext(SEQ, { status: 500, body: '<html><body>Internal Server Error</body></html>' });

    const matches = await client().getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);

    expect(matches[0]?.match_id).toBe(ZAREP_MATCH.match_id);
    expect(statuses()).toEqual([500, 200]);
    // Full jitter of min(8 s, 500 ms × 2^1) with random() = 0.5.
    expect(clock.sleeps).toEqual([500]);
  });

  it('when every attempt is a 503, then a transient steam_server_error after maxAttempts with growing backoff', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    for (let i = 0; i < 3; i++) replay.failNext(SEQ, { status: 503, body: '' });

    const error = await rejection(client().getMatchHistoryBySequenceNum(1, 1));

    expect(error.code).toBe('steam_server_error');
    expect(error.kind).toBe('transient');
    expect(statuses()).toEqual([503, 503, 503]);
    expect(clock.sleeps).toEqual([500, 1_000]);
  });

  const garbage = [
    {
      what: 'an HTML error page',
      body: '<html><head><title>Service Unavailable</title></head><body>Try again later</body></html>',
      code: 'steam_garbage_body',
    },
    {
      what: 'truncated JSON',
      body: '{"result":{"status":1,"matches":[{"match_id":4949330363,"match_seq',
      code: 'steam_garbage_body',
    },
    { what: 'an empty object', body: '{}', code: 'steam_invalid_body' },
    { what: 'a result without matches', body: '{"result":{"status":1}}', code: 'steam_invalid_body' },
  ];

  it.each(garbage)(
    'when the body is $what once, then it is retried and the call succeeds',
    async ({ body }) => {
      replay.failNext(SEQ, { status: 200, body });

      const matches = await client().getMatchHistoryBySequenceNum(ZAREP_MATCH.match_seq_num, 1);

      expect(matches[0]?.match_id).toBe(ZAREP_MATCH.match_id);
      expect(statuses()).toEqual([200, 200]);
    },
  );

  it.each(garbage)(
    'when the body is $what every time, then after maxAttempts a transient $code',
    async ({ body, code }) => {
      for (let i = 0; i < 3; i++) replay.failNext(SEQ, { status: 200, body });

      const error = await rejection(client({ maxAttempts: 3 }).getMatchHistoryBySequenceNum(1, 1));

      expect(error.code).toBe(code);
      expect(error.kind).toBe('transient');
      expect(error.message).toMatch(/^GetMatchHistoryBySequenceNum: /);
      expect(replay.requests).toHaveLength(3);
    },
  );

  it('when GetPlayerSummaries answers {} (no response envelope), then steam_invalid_body', async () => {
    for (let i = 0; i < 2; i++) replay.failNext(SUMMARIES, { status: 200, body: '{}' });

    const error = await rejection(client({ maxAttempts: 2 }).getPlayerSummaries(KNOWN_STEAMIDS));

    expect(error.code).toBe('steam_invalid_body');
    expect(replay.requests).toHaveLength(2);
  });

  it('when Valve answers 403, then permanent steam_forbidden and no retry', async () => {
    replay.failNext(SEQ, {
      status: 403,
      body: '<html><head><title>Forbidden</title></head><body>Access is denied.</body></html>',
      headers: { 'Content-Type': 'text/html' },
    });

    const error = await rejection(client().getMatchHistoryBySequenceNum(1, 1));

    expect(error.code).toBe('steam_forbidden');
    expect(error.kind).toBe('permanent');
    expect(replay.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('when Valve answers 400, then permanent steam_bad_request and no retry', async () => {
    replay.failNext(SEQ, { status: 400, body: '<html><body>Bad Request</body></html>' });

    const error = await rejection(client().getMatchHistoryBySequenceNum(1, 1));

    expect(error.code).toBe('steam_bad_request');
    expect(error.kind).toBe('permanent');
    expect(replay.requests).toHaveLength(1);
  });

  it('when nothing listens at the base URL, then a transient steam_unreachable after maxAttempts', async () => {
    const baseUrl = replay.baseUrl;
    await replay.close();

    const error = await rejection(client({ baseUrl, maxAttempts: 2 }).getHeroes());

    expect(error.code).toBe('steam_unreachable');
    expect(error.kind).toBe('transient');
    expect(clock.sleeps).toHaveLength(1);
    replay = await startValveReplay(); // for afterEach
  });
});

describe('getPlayerSummaries', () => {
  it('when 100 ids are asked for, then one request returns the known profiles with string steamids', async () => {
    const padding = Array.from({ length: 100 - KNOWN_STEAMIDS.length }, (_, i) =>
      String(76561190000000000n + BigInt(i)),
    );

    const players = await client().getPlayerSummaries([...KNOWN_STEAMIDS, ...padding]);

    expect(players.map((p) => p.steamid).sort()).toEqual([...KNOWN_STEAMIDS].sort());
    expect(players.find((p) => p.steamid === '76561198087842200')?.personaname).toBe('n1rmal');
    expect(replay.requests).toHaveLength(1);
    expect(replay.requests[0]?.query.steamids?.split(',')).toHaveLength(100);
  });

  it('when 101 ids are asked for, then it rejects before any request', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => String(76561197960265729n + BigInt(i)));

    const error = await rejection(client().getPlayerSummaries(ids));

    expect(error.code).toBe('steam_too_many_ids');
    expect(replay.requests).toHaveLength(0);
  });

  it('when no ids are asked for, then an empty list without a request', async () => {
    await expect(client().getPlayerSummaries([])).resolves.toEqual([]);
    expect(replay.requests).toHaveLength(0);
  });
});

describe('createSteamClientFromRequest', () => {
  it('when endpoints are called, then each builds its Valve path and query and parses through the envelope', async () => {
    const seen: { name: string; path: string; query: SteamEndpoint<unknown>['query'] }[] = [];
    const bodies: Record<string, unknown> = {
      GetHeroes: {
        result: { heroes: [{ id: 1, name: 'npc_dota_hero_antimage', localized_name: 'Anti-Mage' }] },
      },
      GetMatchHistory: { result: { status: 15, statusDetail: 'hidden' } },
    };
    const steam = createSteamClientFromRequest(<T>(endpoint: SteamEndpoint<T>) => {
      seen.push({ name: endpoint.name, path: endpoint.path, query: endpoint.query });
      try {
        return Promise.resolve(endpoint.parse(bodies[endpoint.name]));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    });

    await expect(steam.getHeroes()).resolves.toEqual([
      { id: 1, name: 'npc_dota_hero_antimage', localized_name: 'Anti-Mage' },
    ]);
    await expect(steam.getMatchHistory({ account_id: 5 })).rejects.toMatchObject({
      code: 'steam_private_profile',
    });
    expect(seen).toEqual([
      { name: 'GetHeroes', path: '/IEconDOTA2_570/GetHeroes/v1/', query: { language: 'en' } },
      { name: 'GetMatchHistory', path: '/IDOTA2Match_570/GetMatchHistory/v1/', query: { account_id: 5 } },
    ]);
  });
});

describe('key pool', () => {
  it('when two keys at 1 req/s are acquired in turn, then keys alternate and each key waits a second', async () => {
    const pool = createKeyPool(['a', 'b'], 1, clock);
    const got: { key: string; at: number }[] = [];

    for (let i = 0; i < 6; i++) got.push({ key: await pool.acquire(), at: clock.now() - T0 });

    expect(got).toEqual([
      { key: 'a', at: 0 },
      { key: 'b', at: 0 },
      { key: 'a', at: 1_000 },
      { key: 'b', at: 1_000 },
      { key: 'a', at: 2_000 },
      { key: 'b', at: 2_000 },
    ]);
    expect(clock.sleeps).toEqual([1_000, 1_000]);
  });

  it('when four acquisitions start at the same instant, then keys alternate and the second pair sleeps 1 s', async () => {
    // Time stands still while they are in flight: each acquisition reserves its slot before it sleeps.
    const sleeps: number[] = [];
    const pool = createKeyPool(['a', 'b'], 1, {
      now: () => T0,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });

    const keys = await Promise.all([1, 2, 3, 4].map(() => pool.acquire()));

    expect(keys).toEqual(['a', 'b', 'a', 'b']);
    expect(sleeps).toEqual([1_000, 1_000]);
  });

  it('when a key is penalised, then the other key is used until the penalty ends', async () => {
    const pool = createKeyPool(['a', 'b'], 1, clock);
    await pool.penalize('a', 3);
    const got: { key: string; at: number }[] = [];

    for (let i = 0; i < 4; i++) got.push({ key: await pool.acquire(), at: clock.now() - T0 });

    expect(got).toEqual([
      { key: 'b', at: 0 },
      { key: 'b', at: 1_000 },
      { key: 'b', at: 2_000 },
      { key: 'a', at: 3_000 },
    ]);
  });

  it('when a penalty is shorter than the pacing already reserved, then it does not bring the key forward', async () => {
    const pool = createKeyPool(['a'], 0.5, clock);
    await pool.acquire(); // next slot at +2 s
    await pool.penalize('a', 1);

    await pool.acquire();

    expect(clock.now() - T0).toBe(2_000);
  });

  it('when the pool is given no keys, then it fails naming STEAM_API_KEYS', () => {
    expect(() => createKeyPool([], 1, clock)).toThrow(/STEAM_API_KEYS/);
  });
});
