// GetMatchHistory paging shared by player and league history, and queueing the matches we lack.
import { blockedEntities } from '../store/dead-letters.repo.js';
import { knownMatchIds } from '../store/matches.repo.js';
import type { IngestContext } from './ingest-context.js';
import type { JobContext } from './jobs/job.js';
import { matchSeqJob } from './jobs/match-seq.job.js';
import { MAX_MATCHES_PER_PAGE } from './steam/steam-client.js';
import type { SteamHistoryMatch } from './steam/steam.schemas.js';

/** Whose history: one account, or one league. */
export type HistoryFilter = { account_id: number } | { league_id: number };

/** Valve serves about 500 recent matches per query: five pages of 100. */
export const MAX_HISTORY_PAGES = 5;

/**
 * The newest matches for `filter`, newest first, paging with `start_at_match_id = last - 1`. Stops after the
 * first page that holds a match we already store: everything older was fetched on an earlier run.
 * Valve's in-body failures (e.g. status 15, private profile) arrive as the client's classified errors.
 */
export async function fetchHistoryPages(
  ctx: IngestContext,
  filter: HistoryFilter,
  maxPages = MAX_HISTORY_PAGES,
  /** Backfills read every page: a stored match says nothing about the gaps before it. */
  stopAtKnown = true,
): Promise<SteamHistoryMatch[]> {
  const rows: SteamHistoryMatch[] = [];
  let startAt: number | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await ctx.steam.getMatchHistory({
      ...filter,
      matches_requested: MAX_MATCHES_PER_PAGE,
      start_at_match_id: startAt,
    });
    rows.push(...result.matches);
    const last = result.matches.at(-1);
    const known = stopAtKnown
      ? await knownMatchIds(
          ctx.db,
          result.matches.map((match) => match.match_id),
        )
      : new Set();
    if (!last || result.results_remaining === 0 || (stopAtKnown && known.size > 0)) break;
    startAt = last.match_id - 1;
  }
  return rows;
}

/**
 * Queues one `ingest.match-seq` per history row we do not store yet; returns how many were queued.
 * A match whose fetch failed permanently (open dead letter) is not queued again on every poll: it stays
 * blocked, with its reason in `ddd jobs failed`, until an operator retries it.
 */
export async function queueMissingMatches(
  ctx: JobContext,
  history: readonly SteamHistoryMatch[],
): Promise<number> {
  const known = await knownMatchIds(
    ctx.db,
    history.map((match) => match.match_id),
  );
  const blocked = await blockedEntities(
    ctx.db,
    matchSeqJob.name,
    history.map((match) => `match:${match.match_id}`),
  );
  const missing = history.filter(
    (match) => !known.has(match.match_id) && !blocked.has(`match:${match.match_id}`),
  );
  for (const match of missing) {
    await ctx.enqueue(matchSeqJob, {
      start_at_match_seq_num: match.match_seq_num,
      matches_requested: 1,
      match_id: match.match_id,
    });
  }
  return missing.length;
}
