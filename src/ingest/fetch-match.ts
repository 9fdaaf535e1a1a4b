// One match by id: GetMatchDetails is broken since 7.36, so find its sequence number, then fetch that page.
import { AppError } from '../errors.js';
import { knownMatchIds } from '../store/matches.repo.js';
import type { IngestContext } from './ingest-context.js';
import { ingestSequencePage, type StoredPage } from './store-page.js';

function matchNotFound(matchId: number): AppError {
  return new AppError('match_not_found', `Match ${matchId} not found at Valve`, {
    userMessage: `Valve has no public match ${matchId}. Check the id (practice lobbies and very old matches are not available).`,
  });
}

/** Ingests a match by id unless already stored; resolves to null when it was already there. */
export async function ingestMatchById(ctx: IngestContext, matchId: number): Promise<StoredPage | null> {
  if ((await knownMatchIds(ctx.db, [matchId])).has(matchId)) return null;
  const page = await ctx.steam.getMatchHistory({ start_at_match_id: matchId, matches_requested: 1 });
  const row = page.matches.find((match) => match.match_id === matchId);
  if (!row) throw matchNotFound(matchId);
  return ingestMatchBySeqNum(ctx, matchId, row.match_seq_num);
}

/** Fetches the one match at `seqNum`; a page that does not contain `matchId` means Valve lost it. */
export async function ingestMatchBySeqNum(
  ctx: IngestContext,
  matchId: number,
  seqNum: number,
): Promise<StoredPage> {
  const stored = await ingestSequencePage(ctx, seqNum, 1);
  if (!(await knownMatchIds(ctx.db, [matchId])).has(matchId)) throw matchNotFound(matchId);
  return stored;
}
