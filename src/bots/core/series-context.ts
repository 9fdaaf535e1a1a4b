// Where a league series stands around one match, as one recap line, counted from the series games we stored.
import type { MatchRow, StoredMatch } from '../../store/matches.repo.js';
import type { SeriesGame } from '../../store/series.repo.js';

interface SeriesFormat {
  games: number;
  winsNeeded: number;
}

/**
 * Valve's `series_type` (0 = a single game). 1 and 2 are BEST_OF_THREE and BEST_OF_FIVE in node-dota2's
 * SeriesType enum; that enum predates best-of-2 leagues, and 3 = best of 2 is how code reading OpenDota's match
 * data interprets it (OpenDota's own docs give no table). An unknown value gets no line rather than a guess.
 */
const FORMATS: ReadonlyMap<number, SeriesFormat> = new Map([
  [1, { games: 3, winsNeeded: 2 }],
  [2, { games: 5, winsNeeded: 3 }],
  // Both games of a best-of-2 are played: 2–0 wins it, 1–1 is a draw.
  [3, { games: 2, winsNeeded: 2 }],
]);

/**
 * The longest wait we accept between one stored game's end (start_time + duration, which leaves out the draft)
 * and the next one's start before suspecting a game we never stored in between: a skipped game would add its
 * own draft, a game of at least ~15 minutes and a second break. A long technical break only makes us hedge.
 */
const MAX_BREAK_MS = 40 * 60_000;

/** What the line needs of the recapped match; a StoredMatch fits. */
export interface SeriesSubject {
  match: Pick<
    MatchRow,
    | 'match_id'
    | 'start_time'
    | 'radiant_win'
    | 'radiant_team_id'
    | 'dire_team_id'
    | 'series_id'
    | 'series_type'
  >;
  teamNames: StoredMatch['teamNames'];
}

type Game = Pick<SeriesGame, 'radiant_win' | 'radiant_team_id' | 'dire_team_id'>;

interface Standing {
  /** The team ahead; null when level. */
  leader: number | null;
  /** The leader's wins first, e.g. "2–1". */
  score: string;
  top: number;
}

function standing(games: readonly Game[], teams: readonly [number, number]): Standing {
  const wins = teams.map(
    (team) =>
      games.filter((game) => (game.radiant_win ? game.radiant_team_id : game.dire_team_id) === team).length,
  );
  const [a = 0, b = 0] = wins;
  const top = Math.max(a, b);
  return { leader: a === b ? null : a > b ? teams[0] : teams[1], score: `${top}–${Math.min(a, b)}`, top };
}

const startsBefore = (game: SeriesGame, match: SeriesSubject['match']): boolean =>
  game.start_time.getTime() < match.start_time.getTime() ||
  (game.start_time.getTime() === match.start_time.getTime() && game.match_id < match.match_id);

/** True when some break between consecutive games is long enough to hide a game we never stored. */
function hasLongBreak(games: readonly SeriesGame[], match: SeriesSubject['match']): boolean {
  return games.some((game, index) => {
    const nextStart = (games[index + 1]?.start_time ?? match.start_time).getTime();
    return nextStart - (game.start_time.getTime() + game.duration * 1000) > MAX_BREAK_MS;
  });
}

/**
 * One line on the series around this match, e.g. "Game 2 of a best-of-3 · Moonwalkers led 1–0 → 1–1, game 3
 * decides"; null when the match is not in a series, or a team has no id (sides swap between games, so a team
 * without an id cannot be followed), or the stored games contradict the format (more games, or a series already
 * won before this one).
 *
 * The count comes from `earlierGames` (the series' stored games between the same two teams). Games we never
 * stored make it incomplete. Where a break between stored games could hide one, the game number and score are
 * not trusted and the line says only what we know: "Game 2 or later of a best-of-3 → Moonwalkers lead 1–0 in
 * the games we have" ("win the series" stays certain: stored wins can only undercount). The last game of the
 * format leaves no room for a hidden game, so it is trusted. A game missing before our first stored one leaves
 * no gap to see; that case is counted as if complete and is the known limit.
 */
export function seriesContext(
  { match, teamNames }: SeriesSubject,
  earlierGames: readonly SeriesGame[],
): string | null {
  const format = match.series_id && match.series_type ? FORMATS.get(match.series_type) : undefined;
  const { radiant_team_id: radiantId, dire_team_id: direId } = match;
  if (!format || radiantId === null || direId === null || radiantId === direId) return null;
  const teams = [radiantId, direId] as const;
  const name = (team: number): string =>
    (team === radiantId ? teamNames.radiant : teamNames.dire) ?? `Team ${team}`;

  const games = earlierGames
    .filter(
      (game) =>
        startsBefore(game, match) &&
        ((game.radiant_team_id === radiantId && game.dire_team_id === direId) ||
          (game.radiant_team_id === direId && game.dire_team_id === radiantId)),
    )
    .sort((a, b) => a.start_time.getTime() - b.start_time.getTime() || a.match_id - b.match_id);
  const played = games.length + 1;
  const before = standing(games, teams);
  if (played > format.games || before.top >= format.winsNeeded) return null;

  const after = standing([...games, match], teams);
  const bestOf = `best-of-${format.games}`;
  const winner = after.top >= format.winsNeeded ? after.leader : null;
  if (played < format.games && hasLongBreak(games, match)) {
    const known = 'in the games we have';
    const result =
      winner !== null
        ? `${name(winner)} win the series (${after.score} ${known})`
        : after.leader !== null
          ? `${name(after.leader)} lead ${after.score} ${known}`
          : `${after.score} ${known}`;
    return `Game ${played} or later of a ${bestOf} → ${result}`;
  }

  const soFar =
    games.length === 0
      ? ''
      : before.leader === null
        ? ` · tied ${before.score}`
        : ` · ${name(before.leader)} led ${before.score}`;
  const result =
    winner !== null
      ? `${name(winner)} win the series ${after.score}`
      : played === format.games
        ? `series drawn ${after.score}`
        : after.leader !== null
          ? `${name(after.leader)} lead ${after.score}`
          : played + 1 === format.games
            ? `${after.score}, game ${format.games} decides`
            : `tied ${after.score}`;
  return `Game ${played} of a ${bestOf}${soFar} → ${result}`;
}
