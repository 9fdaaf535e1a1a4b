// What a recap needs beyond the stored match: item and league names, the parsed timeline, earlier series games.
import type { Db } from '../../store/db.js';
import type { StoredMatch } from '../../store/matches.repo.js';
import { findEarlierSeriesGames, type SeriesGame } from '../../store/series.repo.js';
import { findTimeline, type MatchTimeline } from '../../store/timelines.repo.js';

export interface RecapData {
  itemNames: ReadonlyMap<number, string>;
  leagueName: string | null;
  timeline: MatchTimeline | null;
  /** Stored games of the match's series that came before it; [] outside a series. */
  seriesGames: SeriesGame[];
}

export async function loadRecapData(db: Db, { match, players }: StoredMatch): Promise<RecapData> {
  const itemIds = [...new Set(players.flatMap((player) => player.items).filter((id) => id > 0))];
  const [items, league, timeline, seriesGames] = await Promise.all([
    db('items')
      .whereIn('id', itemIds)
      .select<{ id: number; localized_name: string }[]>('id', 'localized_name'),
    match.leagueid
      ? db('leagues').where({ league_id: match.leagueid }).first<{ name: string | null } | undefined>('name')
      : undefined,
    findTimeline(db, match.match_id),
    findEarlierSeriesGames(db, match),
  ]);
  return {
    itemNames: new Map(items.map((item) => [item.id, item.localized_name])),
    leagueName: league?.name ?? null,
    timeline,
    seriesGames,
  };
}
