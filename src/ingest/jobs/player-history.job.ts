// ingest.player-history: a tracked player's recent matches → the ones we lack → fetched by sequence number.
import { isAppError } from '../../errors.js';
import { knownMatchIds } from '../../store/matches.repo.js';
import { markPlayerPrivate, markHistoryChecked } from '../../store/players.repo.js';
import { MAX_MATCHES_PER_PAGE } from '../steam/steam-client.js';
import type { SteamHistoryMatch } from '../steam/steam.schemas.js';
import { matchSeqJob } from './match-seq.job.js';
import { requirePositiveInteger, type JobContext, type JobDefinition } from './job.js';

export interface PlayerHistoryJobData {
  account_id: number;
}

const NAME = 'ingest.player-history';
/** Valve serves about 500 recent matches per account: five pages of 100. */
const MAX_PAGES = 5;

async function fetchHistory(ctx: JobContext, accountId: number): Promise<SteamHistoryMatch[]> {
  const rows: SteamHistoryMatch[] = [];
  let startAt: number | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await ctx.steam.getMatchHistory({
      account_id: accountId,
      matches_requested: MAX_MATCHES_PER_PAGE,
      start_at_match_id: startAt,
    });
    rows.push(...result.matches);
    const last = result.matches.at(-1);
    // Stop at the first page holding a match we already have: everything older was fetched before.
    const known = await knownMatchIds(
      ctx.db,
      result.matches.map((match) => match.match_id),
    );
    if (!last || result.results_remaining === 0 || known.size > 0) break;
    startAt = last.match_id - 1;
  }
  return rows;
}

export const playerHistoryJob: JobDefinition<PlayerHistoryJobData> = {
  name: NAME,
  concurrency: 2,
  assertData: (data) => ({ account_id: requirePositiveInteger(NAME, data, 'account_id') }),
  entity: (data) => `player:${data.account_id}`,
  async run(ctx, { account_id }) {
    let history: SteamHistoryMatch[];
    try {
      history = await fetchHistory(ctx, account_id);
    } catch (error) {
      // A private profile is a state of the player, not a failure of ours: record it and stop quietly.
      if (isAppError(error) && error.code === 'steam_private_profile') {
        await markPlayerPrivate(ctx.db, account_id);
        ctx.log.info({ account_id }, 'player profile is private');
        return;
      }
      throw error;
    }
    const known = await knownMatchIds(
      ctx.db,
      history.map((match) => match.match_id),
    );
    const missing = history.filter((match) => !known.has(match.match_id));
    for (const match of missing) {
      await ctx.enqueue(matchSeqJob, {
        start_at_match_seq_num: match.match_seq_num,
        matches_requested: 1,
        match_id: match.match_id,
      });
    }
    await markHistoryChecked(ctx.db, account_id);
    ctx.log.info({ account_id, seen: history.length, queued: missing.length }, 'player history checked');
  },
};
