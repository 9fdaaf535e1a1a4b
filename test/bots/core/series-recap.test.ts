// Checks a recap of a stored series game states the series score, counted from the games stored before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMatchRecap } from '../../../src/bots/core/match-recap.js';
import { loadRecapData } from '../../../src/bots/core/recap-data.js';
import type { ValveReplay } from '../../../src/fakes/valve-replay.server.js';
import type { SteamMatch } from '../../../src/ingest/steam/steam.schemas.js';
import { createRenderer } from '../../../src/render/renderer.js';
import { findMatch, storeMatches } from '../../../src/store/matches.repo.js';
import { replayIngest } from '../../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.js';

const PRO_MATCH = 8591933650; // Vitality Warriors (Radiant) beat Moonwalkers; Valve sent no series fields
const PRO_MATCH_SEQ = 7215564751;
const SERIES_ID = 880_001;
const BEST_OF_3 = 1;
const HOUR = 3600;

/** The same game with Radiant and Dire teams swapped (players stay in their slots: the count reads team ids). */
function swapSides(match: SteamMatch): SteamMatch {
  return {
    ...match,
    radiant_team_id: match.dire_team_id,
    dire_team_id: match.radiant_team_id,
    radiant_name: match.dire_name,
    dire_name: match.radiant_name,
    radiant_logo: match.dire_logo,
    dire_logo: match.radiant_logo,
  };
}

describe('series recap', () => {
  let test: TestDatabase;
  let valve: ValveReplay;

  beforeAll(async () => {
    test = await createTestDatabase();
    const replay = await replayIngest(test.db);
    valve = replay.valve;
    const [real] = await replay.ingest.steam.getMatchHistoryBySequenceNum(PRO_MATCH_SEQ, 1);
    if (real?.match_id !== PRO_MATCH) throw new Error(`replay did not serve match ${PRO_MATCH}`);
    // The shipped captures carry no series fields, so the series is built from variants of this one real game:
    // new ids, start times an hour apart, series fields, sides and winners chosen per game.
    const variant = (offset: number, changes: Partial<SteamMatch>): SteamMatch => ({
      ...real,
      match_id: PRO_MATCH + offset,
      match_seq_num: PRO_MATCH_SEQ + offset,
      start_time: real.start_time + offset * HOUR,
      series_id: SERIES_ID,
      series_type: BEST_OF_3,
      ...changes,
    });
    const game1 = { ...swapSides(variant(-1, {})), radiant_win: true }; // Moonwalkers win as Radiant
    const game2 = variant(0, {}); // the real game: Vitality Warriors win as Radiant
    const game3 = variant(1, { radiant_win: false }); // later: must not count towards game 2
    const otherSeries = variant(-24, { series_id: SERIES_ID - 1 }); // same teams the day before
    await test.db.transaction((trx) => storeMatches(trx, [otherSeries, game1, game2, game3]));
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });

  it('when game 2 of a stored best-of-3 is recapped, then the text gives the game number, the score before and after', async () => {
    const stored = (await findMatch(test.db, PRO_MATCH))!;

    const reply = await buildMatchRecap(createRenderer(), stored, await loadRecapData(test.db, stored));

    const lines = reply.text?.split('\n') ?? [];
    expect(lines[0]).toContain('**Vitality Warriors** 30 – 17 **Moonwalkers**');
    expect(lines[1]).toBe('Game 2 of a best-of-3 · Moonwalkers led 1–0 → 1–1, game 3 decides');
  });

  it('when the deciding game is recapped, then both earlier games count and the series winner is named', async () => {
    const stored = (await findMatch(test.db, PRO_MATCH + 1))!;

    const data = await loadRecapData(test.db, stored);

    expect(data.seriesGames.map((game) => game.match_id)).toEqual([PRO_MATCH - 1, PRO_MATCH]);
    const reply = await buildMatchRecap(createRenderer(), stored, data);
    expect(reply.text?.split('\n')[1]).toBe(
      'Game 3 of a best-of-3 · tied 1–1 → Moonwalkers win the series 2–1',
    );
  });
});
