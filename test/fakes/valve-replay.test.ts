// Tests for the Valve replay server: Valve's paths, parameters, envelopes and errors over the shipped captures.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startValveReplay, type ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { parseLosslessJson } from '../../src/ingest/steam/lossless-json.js';

const SEQ = '/IDOTA2Match_570/GetMatchHistoryBySequenceNum/v1/';
const HISTORY = '/IDOTA2Match_570/GetMatchHistory/v1/';
const HEROES = '/IEconDOTA2_570/GetHeroes/v1/';
const SUMMARIES = '/ISteamUser/GetPlayerSummaries/v2/';
const STEAMID64_BASE = 76561197960265728n;

const shipped = (file: string) =>
  readFile(new URL(`../../json_files/steam/${file}`, import.meta.url), 'utf8');

interface SeqMatch {
  match_id: number;
  match_seq_num: number;
  radiant_logo?: string | number;
  dire_logo?: string | number;
}
interface HistoryRow {
  match_id: number;
  match_seq_num: number;
  start_time: number;
  lobby_type: number;
  radiant_team_id: number;
  dire_team_id: number;
  players: { account_id: number; player_slot: number; hero_id: number }[];
}
interface HistoryPage {
  result: {
    status: number;
    num_results: number;
    total_results: number;
    results_remaining: number;
    matches: HistoryRow[];
  };
}

let replay: ValveReplay;

async function get(
  path: string,
  params: Record<string, string | number> = {},
  key: string | null = 'test-key',
) {
  const url = new URL(path, replay.baseUrl);
  if (key !== null) url.searchParams.set('key', key);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  const res = await fetch(url);
  return { res, text: await res.text() };
}

async function sequence(start: number | string, requested?: number) {
  const { res, text } = await get(SEQ, {
    start_at_match_seq_num: start,
    ...(requested === undefined ? {} : { matches_requested: requested }),
  });
  expect(res.status).toBe(200);
  const body = parseLosslessJson(text) as { result: { status: number; matches: SeqMatch[] } };
  expect(body.result.status).toBe(1);
  return { text, matches: body.result.matches };
}

async function history(params: Record<string, string | number>) {
  const { res, text } = await get(HISTORY, params);
  expect(res.status).toBe(200);
  return { text, body: JSON.parse(text) as HistoryPage };
}

beforeAll(async () => {
  replay = await startValveReplay({ privateAccounts: [120269134] });
});
afterAll(async () => {
  await replay.close();
});

