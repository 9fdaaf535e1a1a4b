// Tests for the replay lookups: teams, dota2.com leagues, vanity names, league history, GetMatchDetails.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startValveReplay, type ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { parseLosslessJson } from '../../src/ingest/steam/lossless-json.js';

const TEAMS = '/IDOTA2Match_570/GetTeamInfoByTeamID/v1/';
const LEAGUES = '/webapi/IDOTA2League/GetLeagueInfoList/v001';
const VANITY = '/ISteamUser/ResolveVanityURL/v1/';
const HISTORY = '/IDOTA2Match_570/GetMatchHistory/v1/';
const DETAILS = '/IDOTA2Match_570/GetMatchDetails/v1/';

const shipped = (file: string) =>
  readFile(new URL(`../../json_files/steam/${file}`, import.meta.url), 'utf8');

interface Team {
  team_id: number;
  name: string;
  tag: string;
  logo: number | string;
}

let replay: ValveReplay;

async function get(path: string, params: Record<string, string | number> = {}, key: string | null = 'k') {
  const url = new URL(path, replay.baseUrl);
  if (key !== null) url.searchParams.set('key', key);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  const res = await fetch(url);
  return { res, text: await res.text() };
}

async function teams(params: Record<string, string | number>) {
  const { res, text } = await get(TEAMS, params);
  expect(res.status).toBe(200);
  const body = parseLosslessJson(text) as { result: { status: number; teams: Team[] } };
  expect(body.result.status).toBe(1);
  return { text, teams: body.result.teams };
}

beforeAll(async () => {
  replay = await startValveReplay({ vanityNames: { 'added-name': '76561198080534862' } });
});
afterAll(async () => {
  await replay.close();
});

describe('GetTeamInfoByTeamID', () => {
  it('when a known team id is asked with teams_requested 1, then that team comes back with its full 64-bit logo', async () => {
    const { text, teams: page } = await teams({ start_at_team_id: 1375614, teams_requested: 1 });
    expect(page).toHaveLength(1);
    expect(page[0]).toMatchObject({
      team_id: 1375614,
      name: 'Newbee',
      tag: 'Newbee',
      logo: '794064971723724234',
    });
    const served = text.slice('{"result":{"status":1,"teams":['.length, -']}}'.length);
    expect(await shipped('vinnicc_GetTeamInfoByTeamID_1375614.json')).toContain(served);
  });

  it('when the team id does not exist, then the next team comes back and the caller must check the id', async () => {
    const { teams: page } = await teams({ start_at_team_id: 4, teams_requested: 1 });
    expect(page.map((t) => t.team_id)).toEqual([5]);
    expect(page[0]?.name).toBe('Invictus Gaming');
  });

  it('when teams_requested is absent, then up to 100 teams come back ascending from the start id', async () => {
    const { teams: page } = await teams({ start_at_team_id: 0 });
    expect(page).toHaveLength(100);
    expect(page[0]).toMatchObject({ team_id: 2, name: 'Zenith' });
    const ids = page.map((t) => t.team_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const rest = await teams({ start_at_team_id: 347 });
    expect(rest.teams.map((t) => t.team_id)).toEqual([1375614]);
  });

  it('when the start id is past every team, then the page is empty', async () => {
    expect((await teams({ start_at_team_id: 1375615 })).teams).toEqual([]);
  });
});

describe('GetLeagueInfoList (www.dota2.com)', () => {
  it('when asked without a key, then the shipped infos body is served as-is', async () => {
    const { res, text } = await get(LEAGUES, {}, null);
    expect(res.status).toBe(200);
    expect(text).toBe(await shipped('odota_GetLeagueInfoList_dota2com.json'));
    const body = JSON.parse(text) as { infos: { league_id: number; name: string; tier: number }[] };
    // Only TI 2014 is shipped: pool leagues 16110, 5399 and 2129 are absent and callers must tolerate that.
    expect(body.infos.map((l) => l.league_id)).toEqual([600]);
  });
});

describe('ResolveVanityURL', () => {
  it('when a name from a shipped /id/<name>/ profile URL is asked, then its steamid64 comes back', async () => {
    const { res, text } = await get(VANITY, { vanityurl: 'kabyct' });
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ response: { steamid: '76561198055036062', success: 1 } });
    expect(JSON.parse((await get(VANITY, { vanityurl: 'fredeernice' })).text)).toEqual({
      response: { steamid: '76561197972504844', success: 1 },
    });
  });

  it('when a name was added through the vanityNames option, then it resolves too', async () => {
    const { text } = await get(VANITY, { vanityurl: 'added-name' });
    expect(JSON.parse(text)).toEqual({ response: { steamid: '76561198080534862', success: 1 } });
  });

  it('when the name is unknown, then success is 42 with "No match" and HTTP 200', async () => {
    const { res, text } = await get(VANITY, { vanityurl: 'nobody-here' });
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ response: { success: 42, message: 'No match' } });
  });

  it('when vanityurl is missing, then Valve answers 400', async () => {
    expect((await get(VANITY)).res.status).toBe(400);
  });
});

describe('GetMatchHistory by league', () => {
  it('when a league_id is paged with start_at_match_id below its only match, then the page is empty', async () => {
    const first = JSON.parse((await get(HISTORY, { league_id: 2129, matches_requested: 1 })).text) as {
      result: { total_results: number; results_remaining: number; matches: { match_id: number }[] };
    };
    expect(first.result.matches.map((m) => m.match_id)).toEqual([1430857330]);
    expect(first.result).toMatchObject({ total_results: 1, results_remaining: 0 });
    const next = JSON.parse(
      (await get(HISTORY, { league_id: 2129, start_at_match_id: 1430857329 })).text,
    ) as typeof first;
    expect(next.result).toMatchObject({ total_results: 1, results_remaining: 0, matches: [] });
  });
});

describe('GetMatchDetails since 7.36', () => {
  it('when any match is asked, then the answer is {} with HTTP 200', async () => {
    const { res, text } = await get(DETAILS, { match_id: 789645621 });
    expect(res.status).toBe(200);
    expect(text).toBe('{}');
  });

  it('when configured as broken, then the answer is a 500 HTML page', async () => {
    const broken = await startValveReplay({ matchDetails: 'serverError' });
    try {
      const res = await fetch(`${broken.baseUrl}${DETAILS}?key=k&match_id=789645621`);
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(broken.stats().GetMatchDetails?.serverError).toBe(1);
    } finally {
      await broken.close();
    }
  });
});
