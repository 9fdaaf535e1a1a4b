// Leagues: stubs named by matches and subscriptions, completed from dota2.com's league list.
import type { Db } from './db.js';

export interface LeagueRow {
  league_id: number;
  name: string | null;
  tier: number | null;
  refreshed_at: Date | null;
  created_at: Date;
}

export interface LeagueProfile {
  league_id: number;
  name: string;
  tier: number | null;
}

/**
 * League ids worth a name: every league row (stubs come from stored matches) plus leagues an active
 * subscription names. dota2.com lists thousands of leagues; storing only these keeps the table small.
 */
export async function leagueIdsOfInterest(db: Db): Promise<Set<number>> {
  const result = await db.raw<{ rows: { league_id: number }[] }>(
    `SELECT league_id FROM leagues
     UNION
     SELECT target_id::int FROM subscriptions
       WHERE target_kind = 'league' AND paused_at IS NULL AND target_id <= 2147483647`,
  );
  return new Set(result.rows.map((row) => row.league_id));
}

/** Inserts or updates the given leagues' name and tier, stamping them refreshed. */
export async function upsertLeagues(db: Db, leagues: readonly LeagueProfile[]): Promise<void> {
  if (leagues.length === 0) return;
  await db('leagues')
    .insert(leagues.map((league) => ({ ...league, refreshed_at: db.fn.now() })))
    .onConflict('league_id')
    .merge(['name', 'tier', 'refreshed_at']);
}

/** Stamps leagues that were looked up but not found, keeping whatever name they had. */
export async function markLeaguesChecked(db: Db, leagueIds: readonly number[]): Promise<void> {
  if (leagueIds.length === 0) return;
  await db('leagues')
    .whereIn('league_id', [...leagueIds])
    .update({ refreshed_at: db.fn.now() });
}

export async function findLeague(db: Db, leagueId: number): Promise<LeagueRow | undefined> {
  return db('leagues').where({ league_id: leagueId }).first<LeagueRow | undefined>();
}
