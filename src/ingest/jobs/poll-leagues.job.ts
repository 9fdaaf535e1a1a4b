// ingest.poll-leagues: the periodic tick that queues a history check for every subscribed league.
import type { JobDefinition } from './job.js';
import { leagueHistoryJob } from './league-history.job.js';

export const pollLeaguesJob: JobDefinition<Record<string, never>> = {
  name: 'ingest.poll-leagues',
  assertData: () => ({}),
  entity: () => 'subscribed-leagues',
  async run(ctx) {
    const leagueIds = await ctx
      .db('subscriptions')
      .where({ target_kind: 'league' })
      .whereNull('paused_at')
      .distinct()
      .pluck<number[]>('target_id');
    for (const league_id of leagueIds) await ctx.enqueue(leagueHistoryJob, { league_id });
  },
};
