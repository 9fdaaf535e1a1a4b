// Teams: stubs named by matches, completed from GetTeamInfoByTeamID one team at a time.
import type { Db } from './db.js';

export interface TeamRow {
  team_id: number;
  name: string | null;
  tag: string | null;
  /** 64-bit UGC id of the logo, as text. */
  logo: string | null;
  refreshed_at: Date | null;
  created_at: Date;
}

/** What GetTeamInfoByTeamID tells us about a team; empty strings already mapped to null. */
export interface TeamProfile {
  name: string | null;
  tag: string | null;
  logo: string | null;
}

/**
 * Up to `limit` team ids that are stubs (never refreshed) or were refreshed more than `staleAfterSeconds` ago
 * (by the database clock), stubs first.
 */
export async function teamsDueForRefresh(
  db: Db,
  limit: number,
  staleAfterSeconds: number,
): Promise<number[]> {
  const rows = await db('teams')
    .whereNull('refreshed_at')
    .orWhereRaw('refreshed_at < now() - make_interval(secs => ?)', [staleAfterSeconds])
    .orderByRaw('refreshed_at ASC NULLS FIRST, team_id')
    .limit(limit)
    .select<{ team_id: number }[]>('team_id');
  return rows.map((row) => row.team_id);
}

/**
 * Stores Valve's answer for one team and stamps it refreshed. `null` (Valve has no such team) only stamps it,
 * so a vanished team is not asked for again before it goes stale; fields Valve left empty keep what we had.
 */
export async function storeTeamProfile(db: Db, teamId: number, profile: TeamProfile | null): Promise<void> {
  await db('teams')
    .where({ team_id: teamId })
    .update({
      refreshed_at: db.fn.now(),
      ...(profile
        ? {
            name: db.raw('COALESCE(?, name)', [profile.name]),
            tag: db.raw('COALESCE(?, tag)', [profile.tag]),
            logo: db.raw('COALESCE(?, logo)', [profile.logo]),
          }
        : {}),
    });
}

export async function findTeam(db: Db, teamId: number): Promise<TeamRow | undefined> {
  return db('teams').where({ team_id: teamId }).first<TeamRow | undefined>();
}
