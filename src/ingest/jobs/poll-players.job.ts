// ingest.poll-players: the periodic tick that queues a history check for every tracked, public player.
import { pollableAccountIds } from '../../store/players.repo.js';
import type { JobDefinition } from './job.js';
import { playerHistoryJob } from './player-history.job.js';

export const pollPlayersJob: JobDefinition<Record<string, never>> = {
  name: 'ingest.poll-players',
  assertData: () => ({}),
  entity: () => 'tracked-players',
  async run(ctx) {
    for (const account_id of await pollableAccountIds(ctx.db))
      await ctx.enqueue(playerHistoryJob, { account_id });
  },
};
