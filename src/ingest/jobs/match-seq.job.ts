// ingest.match-seq: fetch a page of matches by sequence number, store them and their alerts, kick delivery.
import { ingestMatchBySeqNum } from '../fetch-match.js';
import { ingestSequencePage } from '../store-page.js';
import { MAX_MATCHES_PER_PAGE } from '../steam/steam-client.js';
import { requirePositiveInteger, type JobDefinition } from './job.js';
import { afterStoring } from '../follow-ups.js';

export interface MatchSeqJobData {
  start_at_match_seq_num: number;
  matches_requested: number;
  /** Set when the page was asked for one known match: its absence is then a permanent failure. */
  match_id?: number;
}

const NAME = 'ingest.match-seq';

export const matchSeqJob: JobDefinition<MatchSeqJobData> = {
  name: NAME,
  concurrency: 2,
  entity: (data) =>
    data.match_id === undefined ? `seq:${data.start_at_match_seq_num}` : `match:${data.match_id}`,
  assertData(data) {
    const start = requirePositiveInteger(NAME, data, 'start_at_match_seq_num');
    const count = requirePositiveInteger(NAME, data, 'matches_requested');
    if (count > MAX_MATCHES_PER_PAGE)
      throw new TypeError(`${NAME}: matches_requested ≤ ${MAX_MATCHES_PER_PAGE}`);
    const hasMatchId = typeof data === 'object' && data !== null && 'match_id' in data;
    return {
      start_at_match_seq_num: start,
      matches_requested: count,
      ...(hasMatchId ? { match_id: requirePositiveInteger(NAME, data, 'match_id') } : {}),
    };
  },
  async run(ctx, data) {
    const stored =
      data.match_id === undefined
        ? await ingestSequencePage(ctx, data.start_at_match_seq_num, data.matches_requested)
        : await ingestMatchBySeqNum(ctx, data.match_id, data.start_at_match_seq_num);
    await afterStoring(ctx, stored);
  },
};
