// Player statistics over shipped matches stored through the real ingest path; expected numbers read off json_files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { ingestMatchById } from '../../src/ingest/fetch-match.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import { playerSummariesJob } from '../../src/ingest/jobs/player-summaries.job.js';
import { ingestSequencePage } from '../../src/ingest/store-page.js';
import { storeMatches } from '../../src/store/matches.repo.js';
import { heroPool, playerSummary, recentMatches } from '../../src/store/player-stats.repo.js';
import { replayIngest } from '../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/** The only account in two shipped matches (vinnicc_GetMatchDetails_1430857330 / _1443560328_units). */
const TWO_GAMES = 76482434;
/** 2019 page, match 4949340618: slot 2 (Radiant), Timbersaw (98), 6/15/13, 456 GPM, 438 XPM; Dire won. */
const LOST_2019 = 926048969;
/** 2019 page, match 4949300197: slot 128 (Dire), Lina (25), 8/2/21, 575 GPM, 749 XPM; Dire won. */
const WON_2019 = 174392777;
/** odota_GetMatchDetails_1781962623: slot 0 (Radiant), Radiant won; persona "Cherno Billy" in the summaries. */
const CHERNO = 120269134;
/** Never in any shipped match. */
const UNKNOWN = 4242;
/** Not a real account: used only by the matches derived below, so no other test sees them. */
const DERIVED_ACCOUNT = 4243;

