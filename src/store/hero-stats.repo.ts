// Hero statistics within our stored matches: games and wins over time, draft picks and bans, lifetime totals.
import type { Db } from './db.js';

export type TrendBucket = 'day' | 'week' | 'month';
const BUCKETS: ReadonlySet<string> = new Set<TrendBucket>(['day', 'week', 'month']);

/** One period of a hero's trend; periods without a game are absent. */
export interface HeroTrendPeriod {
  /** Start of the UTC day, ISO week (Monday) or month. */
  periodStart: Date;
  /** Stored games the hero played in (one per player row, so a mirror match counts twice). */
  games: number;
  wins: number;
  /** wins / games, 0..1. */
  winRate: number;
}

/** Games and wins per UTC day, week or month, oldest first. */
export async function heroTrend(db: Db, heroId: number, bucket: TrendBucket): Promise<HeroTrendPeriod[]> {
  // The bucket is bound, not interpolated; checked anyway because it may come straight from a command option.
  if (!BUCKETS.has(bucket)) throw new RangeError(`Unknown trend bucket ${String(bucket)}`);
  // date_trunc on a timestamptz follows the session time zone: truncate in UTC explicitly.
  const result = await db.raw<{ rows: { period_start: Date; games: number; wins: number }[] }>(
    `SELECT date_trunc(?, m.start_time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS period_start,
            count(*)::int AS games,
            count(*) FILTER (WHERE (mp.player_slot < 128) = m.radiant_win)::int AS wins
     FROM match_players mp JOIN matches m ON m.match_id = mp.match_id
     WHERE mp.hero_id = ?
     GROUP BY 1 ORDER BY 1`,
    [bucket, heroId],
  );
  return result.rows.map((row) => ({
    periodStart: row.period_start,
    games: row.games,
    wins: row.wins,
    winRate: row.wins / row.games,
  }));
}

export interface DraftSideCounts {
  picks: number;
  bans: number;
}

export interface DraftCounts {
  radiant: DraftSideCounts;
  dire: DraftSideCounts;
}

export interface HeroPicksBans {
  /** Matches with a recorded draft in scope: the denominator for pick and ban rates. */
  drafts: number;
  picks: number;
  bans: number;
  /** Drafts in which the hero was picked and its team won. */
  pickWins: number;
  byTeam: DraftCounts;
  /**
   * Per draft phase (1-based), in phase order. A phase is a run of bans and the picks after it, as Valve
   * orders the draft: Captains Mode has three; ranked All Pick records only bans, all in phase 1.
   */
  byPhase: ({ phase: number } & DraftCounts)[];
  /** Per draft position (Valve's 0-based `order`), only positions the hero took. */
  byOrder: { order: number; picks: number; bans: number }[];
  /** How often it was its team's 1st, 2nd, … pick. */
  byPickNumber: { pickNumber: number; picks: number }[];
  /** Bans in phase 1, the bans teams spend before seeing the enemy's heroes. */
  firstPhaseBans: number;
}

export interface HeroPicksBansOptions {
  /** Only drafts of this league. */
  leagueId?: number;
  /** Only drafts of league matches (ranked games also record bans). Implied by `leagueId`. */
  leaguesOnly?: boolean;
}

interface DraftGroupRow {
  drafts: number;
  phase: number | null;
  order: number | null;
  is_pick: boolean | null;
  team: number | null;
  pick_number: number | null;
  count: number | null;
  wins: number | null;
}

/** A hero's picks and bans in recorded drafts, split by team, phase, draft position and pick number. */
export async function heroPicksBans(
  db: Db,
  heroId: number,
  options: HeroPicksBansOptions = {},
): Promise<HeroPicksBans> {
  const leagueId = options.leagueId ?? null;
  const leaguesOnly = options.leaguesOnly === true || leagueId !== null;
  // Phases and pick numbers need each whole draft, so windows run over every step of the hero's matches
  // before the hero's own steps are picked out. The left join keeps the draft count when it has none.
  const result = await db.raw<{ rows: DraftGroupRow[] }>(
    `WITH scope AS (
       SELECT pb.match_id, pb."order", pb.is_pick, pb.hero_id, pb.team, m.radiant_win
       FROM match_picks_bans pb JOIN matches m ON m.match_id = pb.match_id
       WHERE (?::int IS NULL OR m.leagueid = ?::int) AND (NOT ?::boolean OR m.leagueid IS NOT NULL)
     ),
     steps AS (
       SELECT s.*,
              lag(s.is_pick) OVER (PARTITION BY s.match_id ORDER BY s."order") AS previous_is_pick,
              count(*) FILTER (WHERE s.is_pick) OVER (PARTITION BY s.match_id, s.team ORDER BY s."order") AS pick_number
       FROM scope s
       WHERE s.match_id IN (SELECT match_id FROM scope WHERE hero_id = ?)
     ),
     phased AS (
       SELECT steps.*,
              1 + count(*) FILTER (WHERE NOT is_pick AND previous_is_pick)
                    OVER (PARTITION BY match_id ORDER BY "order") AS phase
       FROM steps
     ),
     grouped AS (
       SELECT phase::int, "order"::int, is_pick, team::int,
              CASE WHEN is_pick THEN pick_number::int END AS pick_number,
              count(*)::int AS count,
              count(*) FILTER (WHERE is_pick AND (team = 0) = radiant_win)::int AS wins
       FROM phased WHERE hero_id = ?
       GROUP BY 1, 2, 3, 4, 5
     )
     SELECT d.drafts, g.*
     FROM (SELECT count(DISTINCT match_id)::int AS drafts FROM scope) d LEFT JOIN grouped g ON true
     ORDER BY g."order"`,
    [leagueId, leagueId, leaguesOnly, heroId, heroId],
  );
  return summarizeDraftRows(result.rows);
}

