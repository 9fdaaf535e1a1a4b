// Tests for the vanity, team and league endpoints and resolvePlayer against the Valve replay server.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { startValveReplay, type ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { listen } from '../../src/http/listen.js';
import { resolvePlayer } from '../../src/ingest/resolve-player.js';
import { createDota2WebApiRequest } from '../../src/ingest/steam/dota2-webapi.js';
import { createKeyPool } from '../../src/ingest/steam/key-pool.js';
import { createSteamClientFromRequest, type SteamClient } from '../../src/ingest/steam/steam-client.js';
import { vanityNameOf } from '../../src/ingest/steam/steam-ids.js';
import { createSteamRequest } from '../../src/ingest/steam/steam-request.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('silent');
const STEAM_KEY = 'secret-steam-key';
/** json_files/steam/odota2015_GetPlayerSummaries_8players.json: profileurl http://steamcommunity.com/id/fredeernice/ */
const VANITY = { name: 'fredeernice', steamid: '76561197972504844', accountId: 12239116 };
const NEWBEE = { team_id: 1375614, name: 'Newbee', tag: 'Newbee', logo: '794064971723724234' };

function clientFor(steamBaseUrl: string, dota2BaseUrl: string): SteamClient {
  const common = { timeoutMs: 5_000, maxAttempts: 1, clock: systemClock, log };
  return createSteamClientFromRequest(
    createSteamRequest({
      ...common,
      baseUrl: steamBaseUrl,
      keys: createKeyPool([STEAM_KEY], 1000, systemClock),
    }),
    { dota2WebApi: createDota2WebApiRequest({ ...common, baseUrl: dota2BaseUrl, requestsPerSecond: 1000 }) },
  );
}

describe('vanity, team and league endpoints', () => {
  let valve: ValveReplay;
  let steam: SteamClient;

  beforeAll(async () => {
    valve = await startValveReplay();
    steam = clientFor(valve.baseUrl, valve.baseUrl);
  });
  afterAll(async () => {
    await valve.close();
  });

  it('when GetHeroes reports success as status 200 (as Valve does), then the heroes parse', async () => {
    const heroes = await steam.getHeroes();
    expect(heroes).toHaveLength(126);
    expect(heroes[0]).toEqual({ id: 1, name: 'npc_dota_hero_antimage', localized_name: 'Anti-Mage' });
  });

  it('when GetHeroes reports another status, then it is still rejected', async () => {
    valve.failNext('/IEconDOTA2_570/GetHeroes/v1/', { status: 200, body: '{"result":{"status":8}}' });
    await expect(steam.getHeroes()).rejects.toMatchObject({ code: 'steam_rejected' });
  });

  it('when a custom URL name exists, then ResolveVanityURL gives its steamid64 as a string', async () => {
    await expect(steam.resolveVanityUrl(VANITY.name)).resolves.toBe(VANITY.steamid);
  });

  it('when a custom URL name does not exist (success 42), then the result is null', async () => {
    await expect(steam.resolveVanityUrl('no-such-name-here')).resolves.toBeNull();
  });

  it('when ResolveVanityURL answers another success code, then it is a classified steam_rejected error', async () => {
    valve.failNext('/ISteamUser/ResolveVanityURL/v1/', {
      status: 200,
      body: '{"response":{"success":2,"message":"Invalid URL"}}',
    });
    await expect(steam.resolveVanityUrl(VANITY.name)).rejects.toMatchObject({
      code: 'steam_rejected',
      kind: 'permanent',
    });
  });

  it('when a team exists, then GetTeamInfoByTeamID gives it with the exact 64-bit logo string', async () => {
    const team = await steam.getTeamInfo(NEWBEE.team_id);
    expect(team).toMatchObject(NEWBEE);
    expect(valve.requests.at(-1)?.query).toEqual({ start_at_team_id: '1375614', teams_requested: '1' });
  });

  it('when the team id does not exist, then the next team Valve returns is not mistaken for it', async () => {
    await expect(steam.getTeamInfo(NEWBEE.team_id - 1)).resolves.toBeNull();
    await expect(steam.getTeamInfo(4_000_000_000)).resolves.toBeNull();
  });

  it('when the league list is fetched, then the shipped leagues come back parsed', async () => {
    const leagues = await steam.getLeagueInfoList();
    expect(leagues).toContainEqual(
      expect.objectContaining({ league_id: 600, name: 'The International 2014', tier: 2 }),
    );
    expect(valve.requests.at(-1)).toMatchObject({
      path: '/webapi/IDOTA2League/GetLeagueInfoList/v001',
      status: 200,
    });
  });

  it('when the league list has no infos array, then it is a transient invalid-body error', async () => {
    valve.failNext('/webapi/IDOTA2League/GetLeagueInfoList/v001', { status: 200, body: '{"result":{}}' });
    await expect(steam.getLeagueInfoList()).rejects.toMatchObject({
      code: 'steam_invalid_body',
      kind: 'transient',
    });
  });

  it('when no dota2.com request is configured, then the league list fails with config_missing', async () => {
    const steamOnly = createSteamClientFromRequest(
      createSteamRequest({
        baseUrl: valve.baseUrl,
        keys: createKeyPool([STEAM_KEY], 1000, systemClock),
        timeoutMs: 5_000,
        clock: systemClock,
        log,
      }),
    );
    await expect(steamOnly.getLeagueInfoList()).rejects.toMatchObject({ code: 'config_missing' });
  });
});

