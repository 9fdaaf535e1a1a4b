// ingest.team-info: complete team stubs (and refresh stale teams) from GetTeamInfoByTeamID, one call per team.
import { storeTeamProfile, teamsDueForRefresh, type TeamProfile } from '../../store/teams.repo.js';
import type { SteamTeamInfo } from '../steam/steam.schemas.js';
import { requirePositiveInteger, type JobDefinition } from './job.js';

export interface TeamInfoJobData {
  /** Teams refreshed per run (default 50); every team costs one call at ≈1 call/s per key. */
  limit?: number;
}

const NAME = 'ingest.team-info';
const DEFAULT_LIMIT = 50;
/** Names, tags and logos change between seasons, not between games: a week-old profile is fresh enough. */
export const TEAM_STALE_AFTER_SECONDS = 7 * 24 * 60 * 60;

/** Valve writes "" for an unset tag and 0 for "no logo"; neither should erase what we know. */
function toProfile(team: SteamTeamInfo): TeamProfile {
  return {
    name: team.name.trim() || null,
    tag: team.tag.trim() || null,
    logo: team.logo === undefined || team.logo === '0' ? null : team.logo,
  };
}

export const teamInfoJob: JobDefinition<TeamInfoJobData> = {
  name: NAME,
  assertData: (data) =>
    typeof data === 'object' && data !== null && 'limit' in data
      ? { limit: requirePositiveInteger(NAME, data, 'limit') }
      : {},
  entity: () => 'team-profiles',
  async run(ctx, { limit = DEFAULT_LIMIT }) {
    const due = await teamsDueForRefresh(ctx.db, limit, TEAM_STALE_AFTER_SECONDS);
    const missing: number[] = [];
    for (const teamId of due) {
      const team = await ctx.steam.getTeamInfo(teamId);
      if (!team) missing.push(teamId);
      // Stored per team: a failure mid-run keeps the teams done so far, and a retry starts after them.
      await storeTeamProfile(ctx.db, teamId, team ? toProfile(team) : null);
    }
    if (missing.length > 0) ctx.log.warn({ missing }, 'teams Valve does not return');
    ctx.log.info({ checked: due.length, missing: missing.length }, 'team profiles refreshed');
  },
};
