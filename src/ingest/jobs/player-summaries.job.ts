// ingest.player-summaries: persona, avatar and profile URL for the players whose profile is oldest.
import { profilesDueForRefresh, storeProfiles, toPlayerProfile } from '../../store/players.repo.js';
import { MAX_SUMMARIES_PER_CALL } from '../steam/steam-client.js';
import { requirePositiveInteger, type JobDefinition } from './job.js';

export interface PlayerSummariesJobData {
  /** Players refreshed per run (default 500: five calls); the oldest profiles go first. */
  limit?: number;
}

const NAME = 'ingest.player-summaries';
const DEFAULT_LIMIT = 500;

export const playerSummariesJob: JobDefinition<PlayerSummariesJobData> = {
  name: NAME,
  assertData: (data) =>
    typeof data === 'object' && data !== null && 'limit' in data
      ? { limit: requirePositiveInteger(NAME, data, 'limit') }
      : {},
  entity: () => 'player-profiles',
  async run(ctx, { limit = DEFAULT_LIMIT }) {
    const due = await profilesDueForRefresh(ctx.db, limit);
    let found = 0;
    for (let start = 0; start < due.length; start += MAX_SUMMARIES_PER_CALL) {
      const batch = due.slice(start, start + MAX_SUMMARIES_PER_CALL);
      const asked = new Set(batch.map((player) => player.steamid64));
      const summaries = await ctx.steam.getPlayerSummaries([...asked]);
      // Only profiles we asked for: a stray id in Valve's answer must not touch another row.
      const profiles = summaries.filter((summary) => asked.has(summary.steamid)).map(toPlayerProfile);
      // Each batch commits on its own, so a failure later in the run keeps the progress made.
      await storeProfiles(
        ctx.db,
        batch.map((player) => player.account_id),
        profiles,
      );
      found += profiles.length;
    }
    ctx.log.info({ checked: due.length, found, absent: due.length - found }, 'player profiles refreshed');
  },
};
