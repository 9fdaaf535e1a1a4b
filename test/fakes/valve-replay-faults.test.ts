// Tests for the replay server's fault injection: per-endpoint faults, per-key pacing, latency and stats.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startValveReplay,
  type ValveReplay,
  type ValveReplayOptions,
} from '../../src/fakes/valve-replay.server.js';

const SEQ = '/IDOTA2Match_570/GetMatchHistoryBySequenceNum/v1/';
const HEROES = '/IEconDOTA2_570/GetHeroes/v1/';
const HISTORY = '/IDOTA2Match_570/GetMatchHistory/v1/';

const shipped = (file: string) =>
  readFile(new URL(`../../json_files/steam/${file}`, import.meta.url), 'utf8');

/** A `random` that returns the given draws in order and fails the test if asked for more. */
function scripted(...draws: number[]) {
  return () => {
    const next = draws.shift();
    if (next === undefined) throw new Error('scripted random: no draws left');
    return next;
  };
}

let replay: ValveReplay | undefined;
afterEach(async () => {
  await replay?.close();
  replay = undefined;
});

async function start(options: ValveReplayOptions) {
  replay = await startValveReplay(options);
  return replay;
}

async function get(path: string, params: Record<string, string | number> = {}, key = 'k') {
  const url = new URL(path, replay!.baseUrl);
  url.searchParams.set('key', key);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), res };
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('each fault kind at ratio 1', () => {
  it('when serverErrorRatio is 1, then a low draw gives 500 and a high draw 503, both HTML', async () => {
    await start({ faults: { GetHeroes: { serverErrorRatio: 1 } }, random: scripted(0.1, 0.9) });
    const [first, second] = [await get(HEROES), await get(HEROES)];
    expect([first.status, second.status]).toEqual([500, 503]);
    for (const answer of [first, second]) {
      expect(answer.type).toContain('text/html');
      expect(isJson(answer.text)).toBe(false);
    }
  });

  it('when htmlErrorRatio is 1, then the answer is 200 OK with an HTML page body', async () => {
    await start({ faults: { GetHeroes: { htmlErrorRatio: 1 } }, random: scripted(0.5) });
    const answer = await get(HEROES);
    expect(answer.status).toBe(200);
    expect(answer.type).toContain('text/html');
    expect(answer.text.startsWith('<html>')).toBe(true);
  });

  it('when truncatedRatio is 1, then the answer is the first half of the real body, status 200', async () => {
    await start({ faults: { GetHeroes: { truncatedRatio: 1 } }, random: scripted(0.5) });
    const real = await shipped('odota_GetHeroes.json');
    const answer = await get(HEROES);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(real.slice(0, Math.floor(real.length / 2)));
    expect(isJson(answer.text)).toBe(false);
  });

  it('when emptyObjectRatio is 1, then the answer is {} with status 200', async () => {
    await start({ faults: { GetMatchHistoryBySequenceNum: { emptyObjectRatio: 1 } }, random: scripted(0.5) });
    const answer = await get(SEQ, { start_at_match_seq_num: 0 });
    expect(answer).toMatchObject({ status: 200, text: '{}' });
  });

  it('when the real answer is an error, then truncation serves the error as it is', async () => {
    const server = await start({ faults: { GetMatchHistory: { truncatedRatio: 1 } }, random: scripted(0.5) });
    expect((await get(HISTORY, { account_id: 'x' })).status).toBe(400);
    expect(server.stats().GetMatchHistory).toMatchObject({ clientError: 1, truncated: 0 });
  });
});

describe('fault ratios with a scripted random', () => {
  it('when serverErrorRatio is 0.5, then draws below 0.5 fail and the others get real data', async () => {
    await start({ faults: { GetHeroes: { serverErrorRatio: 0.5 } }, random: scripted(0.1, 0.6, 0.2, 0.99) });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(HEROES)).status);
    expect(statuses).toEqual([500, 200, 500, 200]);
  });

  it('when all four ratios are 0.25, then the bands are server error, HTML, truncated, empty in that order', async () => {
    await start({
      faults: {
        GetHeroes: {
          serverErrorRatio: 0.25,
          htmlErrorRatio: 0.25,
          truncatedRatio: 0.25,
          emptyObjectRatio: 0.25,
        },
      },
      random: scripted(0.05, 0.3, 0.55, 0.8),
    });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get(HEROES));
    expect(answers.map((a) => a.status)).toEqual([500, 200, 200, 200]);
    expect(answers[1]?.type).toContain('text/html');
    expect(isJson(answers[2]?.text ?? '')).toBe(false);
    expect(answers[3]?.text).toBe('{}');
  });

  it('when no ratio is set, then random is never drawn', async () => {
    await start({ faults: { GetHeroes: { latencyMs: 0 } }, random: scripted() });
    expect((await get(HEROES)).status).toBe(200);
  });

  it('when faults are set at run time and then cleared, then they apply only in between', async () => {
    const server = await start({ random: scripted(0.5) });
    expect((await get(HEROES)).status).toBe(200);
    server.setFaults('GetHeroes', { emptyObjectRatio: 1 });
    expect((await get(HEROES)).text).toBe('{}');
    server.setFaults('GetHeroes', {});
    expect((await get(HEROES)).status).toBe(200);
  });

  it('when a failNext response is queued, then it wins over random faults', async () => {
    const server = await start({ faults: { GetHeroes: { serverErrorRatio: 1 } }, random: scripted(0.1) });
    server.failNext(HEROES, { status: 418, body: 'queued' });
    expect((await get(HEROES)).text).toBe('queued');
    expect((await get(HEROES)).status).toBe(500);
  });

  it('when a ratio is out of range or the ratios add up past 1, then setFaults throws', async () => {
    const server = await start({});
    expect(() => server.setFaults('GetHeroes', { serverErrorRatio: 1.5 })).toThrow(/0\.\.1/);
    expect(() => server.setFaults('GetHeroes', { serverErrorRatio: 0.6, emptyObjectRatio: 0.6 })).toThrow(
      /more than 1/,
    );
    expect(() => server.setFaults('GetHeroes', { ratePerSecondPerKey: 0 })).toThrow(/> 0/);
  });
});

