import { describe, expect, it } from 'vitest';
import { matchSeqJob } from '../../src/ingest/jobs/match-seq.job.js';
import { playerHistoryJob } from '../../src/ingest/jobs/player-history.job.js';
import { useReplaySuite } from '../support/replay-suite.js';
import type { TestDatabase } from '../support/test-db.js';

/** The 2019 sequence page ships 100 matches starting here. */
const PAGE_START_SEQ = 4151934576;
const PRO_PLAYER = 177062248;
const PRO_MATCH = 8591933650;

async function tableCounts(test: TestDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['matches', 'match_players', 'players', 'teams', 'leagues', 'deliveries']) {
    const row = await test.db(table).count<{ count: string }>('* as count').first();
    counts[table] = Number(row?.count);
  }
  return counts;
}

describe('ingest jobs on real Postgres', () => {
  const suite = useReplaySuite({ truncate: 'matches, match_players, players, teams, leagues, deliveries' });

  it('when a sequence page is ingested twice, then the second run changes nothing', async () => {
    const data = matchSeqJob.assertData({ start_at_match_seq_num: PAGE_START_SEQ, matches_requested: 100 });
    await matchSeqJob.run(suite.ctx, data);
    const first = await tableCounts(suite.test);
    await matchSeqJob.run(suite.ctx, data);
    expect(await tableCounts(suite.test)).toEqual(first);
    expect(first.matches).toBe(100);
    expect(first.match_players).toBe(1000);
  });

  it('when a match names unknown players, teams and a league, then each becomes a stub row', async () => {
    await matchSeqJob.run(suite.ctx, {
      start_at_match_seq_num: 7215564751,
      matches_requested: 1,
      match_id: PRO_MATCH,
    });
    const player = await suite.test
      .db('players')
      .where({ account_id: PRO_PLAYER })
      .first<{ steamid64: string; refreshed_at: Date | null }>();
    expect(player).toMatchObject({ steamid64: '76561198137327976', refreshed_at: null });
    const teams = await suite.test.db('teams').orderBy('team_id').select('team_id', 'name', 'refreshed_at');
    expect(teams).toEqual([
      { team_id: 8970060, name: 'Moonwalkers', refreshed_at: null },
      { team_id: 9048057, name: 'Vitality Warriors', refreshed_at: null },
    ]);
    expect(await suite.test.db('leagues').select('league_id', 'refreshed_at')).toEqual([
      { league_id: 16110, refreshed_at: null },
    ]);
  });

  it('when anonymous players are in a match, then their account id is stored as null and no stub is made', async () => {
    await matchSeqJob.run(suite.ctx, { start_at_match_seq_num: PAGE_START_SEQ, matches_requested: 1 });
    const players = await suite.test.db('match_players').where({ match_id: 4949341670 }).select('account_id');
    expect(players).toHaveLength(10);
    expect(players.every((row: { account_id: number | null }) => row.account_id === null)).toBe(true);
    expect(await suite.test.db('players').where({ account_id: 4294967295 }).first()).toBeUndefined();
  });

  it('when a player history is checked twice, then only the first run queues the missing matches', async () => {
    await playerHistoryJob.run(suite.ctx, { account_id: PRO_PLAYER });
    expect(suite.enqueued).toEqual([
      {
        job: 'ingest.match-seq',
        data: { start_at_match_seq_num: 7215564751, matches_requested: 1, match_id: PRO_MATCH },
      },
    ]);
    for (const { data } of suite.enqueued) await matchSeqJob.run(suite.ctx, matchSeqJob.assertData(data));
    suite.enqueued = [];
    await playerHistoryJob.run(suite.ctx, { account_id: PRO_PLAYER });
    expect(suite.enqueued).toEqual([]);
  });

  it('when the profile is private, then the player is marked private and the job ends without error', async () => {
    suite.valve.setPrivate(PRO_PLAYER);
    await suite.test
      .db('players')
      .insert({ account_id: PRO_PLAYER, steamid64: '76561198137327976', tracked: true });
    await playerHistoryJob.run(suite.ctx, { account_id: PRO_PLAYER });
    expect(await suite.test.db('players').where({ account_id: PRO_PLAYER }).first()).toMatchObject({
      is_private: true,
    });
    expect(suite.enqueued).toEqual([]);
  });

  it('when Valve does not return the asked-for match, then the job fails permanently with match_not_found', async () => {
    await expect(
      matchSeqJob.run(suite.ctx, { start_at_match_seq_num: 7215564751, matches_requested: 1, match_id: 123 }),
    ).rejects.toMatchObject({ code: 'match_not_found', kind: 'permanent' });
  });

  it('when job data is malformed, then the assert names the job and the field', () => {
    expect(() => matchSeqJob.assertData({ start_at_match_seq_num: '12', matches_requested: 1 })).toThrow(
      /ingest\.match-seq: data\.start_at_match_seq_num must be a positive integer/,
    );
    expect(() => matchSeqJob.assertData({ start_at_match_seq_num: 1, matches_requested: 500 })).toThrow(
      /≤ 100/,
    );
  });
});
