// Column lists and CSV for the COPY baseline; the rows themselves come from the repo's own mappers.
import type { MatchPlayerRow, MatchRow } from '../src/store/matches.repo.js';

export { toMatchRow, toPlayerRows } from '../src/store/matches.repo.js';

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