describe('GetMatchHistoryBySequenceNum', () => {
  it('when paging from a seq num in the middle with matches_requested 3, then 3 ascending matches start there', async () => {
    const { matches } = await sequence(4151934650, 3);
    expect(matches.map((m) => m.match_seq_num)).toEqual([4151934650, 4151934652, 4151934659]);
    expect(matches[0]?.match_id).toBe(4949297879);
  });

  it('when the start seq num falls in a gap, then the page starts at the next seq num Valve has', async () => {
    const { matches } = await sequence(4151934651, 1);
    expect(matches.map((m) => m.match_seq_num)).toEqual([4151934652]);
  });

  it('when 500 matches are requested, then the page is capped at 100', async () => {
    const { matches } = await sequence(0, 500);
    expect(matches).toHaveLength(100);
    const seqs = matches.map((m) => m.match_seq_num);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('when matches_requested is absent, then up to 100 are served and the pool ends at the 2025 league match', async () => {
    const { matches } = await sequence(4151934700);
    expect(matches.length).toBeGreaterThan(1);
    expect(matches.at(-1)).toMatchObject({ match_id: 8591933650, match_seq_num: 7215564751 });
    expect((await sequence(7215564752)).matches).toEqual([]);
  });

  it('when a match carries 64-bit logos, then the body text holds them byte-identical to the shipped file', async () => {
    const { text, matches } = await sequence(7215564751, 1);
    expect(text).toContain('"radiant_logo": 2041868205277029400');
    expect(text).toContain('"dire_logo": 2446097424529632000');
    expect(matches[0]?.radiant_logo).toBe('2041868205277029400');

    const prefix = '{"result":{"status":1,"matches":[';
    expect(text.startsWith(prefix) && text.endsWith(']}}')).toBe(true);
    const served = text.slice(prefix.length, -3);
    expect(served.startsWith('{')).toBe(true);
    expect(await shipped('odota_GetMatchHistoryBySequenceNum.json')).toContain(served);
  });

  it('when a logo needs all 64 bits, then the served value is the exact one, not the rounded one', async () => {
    // 959719781654785292 rounds to 959719781654785300 through JSON.parse; the 2019 page has it exact.
    const { text, matches } = await sequence(4151934643, 1);
    expect(matches[0]?.dire_logo).toBe('959719781654785292');
    expect(await shipped('godoto_GetMatchHistoryBySequenceNum_100matches.json')).toContain(
      text.slice('{"result":{"status":1,"matches":['.length, -3),
    );
    const ti2014 = await sequence(709365483, 1);
    expect(ti2014.matches[0]).toMatchObject({ match_id: 789645621, radiant_logo: '794064971723724234' });
  });

  it('when start_at_match_seq_num is not a number, then Valve answers 400 with an HTML body', async () => {
    const { res, text } = await get(SEQ, { start_at_match_seq_num: 'abc' });
    expect(res.status).toBe(400);
    expect(text).toContain('Bad Request');
    expect(() => parseLosslessJson(text)).toThrow(SyntaxError);
  });

  it('when the version segment is V001, then it is accepted; when it is v2, then the path is unknown', async () => {
    const ok = await get('/IDOTA2Match_570/GetMatchHistoryBySequenceNum/V001/', {
      start_at_match_seq_num: 0,
      matches_requested: 1,
    });
    expect(ok.res.status).toBe(200);
    const wrong = await get('/IDOTA2Match_570/GetMatchHistoryBySequenceNum/v2/', {
      start_at_match_seq_num: 0,
    });
    expect(wrong.res.status).toBe(404);
  });
});

describe('GetMatchHistory', () => {
  it('when a pool account asks for history, then each row points at a match the sequence endpoint serves', async () => {
    // 76482434 played the 2015 league match 1430857330 and the ranked match 1443560328.
    const { body } = await history({ account_id: 76482434, matches_requested: 100 });
    expect(body.result).toMatchObject({ status: 1, num_results: 2, total_results: 2, results_remaining: 0 });
    expect(body.result.matches.map((m) => m.match_id)).toEqual([1443560328, 1430857330]);
    for (const row of body.result.matches) {
      expect(row.players.some((p) => p.account_id === 76482434)).toBe(true);
      const { matches } = await sequence(row.match_seq_num, 1);
      expect(matches[0]?.match_id).toBe(row.match_id);
    }
  });

  it('when the account is given as a steamid64, then the same rows come back', async () => {
    const steamid = (177062248n + STEAMID64_BASE).toString();
    const { body } = await history({ account_id: steamid });
    expect(body.result.matches).toHaveLength(1);
    expect(body.result.matches[0]).toMatchObject({
      match_id: 8591933650,
      match_seq_num: 7215564751,
      lobby_type: 1,
      radiant_team_id: 9048057,
      dire_team_id: 8970060,
    });
    expect(body.result.matches[0]?.players[0]).toEqual({
      account_id: 177062248,
      player_slot: 0,
      hero_id: 108,
    });
  });

  it('when paging with start_at_match_id and matches_requested 1, then rows are newest first at or below it', async () => {
    const first = await history({ account_id: 76482434, matches_requested: 1 });
    expect(first.body.result).toMatchObject({ num_results: 1, total_results: 2, results_remaining: 1 });
    const last = first.body.result.matches.at(-1)!;
    const next = await history({
      account_id: 76482434,
      matches_requested: 1,
      start_at_match_id: last.match_id - 1,
    });
    expect(next.body.result.matches.map((m) => m.match_id)).toEqual([1430857330]);
    expect(next.body.result.results_remaining).toBe(0);
  });

  it('when the account is private or anonymous, then the shipped status 15 body is served as-is with HTTP 200', async () => {
    const expected = await shipped('issue_NNTin_GetMatchHistory_status15_private.json');
    const configured = await history({ account_id: 120269134 });
    expect(configured.text).toBe(expected);
    expect((JSON.parse(configured.text) as { result: { status: number } }).result.status).toBe(15);
    expect((await history({ account_id: 4294967295 })).text).toBe(expected);

    expect((await history({ account_id: 76482434 })).body.result.status).toBe(1);
    replay.setPrivate(76482434);
    expect((await history({ account_id: 76482434 })).text).toBe(expected);
  });

  it('when no account, league or start is given, then the shipped history page is served as-is', async () => {
    const { text } = await history({});
    expect(text).toBe(await shipped('odota_GetMatchHistory.json'));
  });

  it('when a league_id is given, then only that league’s matches come back', async () => {
    const { body } = await history({ league_id: 600 });
    expect(body.result.matches.map((m) => m.match_id)).toEqual([789645621]);
    expect(body.result.matches[0]).toMatchObject({ radiant_team_id: 1375614, dire_team_id: 726228 });
  });

  it('when only start_at_match_id is given, then the matching row gives that match’s seq num', async () => {
    const { body } = await history({ start_at_match_id: 8591933650, matches_requested: 1 });
    expect(body.result.matches[0]).toMatchObject({ match_id: 8591933650, match_seq_num: 7215564751 });
  });
});

describe('GetHeroes and GetPlayerSummaries', () => {
  it('when heroes are requested, then the shipped body is served as-is', async () => {
    const { res, text } = await get(HEROES, { language: 'en' });
    expect(res.status).toBe(200);
    expect(text).toBe(await shipped('odota_GetHeroes.json'));
  });

  it('when summaries are requested, then only the requested known players come back under response', async () => {
    const { res, text } = await get(SUMMARIES, {
      steamids: '76561198080534862,76561197972504844,76561197960265729',
    });
    expect(res.status).toBe(200);
    const body = parseLosslessJson(text) as {
      response: { players: { steamid: string; personaname: string }[] };
    };
    expect(body.response.players.map((p) => p.steamid).sort()).toEqual([
      '76561197972504844',
      '76561198080534862',
    ]);
    expect(body.response.players.find((p) => p.steamid === '76561198080534862')?.personaname).toBe(
      'Cherno Billy',
    );
  });

  it('when more than 100 steamids are requested, then Valve answers 400', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => (STEAMID64_BASE + BigInt(i + 1)).toString()).join(',');
    const { res } = await get(SUMMARIES, { steamids: ids });
    expect(res.status).toBe(400);
    const hundred = ids.split(',').slice(0, 100).join(',');
    expect((await get(SUMMARIES, { steamids: hundred })).res.status).toBe(200);
  });
});

