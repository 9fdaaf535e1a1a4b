// Checks the series line of a recap: game number, score before and after, formats, and when it hedges or stays silent.
import { describe, expect, it } from 'vitest';
import { seriesContext, type SeriesSubject } from '../../../src/bots/core/series-context.js';
import type { SeriesGame } from '../../../src/store/series.repo.js';

const VW = 9048057;
const MW = 8970060;
const NAMES: Record<number, string> = { [VW]: 'Vitality Warriors', [MW]: 'Moonwalkers' };
const BO3 = 1;
const BO5 = 2;
const BO2 = 3;
const SERIES_ID = 1_234_567;
const T0 = Date.UTC(2025, 11, 5, 12);
const HOUR = 3_600_000;

/** Game `index` of a series: hourly starts and 30-minute games, so every break is a usual 30 minutes. */
function game(index: number, radiant: number, dire: number, winner: number, hoursLate = 0): SeriesGame {
  return {
    match_id: 8_000_000_000 + index,
    start_time: new Date(T0 + (index - 1 + hoursLate) * HOUR),
    duration: 30 * 60,
    radiant_win: winner === radiant,
    radiant_team_id: radiant,
    dire_team_id: dire,
  };
}

function recapped(
  current: SeriesGame,
  seriesType: number | null,
  teamNames: SeriesSubject['teamNames'] | null = null,
): SeriesSubject {
  const { radiant_team_id: radiant, dire_team_id: dire } = current;
  return {
    match: { ...current, series_id: SERIES_ID, series_type: seriesType },
    teamNames: teamNames ?? {
      radiant: radiant === null ? null : (NAMES[radiant] ?? null),
      dire: dire === null ? null : (NAMES[dire] ?? null),
    },
  };
}

