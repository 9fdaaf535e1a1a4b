// Tests for ingest.league-history: a league's GetMatchHistory pages → match-seq jobs for the matches we lack.
import { describe, expect, it } from 'vitest';
import { leagueHistoryJob } from '../../src/ingest/jobs/league-history.job.js';
import { matchSeqJob } from '../../src/ingest/jobs/match-seq.job.js';
import { useReplaySuite } from '../support/replay-suite.js';

const HISTORY_PATH = '/IDOTA2Match_570/GetMatchHistory/v1/';
/** Shipped match 8591933650 (json_files/steam/odota_GetMatchHistoryBySequenceNum.json) was played in league 16110. */
const LEAGUE = 16110;
const LEAGUE_MATCH = { start_at_match_seq_num: 7215564751, matches_requested: 1, match_id: 8591933650 };

describe('ingest.league-history', () => {
  const suite = useReplaySuite({ truncate: 'matches, match_players, players, teams, leagues, deliveries' });

  it('when a league has a match we lack, then one match-seq job is queued for it, and none once stored', async () => {
    const before = suite.valve.requests.length;
    await leagueHistoryJob.run(suite.ctx, leagueHistoryJob.assertData({ league_id: LEAGUE }));
    expect(suite.valve.requests.slice(before).filter((r) => r.path === HISTORY_PATH)[0]?.query).toMatchObject(
      {
        league_id: String(LEAGUE),
        matches_requested: '100',
      },
    );
    expect(suite.enqueued).toEqual([{ job: 'ingest.match-seq', data: LEAGUE_MATCH }]);

    await matchSeqJob.run(suite.ctx, LEAGUE_MATCH);
    suite.enqueued = [];
    await leagueHistoryJob.run(suite.ctx, { league_id: LEAGUE });
    expect(suite.enqueued).toEqual([]);
  });

  it('when a league has no matches at Valve, then nothing is queued', async () => {
    await leagueHistoryJob.run(suite.ctx, { league_id: 1 });
    expect(suite.enqueued).toEqual([]);
  });

  it('when job data lacks a league id, then the assert names the job and the field', () => {
    expect(() => leagueHistoryJob.assertData({})).toThrow(
      /ingest\.league-history: data\.league_id must be a positive integer/,
    );
  });
});
