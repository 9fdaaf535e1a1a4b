// The rows storeMatches writes, rebuilt for the COPY baseline (the repo keeps its mappers private), and CSV for COPY.
import { ANONYMOUS_ACCOUNT_ID } from '../src/ingest/steam/steam-ids.js';
import type { SteamMatch } from '../src/ingest/steam/steam.schemas.js';
import type { MatchPlayerRow, MatchRow } from '../src/store/matches.repo.js';

export const MATCH_COLUMNS = [
  'match_id',
  'match_seq_num',
  'start_time',
  'duration',
  'radiant_win',
  'radiant_score',
  'dire_score',
  'lobby_type',
  'game_mode',
  'leagueid',
  'radiant_team_id',
  'dire_team_id',
  'series_id',
  'series_type',
  'human_players',
] as const satisfies readonly (keyof MatchRow)[];

export const MATCH_PLAYER_COLUMNS = [
  'match_id',
  'player_slot',
  'account_id',
  'hero_id',
  'kills',
  'deaths',
  'assists',
  'last_hits',
  'denies',
  'gold_per_min',
  'xp_per_min',
  'level',
  'gold',
  'net_worth',
  'hero_damage',
  'tower_damage',
  'hero_healing',
  'leaver_status',
  'items',
  'backpack',
  'item_neutral',
] as const satisfies readonly (keyof MatchPlayerRow)[];

const positiveOrNull = (value: number | undefined): number | null => (value ? value : null);

/** Same mapping as matches.repo.ts toMatchRow. */
export function toMatchRow(match: SteamMatch): MatchRow {
  return {
    match_id: match.match_id,
    match_seq_num: match.match_seq_num,
    start_time: new Date(match.start_time * 1000),
    duration: match.duration,
    radiant_win: match.radiant_win,
    radiant_score: match.radiant_score ?? null,
    dire_score: match.dire_score ?? null,
    lobby_type: match.lobby_type,
    game_mode: match.game_mode,
    leagueid: positiveOrNull(match.leagueid),
    radiant_team_id: positiveOrNull(match.radiant_team_id),
    dire_team_id: positiveOrNull(match.dire_team_id),
    series_id: match.series_id ?? null,
    series_type: match.series_type ?? null,
    human_players: match.human_players ?? null,
  };
}

/** Same mapping as matches.repo.ts toPlayerRows. */
export function toPlayerRows(match: SteamMatch): MatchPlayerRow[] {
  return match.players.map((player) => ({
    match_id: match.match_id,
    player_slot: player.player_slot,
    account_id:
      player.account_id === undefined || player.account_id === ANONYMOUS_ACCOUNT_ID
        ? null
        : player.account_id,
    hero_id: player.hero_id,
    kills: player.kills,
    deaths: player.deaths,
    assists: player.assists,
    last_hits: player.last_hits ?? null,
    denies: player.denies ?? null,
    gold_per_min: player.gold_per_min ?? null,
    xp_per_min: player.xp_per_min ?? null,
    level: player.level ?? null,
    gold: player.gold ?? null,
    net_worth: player.net_worth ?? null,
    hero_damage: player.hero_damage ?? null,
    tower_damage: player.tower_damage ?? null,
    hero_healing: player.hero_healing ?? null,
    leaver_status: player.leaver_status ?? null,
    items: [player.item_0, player.item_1, player.item_2, player.item_3, player.item_4, player.item_5],
    backpack: [player.backpack_0, player.backpack_1, player.backpack_2],
    item_neutral: player.item_neutral ?? null,
  }));
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''; // unquoted empty = NULL in CSV COPY
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `"{${value.join(',')}}"`;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `"${value.replaceAll('"', '""')}"`;
  throw new TypeError(`no CSV form for ${typeof value}`);
}

/** Rows as CSV in the given column order, one line per row. */
export function toCsv<Row>(rows: readonly Row[], columns: readonly (keyof Row)[]): string {
  let out = '';
  for (const row of rows) out += columns.map((column) => csvField(row[column])).join(',') + '\n';
  return out;
}
