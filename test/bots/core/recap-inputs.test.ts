// Checks a stored match maps to the scoreboard and team-comparison inputs: winner, era fallbacks, items, totals.
import { beforeAll, describe, expect, it } from 'vitest';
import { scoreboardInput, teamComparisonInput } from '../../../src/bots/core/recap-inputs.js';
import type { StoredMatch } from '../../../src/store/matches.repo.js';
import {
  itemNamesFromConstants,
  loadShippedMatch,
  PRO_MATCH_ID,
  TURBO_MATCH_ID,
} from '../../render/recap-fixtures.js';

describe('recap inputs', () => {
  let pro: StoredMatch;
  let turbo: StoredMatch;
  let itemNames: Map<number, string>;

  beforeAll(async () => {
    [pro, turbo, itemNames] = await Promise.all([
      loadShippedMatch(PRO_MATCH_ID),
      loadShippedMatch(TURBO_MATCH_ID),
      itemNamesFromConstants(),
    ]);
  });

  it('when teams are named, then the scoreboard names the winner, the score and the details', () => {
    const input = scoreboardInput(pro, 'Captains Mode', itemNames);
    expect(input.title).toBe('Vitality Warriors victory');
    expect(input.subtitle).toBe('Match 8591933650 · 27:04 · Captains Mode · League 16110');
    expect(input.valueColumn).toBe('net_worth');
    expect([input.radiant.name, input.radiant.won, input.radiant.score]).toEqual([
      'Vitality Warriors',
      true,
      30,
    ]);
    expect([input.dire.name, input.dire.won, input.dire.score]).toEqual(['Moonwalkers', false, 17]);
  });

  it('when mapped, then each player row carries the stored figures and item names in slot order', () => {
    const input = scoreboardInput(pro, 'Captains Mode', itemNames);
    expect(input.radiant.players).toHaveLength(5);
    expect(input.dire.players).toHaveLength(5);
    expect(input.radiant.players[0]).toEqual({
      hero: 'Underlord',
      name: 'Player 177062248',
      level: 20,
      kills: 9,
      deaths: 3,
      assists: 15,
      lastHits: 291,
      denies: 5,
      gpm: 728,
      xpm: 840,
      value: 19278,
      heroDamage: 17701,
      items: [
        'Power Treads',
        'Pipe of Insight',
        'Assault Cuirass',
        'Soul Ring',
        "Aghanim's Scepter",
        'Quelling Blade',
      ],
    });
    expect(input.dire.players.map((player) => player.hero)).toEqual([
      "Nature's Prophet",
      'Ogre Magi',
      'Clockwerk',
      'Death Prophet',
      'Abaddon',
    ]);
  });

  it('when the league name is known, then it replaces the league id', () => {
    expect(scoreboardInput(pro, 'Captains Mode', itemNames, 'DreamLeague').subtitle).toBe(
      'Match 8591933650 · 27:04 · Captains Mode · DreamLeague',
    );
  });

  it('when the era lacks net worth and players are anonymous, then gold is shown and names say Anonymous', () => {
    const input = scoreboardInput(turbo, 'Turbo', itemNames);
    expect(input.title).toBe('Radiant victory');
    expect(input.subtitle).toBe('Match 4949375791 · 12:35 · Turbo');
    expect(input.valueColumn).toBe('gold');
    expect([input.radiant.name, input.dire.name]).toEqual(['Radiant', 'Dire']);
    expect([input.radiant.score, input.dire.score]).toEqual([28, 4]);
    const players = [...input.radiant.players, ...input.dire.players];
    expect(players.map((player) => player.name)).toEqual(Array(10).fill('Anonymous'));
    expect(players[0]?.value).toBe(1520);
  });

  it('when an item slot is empty, then it is left out', () => {
    const [dragonKnight] = scoreboardInput(turbo, 'Turbo', itemNames).radiant.players;
    expect(dragonKnight?.items).toEqual([
      'Power Treads',
      'Stout Shield',
      'Assault Cuirass',
      'Ring of Regen',
      'Moon Shard',
    ]);
  });

  it('when an item id is not in the name map, then it is shown by id', () => {
    const [first] = scoreboardInput(pro, 'Captains Mode', new Map([[63, 'Power Treads']])).radiant.players;
    expect(first?.items).toEqual(['Power Treads', 'Item 90', 'Item 112', 'Item 178', 'Item 108', 'Item 11']);
  });

  it('when Dire won, then Dire is the winner', () => {
    const direWin = { ...pro, match: { ...pro.match, radiant_win: false } };
    const input = scoreboardInput(direWin, 'Captains Mode', itemNames);
    expect(input.title).toBe('Moonwalkers victory');
    expect([input.radiant.won, input.dire.won]).toEqual([false, true]);
  });

  it('when one player lacks net worth, then the whole board falls back to gold', () => {
    const [first, ...rest] = pro.players;
    if (!first) throw new Error('no players');
    const partial = { ...pro, players: [{ ...first, net_worth: null }, ...rest] };
    const input = scoreboardInput(partial, 'Captains Mode', itemNames);
    expect(input.valueColumn).toBe('gold');
    expect(input.radiant.players[0]?.value).toBe(1723);
    expect(teamComparisonInput(partial).valueMetric).toBe('gold');
  });

  it('when compared, then team totals sum each side', () => {
    expect(teamComparisonInput(pro)).toEqual({
      title: 'Match 8591933650 — team totals',
      valueMetric: 'net_worth',
      radiant: { name: 'Vitality Warriors', value: 69241, heroDamage: 74812, heroHealing: 0 },
      dire: { name: 'Moonwalkers', value: 51538, heroDamage: 60092, heroHealing: 1348 },
    });
    const turboTotals = teamComparisonInput(turbo);
    expect(turboTotals.valueMetric).toBe('gold');
    expect([turboTotals.radiant.value, turboTotals.dire.value]).toEqual([11552, 4257]);
    expect([turboTotals.radiant.heroDamage, turboTotals.dire.heroDamage]).toEqual([43378, 19854]);
  });

  it('when no player of a team has a figure, then its total is null, not zero', () => {
    const noHealing = { ...pro, players: pro.players.map((player) => ({ ...player, hero_healing: null })) };
    const totals = teamComparisonInput(noHealing);
    expect([totals.radiant.heroHealing, totals.dire.heroHealing]).toEqual([null, null]);
    expect(totals.radiant.heroDamage).toBe(74812);
  });
});
