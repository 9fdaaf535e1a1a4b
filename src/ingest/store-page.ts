// Fetches matches by sequence number and stores them with their alerts in one transaction.
import type { IngestContext } from './ingest-context.js';
import { queueDeliveries } from '../notify/deliveries.repo.js';
import { storeMatches } from '../store/matches.repo.js';

export interface StoredPage {
  fetched: number;
  newMatchIds: number[];
  newDeliveries: number;
  /** The next sequence number to ask for, to continue after this page. */
  nextSeqNum: number | null;
}

export async function ingestSequencePage(
  ctx: IngestContext,
  startAt: number,
  count: number,
): Promise<StoredPage> {
  const matches = await ctx.steam.getMatchHistoryBySequenceNum(startAt, count);
  const alertCutoff = new Date(ctx.clock.now() - ctx.alertMaxAgeMs);
  const { newMatchIds, newDeliveries } = await ctx.db.transaction(async (trx) => {
    const ids = await storeMatches(trx, matches);
    return { newMatchIds: ids, newDeliveries: await queueDeliveries(trx, ids, alertCutoff) };
  });
  const last = matches.at(-1);
  ctx.log.info(
    { startAt, fetched: matches.length, stored: newMatchIds.length, newDeliveries },
    'sequence page stored',
  );
  return {
    fetched: matches.length,
    newMatchIds,
    newDeliveries,
    nextSeqNum: last ? last.match_seq_num + 1 : null,
  };
}
