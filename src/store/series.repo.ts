// The stored games of a league series that came before a given match, between the same two teams.
import type { Db } from './db.js';
import type { MatchRow } from './matches.repo.js';

/** One earlier game of a series: what counting the series score needs. */
export type SeriesGame = Pick<
  MatchRow,
  'match_id' | 'start_time' | 'duration' | 'radiant_win' | 'radiant_team_id' | 'dire_team_id'
>;

/** The match whose series we look up. */
export type SeriesMatch = Pick<
  MatchRow,
  'match_id' | 'start_time' | 'series_id' | 'series_type' | 'radiant_team_id' | 'dire_team_id'
>;

/**
 * Stored games with the match's series id, between the same two teams on either side, that started before it
 * (oldest first). [] when the match is not in a series or a team has no id: such a series cannot be counted.
 *
 * `series_id` has no index; the team columns do, so Postgres combines the two team indexes (BitmapAnd per side,
 * BitmapOr across, as EXPLAIN shows) and visits only the games between these two teams before filtering by series.
 */
export async function findEarlierSeriesGames(db: Db, match: SeriesMatch): Promise<SeriesGame[]> {
  const { series_id, radiant_team_id: radiant, dire_team_id: dire } = match;
  if (!series_id || !match.series_type || radiant === null || dire === null) return [];
  return (
    db('matches')
      .where('series_id', series_id)
      .whereIn(
        ['radiant_team_id', 'dire_team_id'],
        [
          [radiant, dire],
          [dire, radiant],
        ],
      )
      // Row comparison: a game that started in the same second as this one counts before it only by match id.
      .whereRaw('(start_time, match_id) < (?, ?)', [match.start_time, match.match_id])
      .orderBy([
        { column: 'start_time', order: 'asc' },
        { column: 'match_id', order: 'asc' },
      ])
      .select<SeriesGame[]>(
        'match_id',
        'start_time',
        'duration',
        'radiant_win',
        'radiant_team_id',
        'dire_team_id',
      )
  );
}
