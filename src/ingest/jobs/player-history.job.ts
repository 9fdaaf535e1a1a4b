// ingest.player-history: a tracked player's recent matches → the ones we lack → fetched by sequence number.
import { isAppError } from '../../errors.js';
import { markPlayerPrivate, markHistoryChecked } from '../../store/players.repo.js';
import { fetchHistoryPages, queueMissingMatches } from '../history-pages.js';
import type { SteamHistoryMatch } from '../steam/steam.schemas.js';
import { requirePositiveInteger, type JobDefinition } from './job.js';

export interface PlayerHistoryJobData {
  account_id: number;
}

const NAME = 'ingest.player-history';

export const playerHistoryJob: JobDefinition<PlayerHistoryJobData> = {
  name: NAME,
  concurrency: 2,
  assertData: (data) => ({ account_id: requirePositiveInteger(NAME, data, 'account_id') }),
  entity: (data) => `player:${data.account_id}`,
  async run(ctx, { account_id }) {
    let history: SteamHistoryMatch[];
    try {
      history = await fetchHistoryPages(ctx, { account_id });
    } catch (error) {
      // A private profile is a state of the player, not a failure of ours: record it and stop quietly.
      if (isAppError(error) && error.code === 'steam_private_profile') {
        await markPlayerPrivate(ctx.db, account_id);
        ctx.log.info({ account_id }, 'player profile is private');
        return;
      }
      throw error;
    }
    const queued = await queueMissingMatches(ctx, history);
    await markHistoryChecked(ctx.db, account_id);
    ctx.log.info({ account_id, seen: history.length, queued }, 'player history checked');
  },
};
