// GetTeamInfoByTeamID over the shipped team pages: team objects keyed by team_id, served as exact source text.
import { parseLosslessJson } from '../../ingest/steam/lossless-json.js';
import { countParam, json, uintParam, type Reply } from './http-replies.js';

/** One team object from a shipped page, with its exact source text so 64-bit logo ids are never rounded. */
export interface PoolTeam {
  team_id: number;
  raw: string;
}

export const TEAM_FILE = /GetTeamInfoByTeamID.*\.json$/;

/** Valve's page size when `teams_requested` is absent (the shipped default page holds 100 teams). */
const DEFAULT_TEAMS = 100;

/** A pool entry; throws on a team without team_id, because it could never be looked up. */
export function toPoolTeam(raw: string, file: string): PoolTeam {
  const team = parseLosslessJson(raw) as { team_id?: unknown } | null;
  const id = team?.team_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw new Error(`valve-replay: a team object in ${file} has no team_id`);
  }
  return { team_id: id, raw };
}

/**
 * Teams with team_id >= start_at_team_id, ascending, at most teams_requested. Like Valve, an id that does not
 * exist yields the next team(s), so callers must check the id they got back.
 */
export function teamsPage(teams: readonly PoolTeam[], params: URLSearchParams): Reply {
  const start = uintParam(params, 'start_at_team_id') ?? 0n;
  const limit = countParam(params, 'teams_requested', DEFAULT_TEAMS, Number.MAX_SAFE_INTEGER);
  const page = teams.filter((t) => BigInt(t.team_id) >= start).slice(0, limit);
  return json(`{"result":{"status":1,"teams":[${page.map((t) => t.raw).join(',')}]}}`);
}