describe('ratePerSecondPerKey', () => {
  /** Statuses of requests the server sees at the given times (ms), all with one key. */
  async function pacedStatuses(times: number[], rate: number, key = 'k') {
    let now = 0;
    await start({ faults: { GetHeroes: { ratePerSecondPerKey: rate } }, now: () => now });
    const statuses = [];
    for (const t of times) {
      now = t;
      statuses.push((await get(HEROES, {}, key)).status);
    }
    return statuses;
  }

  it('when a client sends exactly 1 request per second against 1/s, then none is refused', async () => {
    const times = Array.from({ length: 20 }, (_, i) => 1_000_000 + i * 1000);
    expect(await pacedStatuses(times, 1)).toEqual(times.map(() => 200));
  });

  it('when a 1/s client jitters by ±20 ms, then none is refused (5% tolerance)', async () => {
    const times = Array.from({ length: 20 }, (_, i) => 1_000_000 + i * 1000 + (i % 2 === 0 ? 20 : -20));
    expect(await pacedStatuses(times, 1)).toEqual(times.map(() => 200));
  });

  it('when a client sends 2 requests per second against 1/s, then every other one gets 429', async () => {
    const times = Array.from({ length: 8 }, (_, i) => 1_000_000 + i * 500);
    expect(await pacedStatuses(times, 1)).toEqual([200, 429, 200, 429, 200, 429, 200, 429]);
  });

  it('when a key is refused, then Retry-After says when, other keys and other endpoints are unaffected', async () => {
    let now = 5_000;
    const server = await start({ faults: { GetHeroes: { ratePerSecondPerKey: 0.5 } }, now: () => now });
    expect((await get(HEROES, {}, 'a')).status).toBe(200);
    now += 100;
    const refused = await get(HEROES, {}, 'a');
    expect(refused.status).toBe(429);
    expect(refused.res.headers.get('retry-after')).toBe('2');
    expect((await get(HEROES, {}, 'b')).status).toBe(200);
    expect((await get(SEQ, { start_at_match_seq_num: 0, matches_requested: 1 }, 'a')).status).toBe(200);
    expect(server.stats().GetHeroes).toMatchObject({ ok: 2, rateLimited: 1 });
  });
});

describe('latency', () => {
  it('when latencyMs is set, then every answer of that endpoint waits that long first', async () => {
    const waits: number[] = [];
    const server = await start({
      faults: { GetHeroes: { latencyMs: 250, serverErrorRatio: 0.5 } },
      random: scripted(0.1, 0.9),
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    expect((await get(HEROES)).status).toBe(500);
    expect((await get(HEROES)).status).toBe(200);
    await get(SEQ, { start_at_match_seq_num: 0, matches_requested: 1 });
    expect(waits).toEqual([250, 250]);
    server.setFaults('GetHeroes', {});
    await get(HEROES);
    expect(waits).toHaveLength(2);
  });

  it('when latencyMs is set with the real timer, then the answer takes at least about that long', async () => {
    await start({ faults: { GetHeroes: { latencyMs: 120 } } });
    const began = performance.now();
    expect((await get(HEROES)).status).toBe(200);
    expect(performance.now() - began).toBeGreaterThanOrEqual(100);
  });
});

describe('stats', () => {
  it('when a mix of answers is served, then each endpoint counts each outcome', async () => {
    let now = 0;
    const server = await start({
      faults: {
        GetHeroes: { serverErrorRatio: 0.2, htmlErrorRatio: 0.2, truncatedRatio: 0.2, emptyObjectRatio: 0.2 },
        GetMatchHistoryBySequenceNum: { ratePerSecondPerKey: 1 },
      },
      random: scripted(0.1, 0.3, 0.5, 0.7, 0.9),
      now: () => now,
    });
    for (let i = 0; i < 5; i++) await get(HEROES);
    await get(SEQ, { start_at_match_seq_num: 0, matches_requested: 1 });
    await get(SEQ, { start_at_match_seq_num: 0, matches_requested: 1 });
    now += 1000;
    server.failNext(SEQ, { status: 503, body: '' });
    await get(SEQ, { start_at_match_seq_num: 0 });
    await get('/IDOTA2Match_570/GetMatchDetails/v1/', { match_id: 1 });
    const noKey = await fetch(`${server.baseUrl}${HEROES}`);
    expect(noKey.status).toBe(403);

    const zero = {
      ok: 0,
      rateLimited: 0,
      serverError: 0,
      html: 0,
      truncated: 0,
      empty: 0,
      queued: 0,
      clientError: 0,
    };
    expect(server.stats()).toEqual({
      GetHeroes: { ...zero, ok: 1, serverError: 1, html: 1, truncated: 1, empty: 1, clientError: 1 },
      GetMatchHistoryBySequenceNum: { ...zero, ok: 1, rateLimited: 1, queued: 1 },
      GetMatchDetails: { ...zero, empty: 1 },
    });
  });
});
