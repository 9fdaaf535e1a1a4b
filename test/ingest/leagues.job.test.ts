// Tests for ingest.leagues: names and tiers from dota2.com's list, only for leagues we store or follow.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobContext } from '../../src/ingest/jobs/job.js';
import { leaguesJob } from '../../src/ingest/jobs/leagues.job.js';
import { createDota2WebApiRequest } from '../../src/ingest/steam/dota2-webapi.js';
import { createKeyPool } from '../../src/ingest/steam/key-pool.js';
import { createSteamClientFromRequest } from '../../src/ingest/steam/steam-client.js';
import { createSteamRequest } from '../../src/ingest/steam/steam-request.js';
import { findLeague } from '../../src/store/leagues.repo.js';
import { upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { useReplaySuite } from '../support/replay-suite.js';

const LEAGUES_PATH = '/webapi/IDOTA2League/GetLeagueInfoList/v001';
/** The one league of json_files/steam/odota_GetLeagueInfoList_dota2com.json. */
const TI_2014 = { league_id: 600, name: 'The International 2014', tier: 2 };
/** League of shipped match 8591933650; not in the shipped list. */
const UNLISTED = 16110;

describe('ingest.leagues', () => {
  const suite = useReplaySuite({ truncate: 'leagues, subscriptions' });
  let steam: JobContext['steam'];
  let ctx: JobContext;

  beforeAll(() => {
    const { clock, log } = suite.ingest;
    // The shared replay client has no dota2.com host; the replay server also serves that path.
    const common = { baseUrl: suite.valve.baseUrl, timeoutMs: 5_000, maxAttempts: 1, clock, log };
    steam = createSteamClientFromRequest(
      createSteamRequest({ ...common, keys: createKeyPool(['test-key'], 1000, clock) }),
      { dota2WebApi: createDota2WebApiRequest({ ...common, requestsPerSecond: 1000 }) },
    );
  });
  beforeEach(() => {
    ctx = { ...suite.ctx, steam };
  });

  const leagueCalls = (from: number) =>
    suite.valve.requests.slice(from).filter((request) => request.path === LEAGUES_PATH);

  it('when a stored league stub is in the list, then it gets its name, tier and refreshed_at; an unlisted one is only stamped checked', async () => {
    await suite.test.db('leagues').insert([{ league_id: TI_2014.league_id }, { league_id: UNLISTED }]);
    await leaguesJob.run(ctx, {});
    const league = await findLeague(suite.test.db, TI_2014.league_id);
    expect(league).toMatchObject(TI_2014);
    expect(league?.refreshed_at).toBeInstanceOf(Date);
    const unlisted = await findLeague(suite.test.db, UNLISTED);
    expect(unlisted).toMatchObject({ name: null });
    expect(unlisted?.refreshed_at).toBeInstanceOf(Date);
  });

  it('when a subscribed league has no row yet, then a row is made; unfollowed listed leagues are not stored', async () => {
    await upsertSubscription(suite.test.db, {
      platform: 'discord',
      guild_id: '1',
      channel_id: '2',
      target_kind: 'league',
      target_id: TI_2014.league_id,
      created_by: '3',
    });
    suite.valve.failNext(LEAGUES_PATH, {
      status: 200,
      body: JSON.stringify({
        infos: [
          { ...TI_2014, region: 1 },
          { league_id: 777, name: 'Nobody Follows This', tier: 1 },
          { ...TI_2014, region: 1 },
        ],
      }),
    });
    await leaguesJob.run(ctx, {});
    expect(await suite.test.db('leagues').orderBy('league_id').select('league_id', 'name', 'tier')).toEqual([
      TI_2014,
    ]);
  });

  it('when no league is stored or followed, then the list is not fetched at all', async () => {
    const before = suite.valve.requests.length;
    await leaguesJob.run(ctx, {});
    expect(leagueCalls(before)).toEqual([]);
  });
});