describe('series context', () => {
  it('when the first game of a best-of-3 ends, then it is game 1 and the winner leads 1–0', () => {
    expect(seriesContext(recapped(game(1, VW, MW, VW), BO3), [])).toBe(
      'Game 1 of a best-of-3 → Vitality Warriors lead 1–0',
    );
  });

  it('when the team that led loses game 2 on the other side, then the series is level and game 3 decides', () => {
    // Vitality Warriors won game 1 as Dire; in game 2 they are Radiant: the count follows team ids, not sides.
    const earlier = [game(1, MW, VW, VW)];
    expect(seriesContext(recapped(game(2, VW, MW, MW), BO3), earlier)).toBe(
      'Game 2 of a best-of-3 · Vitality Warriors led 1–0 → 1–1, game 3 decides',
    );
  });

  it('when the leader wins again, then they win the series 2–0', () => {
    const earlier = [game(1, MW, VW, VW)];
    expect(seriesContext(recapped(game(2, VW, MW, VW), BO3), earlier)).toBe(
      'Game 2 of a best-of-3 · Vitality Warriors led 1–0 → Vitality Warriors win the series 2–0',
    );
  });

  it('when game 3 of a best-of-3 is played from 1–1, then the line says tied and names the series winner', () => {
    const earlier = [game(1, VW, MW, VW), game(2, MW, VW, MW)];
    expect(seriesContext(recapped(game(3, VW, MW, MW), BO3), earlier)).toBe(
      'Game 3 of a best-of-3 · tied 1–1 → Moonwalkers win the series 2–1',
    );
  });

  it('when a best-of-5 is level early, leads, or reaches 2–2, then only the fifth game is called the decider', () => {
    const g1 = game(1, VW, MW, VW);
    const g2 = game(2, MW, VW, MW);
    const g3 = game(3, VW, MW, VW);
    const g4 = game(4, MW, VW, MW);
    expect(seriesContext(recapped(g2, BO5), [g1])).toBe(
      'Game 2 of a best-of-5 · Vitality Warriors led 1–0 → tied 1–1',
    );
    expect(seriesContext(recapped(g3, BO5), [g1, g2])).toBe(
      'Game 3 of a best-of-5 · tied 1–1 → Vitality Warriors lead 2–1',
    );
    expect(seriesContext(recapped(g4, BO5), [g1, g2, g3])).toBe(
      'Game 4 of a best-of-5 · Vitality Warriors led 2–1 → 2–2, game 5 decides',
    );
  });

  it('when a best-of-2 ends 1–1, then the series is drawn; at 2–0 it is won', () => {
    const earlier = [game(1, VW, MW, MW)];
    expect(seriesContext(recapped(game(2, MW, VW, VW), BO2), earlier)).toBe(
      'Game 2 of a best-of-2 · Moonwalkers led 1–0 → series drawn 1–1',
    );
    expect(seriesContext(recapped(game(2, MW, VW, MW), BO2), earlier)).toBe(
      'Game 2 of a best-of-2 · Moonwalkers led 1–0 → Moonwalkers win the series 2–0',
    );
    expect(seriesContext(recapped(game(1, VW, MW, MW), BO2), [])).toBe(
      'Game 1 of a best-of-2 → Moonwalkers lead 1–0',
    );
  });

  it('when a team of the match has no id, then there is no line, even with earlier games stored', () => {
    const earlier = [game(1, MW, VW, VW)];
    const noDireId = { ...game(2, VW, MW, VW), dire_team_id: null };
    expect(seriesContext(recapped(noDireId, BO3), earlier)).toBeNull();
    const noRadiantId = { ...game(2, VW, MW, VW), radiant_team_id: null };
    expect(seriesContext(recapped(noRadiantId, BO3), earlier)).toBeNull();
  });

  it('when an earlier game lacks a team id or names another team, then it is not counted as this pairing', () => {
    const earlier = [{ ...game(1, MW, VW, VW), radiant_team_id: null }, game(2, VW, 42, VW)];
    expect(seriesContext(recapped(game(3, VW, MW, VW), BO3), earlier)).toBe(
      'Game 1 of a best-of-3 → Vitality Warriors lead 1–0',
    );
  });

  it('when the match is not a series or its type is unknown, then there is no line', () => {
    const current = game(1, VW, MW, VW);
    expect(seriesContext(recapped(current, 0), [])).toBeNull();
    expect(seriesContext(recapped(current, null), [])).toBeNull();
    expect(seriesContext(recapped(current, 7), [])).toBeNull();
    const noSeriesId = recapped(current, BO3);
    expect(seriesContext({ ...noSeriesId, match: { ...noSeriesId.match, series_id: null } }, [])).toBeNull();
  });

  it('when a break between stored games could hide a game, then the number is a lower bound and the score is ours', () => {
    // Game 1 stored, then nothing for three hours: game 2 may have been played and never stored.
    const earlier = [game(1, VW, MW, VW)];
    expect(seriesContext(recapped(game(2, MW, VW, MW, 2), BO5), earlier)).toBe(
      'Game 2 or later of a best-of-5 → 1–1 in the games we have',
    );
    expect(seriesContext(recapped(game(2, MW, VW, VW, 2), BO5), earlier)).toBe(
      'Game 2 or later of a best-of-5 → Vitality Warriors lead 2–0 in the games we have',
    );
  });

  it('when games may be missing but a team reaches the wins needed, then the series win is stated with our score', () => {
    const earlier = [game(1, VW, MW, VW), game(2, MW, VW, VW, 2)];
    expect(seriesContext(recapped(game(3, VW, MW, VW, 2), BO5), earlier)).toBe(
      'Game 3 or later of a best-of-5 → Vitality Warriors win the series (3–0 in the games we have)',
    );
  });

  it('when the gap comes before the last game the format allows, then no game can be hidden and the count is kept', () => {
    const earlier = [game(1, VW, MW, VW), game(2, MW, VW, MW)];
    expect(seriesContext(recapped(game(3, VW, MW, VW, 2), BO3), earlier)).toBe(
      'Game 3 of a best-of-3 · tied 1–1 → Vitality Warriors win the series 2–1',
    );
  });

  it('when stored games say the series was already won or had no game left, then there is no line', () => {
    const wonAlready = [game(1, VW, MW, VW), game(2, MW, VW, VW)];
    expect(seriesContext(recapped(game(3, VW, MW, MW), BO3), wonAlready)).toBeNull();
    const full = [game(1, VW, MW, VW), game(2, MW, VW, MW)];
    expect(seriesContext(recapped(game(3, VW, MW, MW), BO2), full)).toBeNull();
  });

  it('when games start after this one, then they are not counted', () => {
    const later = [game(3, VW, MW, MW), game(4, MW, VW, MW)];
    expect(seriesContext(recapped(game(2, VW, MW, VW), BO5), later)).toBe(
      'Game 1 of a best-of-5 → Vitality Warriors lead 1–0',
    );
  });

  it('when the teams have no names yet, then they are called by id', () => {
    const earlier = [game(1, MW, VW, VW)];
    expect(seriesContext(recapped(game(2, VW, MW, VW), BO3, { radiant: null, dire: null }), earlier)).toBe(
      `Game 2 of a best-of-3 · Team ${VW} led 1–0 → Team ${VW} win the series 2–0`,
    );
  });
});
