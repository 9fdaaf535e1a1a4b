// ingest.league-history: a league's recent matches → the ones we lack → fetched by sequence number.
import { fetchHistoryPages, queueMissingMatches } from '../history-pages.js';
import { requirePositiveInteger, type JobDefinition } from './job.js';

export interface LeagueHistoryJobData {
  league_id: number;
}

const NAME = 'ingest.league-history';

export const leagueHistoryJob: JobDefinition<LeagueHistoryJobData> = {
  name: NAME,
  concurrency: 2,
  assertData: (data) => ({ league_id: requirePositiveInteger(NAME, data, 'league_id') }),
  entity: (data) => `league:${data.league_id}`,
  async run(ctx, { league_id }) {
    const history = await fetchHistoryPages(ctx, { league_id });
    const queued = await queueMissingMatches(ctx, history);
    ctx.log.info({ league_id, seen: history.length, queued }, 'league history checked');
  },
};
