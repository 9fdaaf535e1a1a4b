// Per-player statistics answered from stored matches: recent games, hero pool and a career summary.
import type { Db } from './db.js';

/** One stored match seen from one player's seat. */
export interface PlayerMatchRow {
  match_id: number;
  start_time: Date;
  /** Seconds. */
  duration: number;
  /** The player's side won: `player_slot < 128` is Radiant, compared with `radiant_win`. */
  won: boolean;
  hero_id: number;
  /** Localised hero name, or `Hero <id>` for a hero our reference data does not know yet. */
  hero_name: string;
  kills: number;
  deaths: number;
  assists: number;
  gold_per_min: number | null;
  xp_per_min: number | null;
}

/** One hero a player has played, over every stored match. */
export interface HeroPoolRow {
  hero_id: number;
  hero_name: string;
  games: number;
  wins: number;
  /** wins / games, 0..1. */
  win_rate: number;
  avg_kills: number;
  avg_deaths: number;
  avg_assists: number;
  /** (kills + assists) / deaths over all games on the hero, deaths counted as at least 1. */
  kda: number;
}

/** A player's stored record. Averages are null when there is nothing to average. */
export interface PlayerSummaryRow {
  account_id: number;
  /** Steam persona from the last profile refresh; null until one has run or when the profile is private. */
  persona: string | null;
  games: number;
  wins: number;
  /** wins / games, 0..1; null with no games. */
  win_rate: number | null;
  avg_kills: number | null;
  avg_deaths: number | null;
  avg_assists: number | null;
  avg_gpm: number | null;
  avg_xpm: number | null;
}

// SQL fragments shared by the queries; `mp` is match_players, `m` matches, `h` heroes.
const WON = '((mp.player_slot < 128) = m.radiant_win)';
const HERO_NAME = `COALESCE(h.localized_name, 'Hero ' || mp.hero_id)`;

/**
 * A player's latest `limit` matches, newest first (reverse them for an oldest-to-newest chart).
 * Served by the match_players.account_id index; ties on start time break by match id.
 */
export async function recentMatches(db: Db, accountId: number, limit: number): Promise<PlayerMatchRow[]> {
  const { rows } = await db.raw<{ rows: PlayerMatchRow[] }>(
    `SELECT m.match_id, m.start_time, m.duration, ${WON} AS won, mp.hero_id, ${HERO_NAME} AS hero_name,
            mp.kills, mp.deaths, mp.assists, mp.gold_per_min, mp.xp_per_min
       FROM match_players mp
       JOIN matches m ON m.match_id = mp.match_id
       LEFT JOIN heroes h ON h.id = mp.hero_id
      WHERE mp.account_id = ?
      ORDER BY m.start_time DESC, m.match_id DESC
      LIMIT ?`,
    [accountId, limit],
  );
  return rows;
}

/** The `limit` heroes a player has played most, most games first, then most wins, then hero id. */
export async function heroPool(db: Db, accountId: number, limit: number): Promise<HeroPoolRow[]> {
  // count() is bigint (parsed to number by db.ts); avg() is numeric, which pg returns as text: cast to float8.
  const { rows } = await db.raw<{ rows: HeroPoolRow[] }>(
    `SELECT mp.hero_id, ${HERO_NAME} AS hero_name,
            count(*) AS games,
            count(*) FILTER (WHERE ${WON}) AS wins,
            (count(*) FILTER (WHERE ${WON}))::float8 / count(*) AS win_rate,
            avg(mp.kills)::float8 AS avg_kills,
            avg(mp.deaths)::float8 AS avg_deaths,
            avg(mp.assists)::float8 AS avg_assists,
            (sum(mp.kills) + sum(mp.assists))::float8 / GREATEST(sum(mp.deaths), 1) AS kda
       FROM match_players mp
       JOIN matches m ON m.match_id = mp.match_id
       LEFT JOIN heroes h ON h.id = mp.hero_id
      WHERE mp.account_id = ?
      GROUP BY mp.hero_id, h.localized_name
      ORDER BY games DESC, wins DESC, mp.hero_id
      LIMIT ?`,
    [accountId, limit],
  );
  return rows;
}

/** Games, wins and averages over every stored match of a player; null when we have never seen the account. */
export async function playerSummary(db: Db, accountId: number): Promise<PlayerSummaryRow | null> {
  const { rows } = await db.raw<{ rows: PlayerSummaryRow[] }>(
    `SELECT p.account_id, p.persona,
            count(m.match_id) AS games,
            count(m.match_id) FILTER (WHERE ${WON}) AS wins,
            (count(m.match_id) FILTER (WHERE ${WON}))::float8 / NULLIF(count(m.match_id), 0) AS win_rate,
            avg(mp.kills)::float8 AS avg_kills,
            avg(mp.deaths)::float8 AS avg_deaths,
            avg(mp.assists)::float8 AS avg_assists,
            avg(mp.gold_per_min)::float8 AS avg_gpm,
            avg(mp.xp_per_min)::float8 AS avg_xpm
       FROM players p
       LEFT JOIN match_players mp ON mp.account_id = p.account_id
       LEFT JOIN matches m ON m.match_id = mp.match_id
      WHERE p.account_id = ?
      GROUP BY p.account_id, p.persona`,
    [accountId],
  );
  return rows[0] ?? null;
}