describe('keys, faults and bookkeeping', () => {
  it('when the key is missing, then Valve answers 403 with its HTML page', async () => {
    const { res, text } = await get(HEROES, {}, null);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(text).toContain('Please verify your <pre>key=</pre> parameter.');
  });

  it('when the path is unknown, then the answer is a 404 HTML page', async () => {
    const { res, text } = await get('/IDOTA2Match_570/GetLeagueListing/v1/');
    expect(res.status).toBe(404);
    expect(text).toContain('Not Found');
  });

  it('when faults are queued for an endpoint, then they are served once each and then real data resumes', async () => {
    replay.failNext(SEQ, { status: 500, body: '' });
    replay.failNext('/IDOTA2Match_570/GetMatchHistoryBySequenceNum/V001', {
      status: 200,
      body: '{"result":{"status":1,"matches":[{"match_id":1',
      headers: { 'Content-Type': 'application/json' },
    });
    replay.failNext(SEQ, { status: 200, body: '{}' });
    expect((await get(SEQ, { start_at_match_seq_num: 0 })).res.status).toBe(500);
    const truncated = await get(SEQ, { start_at_match_seq_num: 0 });
    expect(() => parseLosslessJson(truncated.text)).toThrow(SyntaxError);
    expect((await get(SEQ, { start_at_match_seq_num: 0 })).text).toBe('{}');
    expect((await sequence(0, 1)).matches).toHaveLength(1);
  });

  it('when requests are answered, then each is recorded with its path, status and query without the key', async () => {
    const before = replay.requests.length;
    await get(HISTORY, { account_id: 'x' });
    expect(replay.requests.slice(before)).toEqual([
      { path: HISTORY, query: { account_id: 'x' }, status: 400 },
    ]);
  });
});

describe('rate limit', () => {
  it('when a key exceeds its rate in a rolling second, then 429 with Retry-After, and success once the window passes', async () => {
    let now = 1_000_000;
    const limited = await startValveReplay({ ratePerSecond: 2, now: () => now });
    try {
      const call = (key: string) => fetch(`${limited.baseUrl}${HEROES}?key=${key}`);
      expect((await call('a')).status).toBe(200);
      now += 400;
      expect((await call('a')).status).toBe(200);
      const rejected = await call('a');
      expect(rejected.status).toBe(429);
      const retryAfter = rejected.headers.get('retry-after');
      expect(retryAfter).toBe('1');
      const rejectedBody = await rejected.text();
      expect(() => parseLosslessJson(rejectedBody)).toThrow(SyntaxError);
      expect((await call('b')).status).toBe(200); // the limit is per key

      now += 700; // the first call left the window, the second has not
      expect((await call('a')).status).toBe(200);
      expect((await call('a')).status).toBe(429);
      now += Number(retryAfter) * 1000;
      expect((await call('a')).status).toBe(200);
      expect(limited.requests.map((r) => r.status)).toEqual([200, 200, 429, 200, 200, 429, 200]);
    } finally {
      await limited.close();
    }
  });
});
