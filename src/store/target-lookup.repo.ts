// Teams and leagues a user names in a subscription: found by name in our tables, or added as stubs by id.
import type { Db } from './db.js';
import type { TargetKind } from './subscriptions.repo.js';

const NAME_COLUMNS: Record<TargetKind, [table: string, column: string, key: string]> = {
  player: ['players', 'persona', 'account_id'],
  team: ['teams', 'name', 'team_id'],
  league: ['leagues', 'name', 'league_id'],
};

/** A team or league a typed name may mean; `exact` when the whole name (or a team's tag) matched. */
export interface NamedCandidate {
  id: number;
  name: string;
  tag: string | null;
  exact: boolean;
}

/** `%` and `_` are ILIKE wildcards: a team called "100%" must be searched for literally. */
function containsPattern(typed: string): string {
  return `%${typed.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Teams whose name contains `typed` (any case) or whose tag equals it, exact matches first, at most `limit`.
 * The teams table holds only teams our matches named, so a scan of it stays small.
 */
export async function findTeamsByName(db: Db, typed: string, limit: number): Promise<NamedCandidate[]> {
  const result = await db.raw<{ rows: NamedCandidate[] }>(
    `SELECT team_id AS id, name, tag, (lower(name) = lower(?) OR lower(tag) = lower(?)) AS exact
     FROM teams
     WHERE name IS NOT NULL AND (name ILIKE ? ESCAPE '\\' OR lower(tag) = lower(?))
     ORDER BY exact DESC, name, team_id
     LIMIT ?`,
    [typed, typed, containsPattern(typed), typed, limit],
  );
  return result.rows;
}

/** Leagues whose name contains `typed` (any case), exact matches first, at most `limit`. */
export async function findLeaguesByName(db: Db, typed: string, limit: number): Promise<NamedCandidate[]> {
  const result = await db.raw<{ rows: NamedCandidate[] }>(
    `SELECT league_id AS id, name, NULL AS tag, lower(name) = lower(?) AS exact
     FROM leagues
     WHERE name ILIKE ? ESCAPE '\\'
     ORDER BY exact DESC, name, league_id
     LIMIT ?`,
    [typed, containsPattern(typed), limit],
  );
  return result.rows;
}

/** The stored name of a player (persona), team or league; null when unknown or still a stub. */
export async function targetName(db: Db, kind: TargetKind, id: number): Promise<string | null> {
  const [table, column, key] = NAME_COLUMNS[kind];
  const row = await db(table)
    .where({ [key]: id })
    .first<Record<string, string | null> | undefined>({ name: column });
  return row?.name ?? null;
}

/**
 * Adds an id-only row, as ingest does for what a match names, so the team-info and leagues jobs fill in the
 * name; a row we already have is left alone.
 */
export async function ensureStub(db: Db, kind: 'team' | 'league', id: number): Promise<void> {
  if (kind === 'team') await db('teams').insert({ team_id: id }).onConflict('team_id').ignore();
  else await db('leagues').insert({ league_id: id }).onConflict('league_id').ignore();
}
