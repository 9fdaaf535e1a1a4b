// A stored match → the plain render inputs of the recap scoreboard and team comparison (pure: no DB, no I/O).
import { isRadiantSlot } from '../../ingest/steam/steam-ids.js';
import type { ScoreboardInput, ScoreboardPlayer, ScoreboardTeam } from '../../render/scoreboard.chart.js';
import type { TeamComparisonInput, TeamComparisonTeam } from '../../render/team-comparison.chart.js';
import type { StoredMatch } from '../../store/matches.repo.js';
import { formatDuration, heroName, playerName } from './match-recap.js';

type StoredPlayer = StoredMatch['players'][number];
type ValueColumn = ScoreboardInput['valueColumn'];

/** Net worth where the era recorded it for everyone, otherwise end-of-game gold (pre-2020 responses lack it). */
function valueColumnOf(players: readonly StoredPlayer[]): ValueColumn {
  return players.length > 0 && players.every((player) => player.net_worth !== null) ? 'net_worth' : 'gold';
}

function valueOf(player: StoredPlayer, column: ValueColumn): number | null {
  return column === 'net_worth' ? player.net_worth : player.gold;
}

function teamNames(stored: StoredMatch): { radiant: string; dire: string } {
  return { radiant: stored.teamNames.radiant ?? 'Radiant', dire: stored.teamNames.dire ?? 'Dire' };
}

function split(players: readonly StoredPlayer[]): { radiant: StoredPlayer[]; dire: StoredPlayer[] } {
  return {
    radiant: players.filter((player) => isRadiantSlot(player.player_slot)),
    dire: players.filter((player) => !isRadiantSlot(player.player_slot)),
  };
}

// Valve writes 0 for an empty slot; an id the items table does not know yet still shows as something.
function itemList(ids: readonly number[], itemNames: ReadonlyMap<number, string>): string[] {
  return ids.filter((id) => id !== 0).map((id) => itemNames.get(id) ?? `Item ${id}`);
}

function scoreboardPlayer(
  player: StoredPlayer,
  column: ValueColumn,
  itemNames: ReadonlyMap<number, string>,
): ScoreboardPlayer {
  return {
    hero: heroName(player),
    name: playerName(player),
    level: player.level,
    kills: player.kills,
    deaths: player.deaths,
    assists: player.assists,
    lastHits: player.last_hits,
    denies: player.denies,
    gpm: player.gold_per_min,
    xpm: player.xp_per_min,
    value: valueOf(player, column),
    heroDamage: player.hero_damage,
    items: itemList(player.items, itemNames),
  };
}

/**
 * The scoreboard of a stored match. `gameMode` is the display name (see `gameModeName`); `itemNames` maps item
 * ids to display names (the `items` table); `leagueName` is shown when known, else "League <id>" for league games.
 */
export function scoreboardInput(
  stored: StoredMatch,
  gameMode: string,
  itemNames: ReadonlyMap<number, string>,
  leagueName: string | null = null,
): ScoreboardInput {
  const { match } = stored;
  const names = teamNames(stored);
  const column = valueColumnOf(stored.players);
  const players = split(stored.players);
  const team = (side: 'radiant' | 'dire', score: number | null): ScoreboardTeam => ({
    name: names[side],
    won: match.radiant_win === (side === 'radiant'),
    score,
    players: players[side].map((player) => scoreboardPlayer(player, column, itemNames)),
  });
  const league = leagueName ?? (match.leagueid === null ? null : `League ${match.leagueid}`);
  return {
    title: `${match.radiant_win ? names.radiant : names.dire} victory`,
    subtitle: [`Match ${match.match_id}`, formatDuration(match.duration), gameMode, league]
      .filter((part) => part !== null)
      .join(' · '),
    radiant: team('radiant', match.radiant_score),
    dire: team('dire', match.dire_score),
    valueColumn: column,
  };
}

// A total is unknown only when no player of the team has the figure; partly missing figures count as zero.
function total(
  players: readonly StoredPlayer[],
  pick: (player: StoredPlayer) => number | null,
): number | null {
  const known = players.map(pick).filter((value) => value !== null);
  return known.length === 0 ? null : known.reduce((sum, value) => sum + value, 0);
}

/** Team totals of net worth (or gold), hero damage and hero healing. */
export function teamComparisonInput(stored: StoredMatch): TeamComparisonInput {
  const names = teamNames(stored);
  const column = valueColumnOf(stored.players);
  const players = split(stored.players);
  const team = (side: 'radiant' | 'dire'): TeamComparisonTeam => ({
    name: names[side],
    value: total(players[side], (player) => valueOf(player, column)),
    heroDamage: total(players[side], (player) => player.hero_damage),
    heroHealing: total(players[side], (player) => player.hero_healing),
  });
  return {
    title: `Match ${stored.match.match_id} — team totals`,
    valueMetric: column,
    radiant: team('radiant'),
    dire: team('dire'),
  };
}
