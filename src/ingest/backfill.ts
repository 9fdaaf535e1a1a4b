// Backfills one player's history: every match Valve still lists (≈500 at most) that we have not stored.
import { isAppError } from '../errors.js';
import { knownMatchIds } from '../store/matches.repo.js';
import { ingestMatchBySeqNum } from './fetch-match.js';
import { fetchHistoryPages } from './history-pages.js';
import type { IngestContext } from './ingest-context.js';
import { MAX_MATCHES_PER_PAGE } from './steam/steam-client.js';

export interface BackfillProgress {
  /** Matches Valve listed for the player (up to the requested maximum). */
  found: number;
  /** Of those, how many we lacked when the backfill started. */
  missing: number;
  fetched: number;
  stored: number;
  failed: number;
  startedAt: number;
}

export interface BackfillOptions {
  maxMatches: number;
  onProgress(progress: BackfillProgress): void;
  /** Aborting stops between matches: each match is stored in its own transaction, so nothing is half written. */
  signal?: AbortSignal;
}

/** Resumable: a second run finds the stored matches and fetches only the rest. */
export async function backfillPlayer(
  ctx: IngestContext,
  accountId: number,
  options: BackfillOptions,
): Promise<BackfillProgress> {
  const progress: BackfillProgress = {
    found: 0,
    missing: 0,
    fetched: 0,
    stored: 0,
    failed: 0,
    startedAt: ctx.clock.now(),
  };
  const pages = Math.ceil(options.maxMatches / MAX_MATCHES_PER_PAGE);
  const history = (await fetchHistoryPages(ctx, { account_id: accountId }, pages, false)).slice(
    0,
    options.maxMatches,
  );
  const known = await knownMatchIds(
    ctx.db,
    history.map((match) => match.match_id),
  );
  const missing = history.filter((match) => !known.has(match.match_id));
  Object.assign(progress, { found: history.length, missing: missing.length });
  options.onProgress({ ...progress });
  for (const match of missing) {
    if (options.signal?.aborted) break;
    try {
      const page = await ingestMatchBySeqNum(ctx, match.match_id, match.match_seq_num);
      progress.stored += page.newMatchIds.length;
    } catch (error) {
      if (!isAppError(error)) throw error;
      progress.failed += 1;
      ctx.log.warn({ match_id: match.match_id, code: error.code, err: error }, 'backfill: match skipped');
    }
    progress.fetched += 1;
    options.onProgress({ ...progress });
  }
  return progress;
}