describe('player-stats.repo', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let ingest: IngestContext;

  beforeAll(async () => {
    test = await createTestDatabase();
    ({ ingest, valve } = await replayIngest(test.db));
    await ingestSequencePage(ingest, 4151934576, 100); // the 2019 page
    for (const matchId of [1430857330, 1443560328, 1781962623]) await ingestMatchById(ingest, matchId);
    await playerSummariesJob.run({ ...ingest, enqueue: () => Promise.resolve() }, {});
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });

  describe('recentMatches', () => {
    it('when a player has two stored matches, then both come back newest first with side-aware results', async () => {
      expect(await recentMatches(test.db, TWO_GAMES, 10)).toEqual([
        {
          match_id: 1443560328,
          start_time: new Date(1430638606_000),
          duration: 1855,
          won: true, // slot 129 (Dire), radiant_win false
          hero_id: 80,
          hero_name: 'Lone Druid',
          kills: 7,
          deaths: 0,
          assists: 10,
          gold_per_min: 660,
          xp_per_min: 502,
        },
        {
          match_id: 1430857330,
          start_time: new Date(1430252064_000),
          duration: 3198,
          won: false, // slot 4 (Radiant), radiant_win false
          hero_id: 80,
          hero_name: 'Lone Druid',
          kills: 1,
          deaths: 3,
          assists: 2,
          gold_per_min: 536,
          xp_per_min: 472,
        },
      ]);
    });

    it('when the limit is smaller than the history, then only the newest matches are returned', async () => {
      const rows = await recentMatches(test.db, TWO_GAMES, 1);
      expect(rows.map((row) => row.match_id)).toEqual([1443560328]);
    });

    it.each([
      [LOST_2019, 4949340618, false, 'Timbersaw', [6, 15, 13, 456, 438, 1888]],
      [WON_2019, 4949300197, true, 'Lina', [8, 2, 21, 575, 749, 3122]],
    ])(
      'when account %i played one 2019 match, then its row matches the shipped page',
      async (accountId, matchId, won, hero, [kills, deaths, assists, gpm, xpm, duration]) => {
        const [row, ...rest] = await recentMatches(test.db, accountId, 10);
        expect(rest).toEqual([]);
        expect(row).toMatchObject({
          match_id: matchId,
          won,
          hero_name: hero,
          kills,
          deaths,
          assists,
          duration,
        });
        expect(row).toMatchObject({ gold_per_min: gpm, xp_per_min: xpm });
      },
    );

    it('when the account has no stored matches, then the list is empty', async () => {
      expect(await recentMatches(test.db, UNKNOWN, 10)).toEqual([]);
    });
  });

  describe('heroPool', () => {
    it('when a player played one hero twice, winning once, then it is one row with exact averages', async () => {
      // K/D/A 1/3/2 and 7/0/10: averages 4, 1.5, 6; KDA (8 + 12) / 3.
      const [row, ...rest] = await heroPool(test.db, TWO_GAMES, 5);
      expect(rest).toEqual([]);
      expect(row).toMatchObject({ hero_id: 80, hero_name: 'Lone Druid', games: 2, wins: 1, win_rate: 0.5 });
      expect(row).toMatchObject({ avg_kills: 4, avg_deaths: 1.5, avg_assists: 6 });
      expect(row?.kda).toBeCloseTo(20 / 3, 10);
    });

    it('when a player won or lost their only game, then the win rate is 1 or 0 and KDA is (K + A) / D', async () => {
      const [lina] = await heroPool(test.db, WON_2019, 5);
      expect(lina).toMatchObject({ games: 1, wins: 1, win_rate: 1, kda: 14.5 });
      const [timbersaw] = await heroPool(test.db, LOST_2019, 5);
      expect(timbersaw).toMatchObject({ games: 1, wins: 0, win_rate: 0, kda: 19 / 15 });
    });

    it('when the account has no stored matches, then the pool is empty', async () => {
      expect(await heroPool(test.db, UNKNOWN, 5)).toEqual([]);
    });
  });

  describe('playerSummary', () => {
    it('when a player has two stored matches, then games, wins and averages are exact', async () => {
      expect(await playerSummary(test.db, TWO_GAMES)).toEqual({
        account_id: TWO_GAMES,
        persona: null, // no shipped GetPlayerSummaries body names this account
        games: 2,
        wins: 1,
        win_rate: 0.5,
        avg_kills: 4,
        avg_deaths: 1.5,
        avg_assists: 6,
        avg_gpm: 598, // (536 + 660) / 2
        avg_xpm: 487, // (472 + 502) / 2
      });
    });

    it('when the profile was refreshed from the shipped summaries, then the persona comes with the record', async () => {
      expect(await playerSummary(test.db, CHERNO)).toMatchObject({
        persona: 'Cherno Billy',
        games: 1,
        wins: 1,
        win_rate: 1,
      });
    });

    it('when a player row exists without matches, then counts are zero and rates null', async () => {
      await test.db('players').insert({ account_id: UNKNOWN + 100, steamid64: '76561197960269970' });
      expect(await playerSummary(test.db, UNKNOWN + 100)).toEqual({
        account_id: UNKNOWN + 100,
        persona: null,
        games: 0,
        wins: 0,
        win_rate: null,
        avg_kills: null,
        avg_deaths: null,
        avg_assists: null,
        avg_gpm: null,
        avg_xpm: null,
      });
    });

    it('when the account was never seen, then there is no summary', async () => {
      expect(await playerSummary(test.db, UNKNOWN)).toBeNull();
    });
  });

  describe('over matches derived from a shipped one', () => {
    // No shipped account played two different heroes, so ordering is checked on copies of match 1443560328
    // (new ids, one seat given DERIVED_ACCOUNT and another hero, every other seat anonymous so the shipped
    // accounts' numbers above stay as they are). Slot 129 had 0 deaths, which tests KDA's floor of one.
    beforeAll(async () => {
      const [source] = await ingest.steam.getMatchHistoryBySequenceNum(1295176476, 1);
      if (source?.match_id !== 1443560328) throw new Error('replay did not serve match 1443560328');
      const copy = (n: number, slot: number, heroId: number) => ({
        ...source,
        match_id: 9_000_000_000 + n,
        match_seq_num: 9_000_000_000 + n,
        start_time: source.start_time + n * 3600,
        players: source.players.map((player) =>
          player.player_slot === slot
            ? { ...player, account_id: DERIVED_ACCOUNT, hero_id: heroId }
            : { ...player, account_id: 4294967295 },
        ),
      });
      // Slot 129 is 7/0/10 on the winning Dire side; slot 0 is on the losing Radiant side.
      const derived = [copy(1, 129, 1), copy(2, 0, 2), copy(3, 0, 2), copy(4, 129, 3), copy(5, 0, 3)];
      await test.db.transaction((trx) => storeMatches(trx, derived));
    });

    it('when heroes tie on games, then more wins rank first, and the limit cuts the rest', async () => {
      const pool = await heroPool(test.db, DERIVED_ACCOUNT, 2);
      // Bane (3): 2 games, 1 win; Axe (2): 2 games, 0 wins; Anti-Mage (1): 1 game, cut by the limit.
      expect(pool.map((row) => [row.hero_name, row.games, row.wins])).toEqual([
        ['Bane', 2, 1],
        ['Axe', 2, 0],
      ]);
    });

    it('when the only game on a hero had zero deaths, then KDA is kills plus assists', async () => {
      const pool = await heroPool(test.db, DERIVED_ACCOUNT, 10);
      expect(pool.find((row) => row.hero_id === 1)).toMatchObject({ hero_name: 'Anti-Mage', kda: 17 });
    });

    it('when start times differ, then recent matches follow them, newest first', async () => {
      const rows = await recentMatches(test.db, DERIVED_ACCOUNT, 3);
      expect(rows.map((row) => [row.match_id, row.won])).toEqual([
        [9_000_000_005, false],
        [9_000_000_004, true],
        [9_000_000_003, false],
      ]);
    });
  });
});
