// Hero statistics and stored drafts on real Postgres, checked against numbers counted by hand from json_files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import { ingestSequencePage } from '../../src/ingest/store-page.js';
import { createDb } from '../../src/store/db.js';
import { heroPicksBans, heroTotals, heroTrend } from '../../src/store/hero-stats.repo.js';
import { replayIngest } from '../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/** The 2019 page: 100 matches, 77 with ranked bans (216 draft steps), all played on 2019-08-05 (UTC). */
const PAGE_2019 = 4151934576;
/** match_seq_num of the four shipped league drafts: 8591933650 (24 steps), 3254426673, 1430857330, 789645621. */
const LEAGUE_SEQS = [7215564751, 2843189211, 1283900397, 709365483];
const SKYWRATH = 101;
const PUDGE = 14;

async function draftChecksum(test: TestDatabase): Promise<{ count: number; sum: string }> {
  const result = await test.db.raw<{ rows: { count: number; sum: string }[] }>(
    `SELECT count(*)::int AS count, md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum
     FROM (SELECT match_id, "order", is_pick, hero_id, team FROM match_picks_bans) t`,
  );
  const row = result.rows[0];
  if (!row) throw new Error('no checksum row');
  return row;
}

describe('hero statistics over the shipped data', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let ingest: IngestContext;

  beforeAll(async () => {
    test = await createTestDatabase();
    const replay = await replayIngest(test.db);
    valve = replay.valve;
    ingest = replay.ingest;
    await ingestSequencePage(ingest, PAGE_2019, 100);
    for (const seq of LEAGUE_SEQS) await ingestSequencePage(ingest, seq, 1);
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });

  it('when matches carry picks_bans, then every step is stored in Valve order, and only for those matches', async () => {
    const perMatch = await test
      .db('match_picks_bans')
      .groupBy('match_id')
      .select<{ match_id: number; steps: number }[]>('match_id', test.db.raw('count(*)::int AS steps'));
    const steps = new Map(perMatch.map((row) => [row.match_id, row.steps]));
    expect(steps.size).toBe(77 + 4);
    expect([8591933650, 3254426673, 1430857330, 789645621].map((id) => steps.get(id))).toEqual([
      24, 20, 20, 20,
    ]);
    expect(steps.get(4949341670)).toBe(2); // ranked, bans only
    expect(steps.has(4949331482)).toBe(false); // Random Draft: no picks_bans at all
    const first = await test
      .db('match_picks_bans')
      .where({ match_id: 8591933650 })
      .orderBy('order')
      .limit(3)
      .select('order', 'is_pick', 'hero_id', 'team');
    expect(first).toEqual([
      { order: 0, is_pick: false, hero_id: 21, team: 1 },
      { order: 1, is_pick: false, hero_id: 1, team: 0 },
      { order: 2, is_pick: false, hero_id: 4, team: 0 },
    ]);
  });

  it('when a league draft is stored, then the picks of each team are exactly the heroes its players played', async () => {
    const result = await test.db.raw<{ rows: { mismatches: number }[] }>(
      `SELECT count(*)::int AS mismatches FROM (
         (SELECT match_id, team, hero_id FROM match_picks_bans WHERE is_pick
          EXCEPT SELECT match_id, (player_slot >= 128)::int, hero_id FROM match_players)
         UNION ALL
         (SELECT mp.match_id, (mp.player_slot >= 128)::int, mp.hero_id FROM match_players mp
          JOIN matches m ON m.match_id = mp.match_id AND m.leagueid IS NOT NULL
          EXCEPT SELECT match_id, team, hero_id FROM match_picks_bans WHERE is_pick)
       ) t`,
    );
    expect(result.rows[0]?.mismatches).toBe(0);
  });

  it('when the same pages are stored twice, then match_picks_bans is unchanged', async () => {
    const before = await draftChecksum(test);
    expect(before.count).toBe(216 + 24 + 20 + 20 + 20);
    const again = await ingestSequencePage(ingest, PAGE_2019, 100);
    for (const seq of LEAGUE_SEQS) await ingestSequencePage(ingest, seq, 1);
    expect(again.newMatchIds).toEqual([]);
    expect(await draftChecksum(test)).toEqual(before);
  });

  it('when the trend is bucketed by month, then each period counts games and wins of that month', async () => {
    // Skywrath Mage: 1430857330 (2015-04-28, Radiant, lost), 3254426673 (2017-06-17, Radiant, lost), 13 on the
    // 2019 page with 8 wins.
    expect(await heroTrend(test.db, SKYWRATH, 'month')).toEqual([
      { periodStart: new Date('2015-04-01T00:00:00Z'), games: 1, wins: 0, winRate: 0 },
      { periodStart: new Date('2017-06-01T00:00:00Z'), games: 1, wins: 0, winRate: 0 },
      { periodStart: new Date('2019-08-01T00:00:00Z'), games: 13, wins: 8, winRate: 8 / 13 },
    ]);
  });

  it('when bucketed by week, then periods start on the Monday of the ISO week', async () => {
    const weeks = await heroTrend(test.db, SKYWRATH, 'week');
    expect(weeks.map((w) => w.periodStart.toISOString().slice(0, 10))).toEqual([
      '2015-04-27',
      '2017-06-12',
      '2019-08-05',
    ]);
  });

  it('when the session time zone is far from UTC, then day buckets still start at UTC midnight', async () => {
    // The 2019 games start 15:24–16:40 UTC: already 2019-08-06 in Auckland.
    const url = new URL(test.url);
    url.searchParams.set('options', '-c TimeZone=Pacific/Auckland');
    const auckland = createDb(url.toString(), { poolMax: 1 });
    try {
      const zone = await auckland.raw<{ rows: { TimeZone: string }[] }>('SHOW TimeZone');
      expect(zone.rows[0]?.TimeZone).toBe('Pacific/Auckland');
      const days = await heroTrend(auckland, PUDGE, 'day');
      expect(days).toEqual([
        { periodStart: new Date('2019-08-05T00:00:00Z'), games: 38, wins: 20, winRate: 20 / 38 },
        { periodStart: new Date('2025-12-05T00:00:00Z'), games: 1, wins: 1, winRate: 1 },
      ]);
    } finally {
      await auckland.destroy();
    }
  });

  it('when a hero was never played, then the trend is empty', async () => {
    expect(await heroTrend(test.db, 9999, 'day')).toEqual([]);
  });

  it('when an unknown bucket arrives at run time, then it is refused before any SQL', async () => {
    await expect(heroTrend(test.db, PUDGE, 'year' as 'day')).rejects.toThrow(RangeError);
  });

  it('when limited to league drafts, then picks and bans split by team, phase, position and pick number', async () => {
    // 1430857330: Radiant's 2nd pick (order 6, phase 1), lost; 8591933650: Dire ban at order 9 (phase 2 of
    // the 7-ban modern draft); 3254426673: Radiant's 5th and last pick (order 19, phase 3), lost.
    expect(await heroPicksBans(test.db, SKYWRATH, { leaguesOnly: true })).toEqual({
      drafts: 4,
      picks: 2,
      bans: 1,
      pickWins: 0,
      byTeam: { radiant: { picks: 2, bans: 0 }, dire: { picks: 0, bans: 1 } },
      byPhase: [
        { phase: 1, radiant: { picks: 1, bans: 0 }, dire: { picks: 0, bans: 0 } },
        { phase: 2, radiant: { picks: 0, bans: 0 }, dire: { picks: 0, bans: 1 } },
        { phase: 3, radiant: { picks: 1, bans: 0 }, dire: { picks: 0, bans: 0 } },
      ],
      byOrder: [
        { order: 6, picks: 1, bans: 0 },
        { order: 9, picks: 0, bans: 1 },
        { order: 19, picks: 1, bans: 0 },
      ],
      byPickNumber: [
        { pickNumber: 2, picks: 1 },
        { pickNumber: 5, picks: 1 },
      ],
      firstPhaseBans: 0,
    });
  });

  it('when one league is asked for, then only its drafts count', async () => {
    // The International 2014 (789645621): Sand King was Dire's 4th pick (order 14, phase 2); Radiant won.
    const ti = await heroPicksBans(test.db, 16, { leagueId: 600 });
    expect(ti).toMatchObject({ drafts: 1, picks: 1, bans: 0, pickWins: 0, firstPhaseBans: 0 });
    expect(ti.byPhase).toEqual([{ phase: 2, radiant: { picks: 0, bans: 0 }, dire: { picks: 1, bans: 0 } }]);
    expect(ti.byPickNumber).toEqual([{ pickNumber: 4, picks: 1 }]);
  });

  it('when ranked drafts count too, then their bans (all phase 1) join the league ones', async () => {
    // Sniper: 8 bans, 7 in phase 1 (1430857330 order 0 plus six ranked), one at order 18 of 8591933650.
    const sniper = await heroPicksBans(test.db, 35);
    expect(sniper).toMatchObject({ drafts: 81, picks: 0, bans: 8, firstPhaseBans: 7, byPickNumber: [] });
    // Pudge: one league pick, 8591933650 Radiant's 2nd (won).
    const pudge = await heroPicksBans(test.db, PUDGE);
    expect(pudge).toMatchObject({
      picks: 1,
      bans: 6,
      pickWins: 1,
      byPickNumber: [{ pickNumber: 2, picks: 1 }],
    });
  });

  it('when a hero has no draft step, then the counts are zero and the draft total is still given', async () => {
    expect(await heroPicksBans(test.db, 9999, { leagueId: 16110 })).toEqual({
      drafts: 1,
      picks: 0,
      bans: 0,
      pickWins: 0,
      byTeam: { radiant: { picks: 0, bans: 0 }, dire: { picks: 0, bans: 0 } },
      byPhase: [],
      byOrder: [],
      byPickNumber: [],
      firstPhaseBans: 0,
    });
  });

  it('when totals are asked for, then games, rates, averages and draft counts come in one row', async () => {
    const pudge = await heroTotals(test.db, PUDGE);
    expect(pudge).toMatchObject({
      heroId: PUDGE,
      name: 'Pudge',
      games: 39,
      wins: 21,
      winRate: 21 / 39,
      pickRate: 39 / 104,
      firstPlayed: new Date(1565018665_000),
      lastPlayed: new Date(1764977774_000),
      draftPicks: 1,
      draftBans: 6,
      drafts: 81,
    });
    expect(pudge.kills).toBeCloseTo(301 / 39, 10);
    expect(pudge.deaths).toBeCloseTo(342 / 39, 10);
    expect(pudge.assists).toBeCloseTo(639 / 39, 10);
  });

  it('when a hero was never seen, then totals are zeros and nulls, not an error', async () => {
    expect(await heroTotals(test.db, 9999)).toMatchObject({
      name: null,
      games: 0,
      wins: 0,
      winRate: null,
      pickRate: 0,
      kills: null,
      firstPlayed: null,
      draftPicks: 0,
    });
  });
});
