import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import type { AnyJobDefinition, JobContext } from '../../src/ingest/jobs/job.js';
import { matchSeqJob } from '../../src/ingest/jobs/match-seq.job.js';
import { playerHistoryJob } from '../../src/ingest/jobs/player-history.job.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { replayIngest } from '../support/replay-ingest.js';

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

  it('when a sequence page is ingested twice, then the second run changes nothing', async () => {
    const data = matchSeqJob.assertData({ start_at_match_seq_num: PAGE_START_SEQ, matches_requested: 100 });
    await matchSeqJob.run(ctx, data);
    const first = await tableCounts(test);
    await matchSeqJob.run(ctx, data);
    expect(await tableCounts(test)).toEqual(first);
    expect(first.matches).toBe(100);
    expect(first.match_players).toBe(1000);
  });

  it('when a match names unknown players, teams and a league, then each becomes a stub row', async () => {
    await matchSeqJob.run(ctx, {
      start_at_match_seq_num: 7215564751,
      matches_requested: 1,
      match_id: PRO_MATCH,
    });
    const player = await test
      .db('players')
      .where({ account_id: PRO_PLAYER })
      .first<{ steamid64: string; refreshed_at: Date | null }>();
    expect(player).toMatchObject({ steamid64: '76561198137327976', refreshed_at: null });
    const teams = await test.db('teams').orderBy('team_id').select('team_id', 'name', 'refreshed_at');
    expect(teams).toEqual([
      { team_id: 8970060, name: 'Moonwalkers', refreshed_at: null },
      { team_id: 9048057, name: 'Vitality Warriors', refreshed_at: null },
    ]);
    expect(await test.db('leagues').select('league_id', 'refreshed_at')).toEqual([
      { league_id: 16110, refreshed_at: null },
    ]);
  });

  it('when anonymous players are in a match, then their account id is stored as null and no stub is made', async () => {
    await matchSeqJob.run(ctx, { start_at_match_seq_num: PAGE_START_SEQ, matches_requested: 1 });
    const players = await test.db('match_players').where({ match_id: 4949341670 }).select('account_id');
    expect(players).toHaveLength(10);
    expect(players.every((row: { account_id: number | null }) => row.account_id === null)).toBe(true);
    expect(await test.db('players').where({ account_id: 4294967295 }).first()).toBeUndefined();
  });

  it('when a player history is checked twice, then only the first run queues the missing matches', async () => {
    await playerHistoryJob.run(ctx, { account_id: PRO_PLAYER });
    expect(enqueued).toEqual([
      {
        job: 'ingest.match-seq',
        data: { start_at_match_seq_num: 7215564751, matches_requested: 1, match_id: PRO_MATCH },
      },
    ]);
    for (const { data } of enqueued) await matchSeqJob.run(ctx, matchSeqJob.assertData(data));
    enqueued = [];
    await playerHistoryJob.run(ctx, { account_id: PRO_PLAYER });
    expect(enqueued).toEqual([]);
  });

  it('when the profile is private, then the player is marked private and the job ends without error', async () => {
    valve.setPrivate(PRO_PLAYER);
    await test
      .db('players')
      .insert({ account_id: PRO_PLAYER, steamid64: '76561198137327976', tracked: true });
    await playerHistoryJob.run(ctx, { account_id: PRO_PLAYER });
    expect(await test.db('players').where({ account_id: PRO_PLAYER }).first()).toMatchObject({
      is_private: true,
    });
    expect(enqueued).toEqual([]);
  });

  it('when Valve does not return the asked-for match, then the job fails permanently with match_not_found', async () => {
    await expect(
      matchSeqJob.run(ctx, { start_at_match_seq_num: 7215564751, matches_requested: 1, match_id: 123 }),
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
