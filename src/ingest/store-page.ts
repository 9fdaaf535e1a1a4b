// Fetches matches by sequence number and stores them with their alerts in one transaction.
import type { Knex } from 'knex';
import type { IngestContext } from './ingest-context.js';
import type { SteamMatch } from './steam/steam.schemas.js';
import { queueDeliveries } from '../notify/deliveries.repo.js';
import { storeMatches } from '../store/matches.repo.js';

export interface StoredPage {
  fetched: number;
  newMatchIds: number[];
  newDeliveries: number;
  /** The next sequence number to ask for, to continue after this page. */
  nextSeqNum: number | null;
}

/** Stores matches and queues the alerts they trigger, inside the caller's transaction. */
export async function storeWithAlerts(
  ctx: IngestContext,
  trx: Knex.Transaction,
  matches: readonly SteamMatch[],
): Promise<{ newMatchIds: number[]; newDeliveries: number }> {
  const newMatchIds = await storeMatches(trx, matches);
  const alertCutoff = new Date(ctx.clock.now() - ctx.alertMaxAgeMs);
  return { newMatchIds, newDeliveries: await queueDeliveries(trx, newMatchIds, alertCutoff) };
}

export function nextSeqNumAfter(matches: readonly SteamMatch[]): number | null {
  const last = matches.at(-1);
  return last ? last.match_seq_num + 1 : null;
}

export async function ingestSequencePage(
  ctx: IngestContext,
  startAt: number,
  count: number,
): Promise<StoredPage> {
  const matches = await ctx.steam.getMatchHistoryBySequenceNum(startAt, count);
  const { newMatchIds, newDeliveries } = await ctx.db.transaction((trx) =>
    storeWithAlerts(ctx, trx, matches),
  );
  ctx.log.info(
    { startAt, fetched: matches.length, stored: newMatchIds.length, newDeliveries },
    'sequence page stored',
  );
  return { fetched: matches.length, newMatchIds, newDeliveries, nextSeqNum: nextSeqNumAfter(matches) };
}