describe('the dota2.com host', () => {
  it('when the league list is fetched, then our Steam key is not sent to that host', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"infos":[{"league_id":600,"name":"The International 2014","tier":2}]}');
    });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const steam = clientFor('http://127.0.0.1:9', `http://127.0.0.1:${port}`);
      await expect(steam.getLeagueInfoList()).resolves.toHaveLength(1);
      expect(seen).toHaveLength(1);
      const url = new URL(seen[0] ?? '', 'http://x');
      expect(url.pathname).toBe('/webapi/IDOTA2League/GetLeagueInfoList/v001');
      expect(url.searchParams.get('key') ?? '').toBe('');
      expect(seen[0]).not.toContain(STEAM_KEY);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('resolvePlayer', () => {
  let valve: ValveReplay;
  let steam: SteamClient;

  beforeAll(async () => {
    valve = await startValveReplay();
    steam = clientFor(valve.baseUrl, valve.baseUrl);
  });
  afterAll(async () => {
    await valve.close();
  });

  it('when given a custom URL name or a steamcommunity.com/id/ URL, then Valve resolves it to the account id', async () => {
    await expect(resolvePlayer(VANITY.name, steam)).resolves.toBe(VANITY.accountId);
    await expect(resolvePlayer(`https://steamcommunity.com/id/${VANITY.name}/`, steam)).resolves.toBe(
      VANITY.accountId,
    );
    const asked = valve.requests.filter((request) => request.path.includes('ResolveVanityURL'));
    expect(asked.map((request) => request.query.vanityurl)).toEqual([VANITY.name, VANITY.name]);
  });

  it('when given an account id, a steamid64 or a /profiles/ URL, then no Valve call is made', async () => {
    const before = valve.requests.length;
    await expect(resolvePlayer('86745912', steam)).resolves.toBe(86745912);
    await expect(resolvePlayer(VANITY.steamid, steam)).resolves.toBe(VANITY.accountId);
    await expect(resolvePlayer(`steamcommunity.com/profiles/${VANITY.steamid}`, steam)).resolves.toBe(
      VANITY.accountId,
    );
    expect(valve.requests.length).toBe(before);
  });

  it('when the custom URL name is unknown, then the error names the input for the user', async () => {
    const error = await resolvePlayer('https://steamcommunity.com/id/nobody-has-this/', steam).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'steam_vanity_not_found', kind: 'permanent' });
    expect((error as { userMessage: string }).userMessage).toContain('nobody-has-this');
  });

  it('when the input is garbage, then it is rejected as unreadable without asking Valve', async () => {
    const before = valve.requests.length;
    for (const input of ['hello world!!', 'https://example.com/id/someone', 'a', '0']) {
      const error = await resolvePlayer(input, steam).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'invalid_steam_id' });
      expect((error as { userMessage: string }).userMessage).toContain(input);
    }
    expect(valve.requests.length).toBe(before);
  });
});

describe('vanityNameOf', () => {
  it('when given names and /id/ URLs, then only well-formed custom URL names come out', () => {
    expect(vanityNameOf('  fredeernice ')).toBe('fredeernice');
    expect(vanityNameOf('http://www.steamcommunity.com/id/Some_Name-1/')).toBe('Some_Name-1');
    expect(vanityNameOf('steamcommunity.com/id/x')).toBeNull(); // one character: too short for Steam
    expect(vanityNameOf('123456')).toBeNull(); // digits are ids, not names
    expect(vanityNameOf('steamcommunity.com/profiles/76561197972504844')).toBeNull();
    expect(vanityNameOf('two words')).toBeNull();
  });
});