const emptyCounts = (): DraftCounts => ({ radiant: { picks: 0, bans: 0 }, dire: { picks: 0, bans: 0 } });

function summarizeDraftRows(rows: readonly DraftGroupRow[]): HeroPicksBans {
  const summary: HeroPicksBans = {
    drafts: rows[0]?.drafts ?? 0,
    picks: 0,
    bans: 0,
    pickWins: 0,
    byTeam: emptyCounts(),
    byPhase: [],
    byOrder: [],
    byPickNumber: [],
    firstPhaseBans: 0,
  };
  const phases = new Map<number, DraftCounts>();
  const orders = new Map<number, { order: number; picks: number; bans: number }>();
  const pickNumbers = new Map<number, number>();
  for (const row of rows) {
    if (row.count === null || row.phase === null || row.order === null || row.is_pick === null) continue;
    const kind = row.is_pick ? 'picks' : 'bans';
    const side = row.team === 0 ? 'radiant' : 'dire';
    summary[kind] += row.count;
    summary.pickWins += row.wins ?? 0;
    summary.byTeam[side][kind] += row.count;
    const phase = phases.get(row.phase) ?? emptyCounts();
    phase[side][kind] += row.count;
    phases.set(row.phase, phase);
    const order = orders.get(row.order) ?? { order: row.order, picks: 0, bans: 0 };
    order[kind] += row.count;
    orders.set(row.order, order);
    if (row.pick_number !== null)
      pickNumbers.set(row.pick_number, (pickNumbers.get(row.pick_number) ?? 0) + row.count);
    if (!row.is_pick && row.phase === 1) summary.firstPhaseBans += row.count;
  }
  summary.byPhase = [...phases].sort(([a], [b]) => a - b).map(([phase, counts]) => ({ phase, ...counts }));
  summary.byOrder = [...orders.values()].sort((a, b) => a.order - b.order);
  summary.byPickNumber = [...pickNumbers]
    .sort(([a], [b]) => a - b)
    .map(([pickNumber, picks]) => ({ pickNumber, picks }));
  return summary;
}

export interface HeroTotals {
  heroId: number;
  /** Localized name, or null for a hero we have no row for yet. */
  name: string | null;
  games: number;
  wins: number;
  /** wins / games, 0..1; null without games. */
  winRate: number | null;
  /** games / stored matches, 0..1; null when nothing is stored. */
  pickRate: number | null;
  /** Averages per game; null without games. */
  kills: number | null;
  deaths: number | null;
  assists: number | null;
  firstPlayed: Date | null;
  lastPlayed: Date | null;
  /** Picks and bans in recorded drafts (see heroPicksBans), and how many matches have a draft. */
  draftPicks: number;
  draftBans: number;
  drafts: number;
}

interface TotalsRow {
  name: string | null;
  games: number;
  wins: number;
  matches: number;
  kills: number | null;
  deaths: number | null;
  assists: number | null;
  first_played: Date | null;
  last_played: Date | null;
  draft_picks: number;
  draft_bans: number;
  drafts: number;
}

/** Everything we know about a hero in one row; zeros (not an error) for a hero never seen. */
export async function heroTotals(db: Db, heroId: number): Promise<HeroTotals> {
  const result = await db.raw<{ rows: TotalsRow[] }>(
    `SELECT (SELECT localized_name FROM heroes WHERE id = ?) AS name,
            count(*)::int AS games,
            count(*) FILTER (WHERE (mp.player_slot < 128) = m.radiant_win)::int AS wins,
            (SELECT count(*) FROM matches)::int AS matches,
            avg(mp.kills)::float8 AS kills, avg(mp.deaths)::float8 AS deaths, avg(mp.assists)::float8 AS assists,
            min(m.start_time) AS first_played, max(m.start_time) AS last_played,
            (SELECT count(*) FROM match_picks_bans WHERE hero_id = ? AND is_pick)::int AS draft_picks,
            (SELECT count(*) FROM match_picks_bans WHERE hero_id = ? AND NOT is_pick)::int AS draft_bans,
            (SELECT count(DISTINCT match_id) FROM match_picks_bans)::int AS drafts
     FROM match_players mp JOIN matches m ON m.match_id = mp.match_id
     WHERE mp.hero_id = ?`,
    [heroId, heroId, heroId, heroId],
  );
  const row = result.rows[0];
  if (!row) throw new Error('aggregate query returned no row');
  return {
    heroId,
    name: row.name,
    games: row.games,
    wins: row.wins,
    winRate: row.games > 0 ? row.wins / row.games : null,
    pickRate: row.matches > 0 ? row.games / row.matches : null,
    kills: row.kills,
    deaths: row.deaths,
    assists: row.assists,
    firstPlayed: row.first_played,
    lastPlayed: row.last_played,
    draftPicks: row.draft_picks,
    draftBans: row.draft_bans,
    drafts: row.drafts,
  };
}
