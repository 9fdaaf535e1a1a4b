// Tests for ingest.league-history: a league's GetMatchHistory pages → match-seq jobs for the matches we lack.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import type { AnyJobDefinition, JobContext } from '../../src/ingest/jobs/job.js';
import { leagueHistoryJob } from '../../src/ingest/jobs/league-history.job.js';
import { matchSeqJob } from '../../src/ingest/jobs/match-seq.job.js';
import { replayIngest } from '../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const HISTORY_PATH = '/IDOTA2Match_570/GetMatchHistory/v1/';
/** Shipped match 8591933650 (json_files/steam/odota_GetMatchHistoryBySequenceNum.json) was played in league 16110. */
const LEAGUE = 16110;
const LEAGUE_MATCH = { start_at_match_seq_num: 7215564751, matches_requested: 1, match_id: 8591933650 };

describe('ingest.league-history', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let ingest: IngestContext;
  let enqueued: { job: string; data: unknown }[];
  let ctx: JobContext;

  beforeAll(async () => {
    test = await createTestDatabase();
    ({ ingest, valve } = await replayIngest(test.db));
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });
  beforeEach(async () => {
    await test.db.raw('TRUNCATE matches, match_players, players, teams, leagues, deliveries CASCADE');
    enqueued = [];
    ctx = {
      ...ingest,
      enqueue: (job: AnyJobDefinition, data: unknown) => {
        enqueued.push({ job: job.name, data });
        return Promise.resolve();
      },
    };
  });

  it('when a league has a match we lack, then one match-seq job is queued for it, and none once stored', async () => {
    const before = valve.requests.length;
    await leagueHistoryJob.run(ctx, leagueHistoryJob.assertData({ league_id: LEAGUE }));
    expect(valve.requests.slice(before).filter((r) => r.path === HISTORY_PATH)[0]?.query).toMatchObject({
      league_id: String(LEAGUE),
      matches_requested: '100',
    });
    expect(enqueued).toEqual([{ job: 'ingest.match-seq', data: LEAGUE_MATCH }]);

    await matchSeqJob.run(ctx, LEAGUE_MATCH);
    enqueued = [];
    await leagueHistoryJob.run(ctx, { league_id: LEAGUE });
    expect(enqueued).toEqual([]);
  });

  it('when a league has no matches at Valve, then nothing is queued', async () => {
    await leagueHistoryJob.run(ctx, { league_id: 1 });
    expect(enqueued).toEqual([]);
  });

  it('when job data lacks a league id, then the assert names the job and the field', () => {
    expect(() => leagueHistoryJob.assertData({})).toThrow(
      /ingest\.league-history: data\.league_id must be a positive integer/,
    );
  });
});
