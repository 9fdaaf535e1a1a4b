// ingest.leagues: names and tiers for the leagues we know of, from www.dota2.com's league list.
import {
  leagueIdsOfInterest,
  markLeaguesChecked,
  upsertLeagues,
  type LeagueProfile,
} from '../../store/leagues.repo.js';
import type { JobDefinition } from './job.js';

const NAME = 'ingest.leagues';

export const leaguesJob: JobDefinition<Record<string, never>> = {
  name: NAME,
  assertData: () => ({}),
  entity: () => 'leagues',
  async run(ctx) {
    const wanted = await leagueIdsOfInterest(ctx.db);
    if (wanted.size === 0) return; // the list is large: skip the call until a match or subscription names a league
    const infos = await ctx.steam.getLeagueInfoList();
    // Keyed by id: a league listed twice must not reach one upsert statement twice (Postgres refuses that).
    const found = new Map<number, LeagueProfile>();
    for (const info of infos) {
      if (wanted.has(info.league_id))
        found.set(info.league_id, { league_id: info.league_id, name: info.name, tier: info.tier ?? null });
    }
    await upsertLeagues(ctx.db, [...found.values()]);
    const unlisted = [...wanted].filter((id) => !found.has(id));
    // Checked but not listed (Valve's list has gaps): no longer a stub to chase; the daily run looks again.
    await markLeaguesChecked(ctx.db, unlisted);
    ctx.log.info(
      { listed: infos.length, wanted: wanted.size, updated: found.size, unlisted },
      'leagues refreshed',
    );
  },
};
