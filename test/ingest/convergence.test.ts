import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { AnyJobDefinition } from '../../src/ingest/jobs/job.js';
import { heroesJob } from '../../src/ingest/jobs/heroes.job.js';
import { leaguesJob } from '../../src/ingest/jobs/leagues.job.js';
import { matchSeqJob } from '../../src/ingest/jobs/match-seq.job.js';
import { playerSummariesJob } from '../../src/ingest/jobs/player-summaries.job.js';
import { pollLeaguesJob } from '../../src/ingest/jobs/poll-leagues.job.js';
import { pollPlayersJob } from '../../src/ingest/jobs/poll-players.job.js';
import { teamInfoJob } from '../../src/ingest/jobs/team-info.job.js';
import { storeMatches } from '../../src/store/matches.repo.js';
import { trackPlayer } from '../../src/store/players.repo.js';
import { upsertSubscription } from '../../src/store/subscriptions.repo.js';
import type { SteamMatch } from '../../src/ingest/steam/steam.schemas.js';
import { createJobRunner, type JobRunner } from '../support/job-runner.js';
import { replayIngest } from '../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/**
 * Content columns per table. "Last looked at" stamps (refreshed_at, history_checked_at, ingested_at) are left
 * out on purpose: re-checking a source moves them by design; convergence is about the data itself.
 */
const CONTENT: Record<string, string> = {
  matches:
    'match_id, match_seq_num, start_time, duration, radiant_win, radiant_score, dire_score, lobby_type, game_mode, leagueid, radiant_team_id, dire_team_id',
  match_players: 'match_id, player_slot, account_id, hero_id, kills, deaths, assists, net_worth, gold, items',
  players: 'account_id, steamid64, persona, avatar_url, profile_url, tracked, is_private',
  teams: 'team_id, name, tag, logo',
  leagues: 'league_id, name, tier',
  heroes: 'id, name, localized_name',
  deliveries: 'match_id, platform, channel_id, status',
};

async function checksums(test: TestDatabase): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const [table, columns] of Object.entries(CONTENT)) {
    const result = await test.db.raw<{ rows: { sum: string | null; count: number }[] }>(
      `SELECT md5(string_agg(row_text, '|' ORDER BY row_text)) AS sum, count(*)::int AS count
       FROM (SELECT (${columns})::text AS row_text FROM ${table}) AS t`,
    );
    sums[table] = `${result.rows[0]?.count}:${result.rows[0]?.sum}`;
  }
  return sums;
}

/** One ingest cycle as the scheduler would run it: polls, then the completion jobs, each drained to quiet. */
async function cycle(runner: JobRunner): Promise<void> {
  const periodic: AnyJobDefinition[] = [
    pollPlayersJob,
    pollLeaguesJob,
    playerSummariesJob,
    teamInfoJob,
    leaguesJob,
    heroesJob,
  ];
  for (const job of periodic) await runner.run(job, {});
}

async function stubCounts(test: TestDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['players', 'teams', 'leagues']) {
    counts[table] = (await test.db(table).whereNull('refreshed_at').pluck('refreshed_at')).length;
  }
  return counts;
}

describe('convergence over the shipped data', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let runner: JobRunner;

  beforeAll(async () => {
    test = await createTestDatabase();
    const replay = await replayIngest(test.db);
    valve = replay.valve;
    runner = createJobRunner(replay.ingest);
    for (const accountId of [177062248, 120269134, 907868339]) await trackPlayer(test.db, accountId);
    const subscription = { platform: 'discord', guild_id: '1', channel_id: '2', created_by: '3' } as const;
    await upsertSubscription(test.db, { ...subscription, target_kind: 'league', target_id: 600 });
    await upsertSubscription(test.db, { ...subscription, target_kind: 'team', target_id: 1375614 });
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });

  it('when two cycles have run, then every stub the data can complete is complete', async () => {
    await cycle(runner);
    await cycle(runner);
    expect(await stubCounts(test)).toEqual({ players: 0, teams: 0, leagues: 0 });
    expect(await test.db('players').where({ account_id: 120269134 }).first()).toMatchObject({
      persona: 'Cherno Billy',
    });
    expect(await test.db('teams').where({ team_id: 1375614 }).first()).toMatchObject({
      name: 'Newbee',
      logo: '794064971723724234',
    });
    expect(await test.db('leagues').where({ league_id: 600 }).first()).toMatchObject({
      tier: expect.anything() as unknown,
    });
    const stored = await test.db('matches').orderBy('match_id').pluck('match_id');
    expect(stored).toEqual(expect.arrayContaining([789645621, 1781962623, 4949300197, 8591933650]));
  });

  it('when a further full cycle runs, then no content changes in any table', async () => {
    const before = await checksums(test);
    await cycle(runner);
    expect(await checksums(test)).toEqual(before);
  });

  it('when pages arrive duplicated and out of order, then each match is stored once and correctly', async () => {
    const before = await checksums(test);
    const page = await runner.ctx.steam.getMatchHistoryBySequenceNum(4151934576, 100);
    const shuffled: SteamMatch[] = [...page.slice(50), ...page, ...page.slice(0, 50)].reverse();
    await test.db.transaction((trx) => storeMatches(trx, shuffled.slice(0, 100)));
    await test.db.transaction((trx) => storeMatches(trx, shuffled.slice(100)));
    await test.db.transaction((trx) => storeMatches(trx, page));
    expect(
      await test.db('matches').whereBetween('match_seq_num', [4151934576, 4151934760]).pluck('match_id'),
    ).toHaveLength(100);
    expect((await checksums(test)).match_players).not.toEqual(before.match_players);
    const again = await checksums(test);
    await test.db.transaction((trx) => storeMatches(trx, shuffled));
    expect(await checksums(test)).toEqual(again);
  });

  it('when two jobs store the same match at once, then one row results and neither fails', async () => {
    const data = { start_at_match_seq_num: 4655597189, matches_requested: 1, match_id: 5548608983 };
    await Promise.all([matchSeqJob.run(runner.ctx, data), matchSeqJob.run(runner.ctx, data)]);
    expect(await test.db('match_players').where({ match_id: 5548608983 }).pluck('player_slot')).toHaveLength(
      10,
    );
  });

  it('when a worker dies between fetching and storing, then nothing is half written and a rerun completes it', async () => {
    const matches = await runner.ctx.steam.getMatchHistoryBySequenceNum(1295176476, 1);
    await expect(
      test.db.transaction(async (trx) => {
        await storeMatches(trx, matches);
        throw new Error('worker killed mid-transaction');
      }),
    ).rejects.toThrow('killed');
    expect(await test.db('matches').where({ match_id: 1443560328 }).first()).toBeUndefined();
    expect(await test.db('match_players').where({ match_id: 1443560328 }).first()).toBeUndefined();
    await matchSeqJob.run(runner.ctx, {
      start_at_match_seq_num: 1295176476,
      matches_requested: 1,
      match_id: 1443560328,
    });
    expect(await test.db('match_players').where({ match_id: 1443560328 }).pluck('player_slot')).toHaveLength(
      10,
    );
  });
});
