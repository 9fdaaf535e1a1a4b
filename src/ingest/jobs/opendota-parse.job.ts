// ingest.opendota-parse: fetch a stored match's parsed gold/XP timelines from OpenDota and keep them.
import { AppError, isAppError } from '../../errors.js';
import { knownMatchIds } from '../../store/matches.repo.js';
import { storeTimeline } from '../../store/timelines.repo.js';
import type { OpenDotaClient, ParsedMatchResult } from '../opendota/opendota-client.js';
import { requirePositiveInteger, type JobContext, type JobDefinition } from './job.js';

export interface OpenDotaParseJobData {
  match_id: number;
}

export const OPENDOTA_PARSE_JOB_NAME = 'ingest.opendota-parse';

/** What one run did, for logs and tests. */
export type OpenDotaParseOutcome = 'stored' | 'not_parsed' | 'unknown_to_opendota' | 'disabled';

/**
 * Runs only where OPENDOTA_ENABLED gave the context a client; without one every run is a no-op, so a job
 * queued while it was enabled drains quietly instead of failing.
 */
export const opendotaParseJob: JobDefinition<OpenDotaParseJobData> = {
  name: OPENDOTA_PARSE_JOB_NAME,
  // OpenDota's free tier allows 60 requests a minute; the client paces, one at a time keeps it simple.
  concurrency: 1,
  assertData: (data) => ({ match_id: requirePositiveInteger(OPENDOTA_PARSE_JOB_NAME, data, 'match_id') }),
  entity: (data) => `match:${data.match_id}`,
  async run(ctx, { match_id: matchId }) {
    const outcome = await parseTimeline(ctx, ctx.openDota, matchId);
    ctx.log.info({ matchId, outcome }, 'opendota timeline checked');
  },
};

async function parseTimeline(
  ctx: JobContext,
  openDota: OpenDotaClient | undefined,
  matchId: number,
): Promise<OpenDotaParseOutcome> {
  if (!openDota) return 'disabled';
  // The timeline hangs off the match row; asking OpenDota first would spend quota on a row we cannot write.
  if (!(await knownMatchIds(ctx.db, [matchId])).has(matchId)) {
    throw new AppError('timeline_match_not_stored', `Match ${matchId} is not stored: ingest it first`);
  }
  const result = await fetchUnlessUnknown(openDota, matchId);
  if (!result) return 'unknown_to_opendota';
  // No parsed replay: store nothing, so the recap shows "no parsed data" rather than an empty chart.
  if (!result.parsed) return 'not_parsed';
  await storeTimeline(ctx.db, matchId, result.timeline, 'opendota');
  return 'stored';
}

/** The match from OpenDota, or null on its 404: not knowing a match (private lobby, not yet seen) is an answer. */
async function fetchUnlessUnknown(
  openDota: OpenDotaClient,
  matchId: number,
): Promise<ParsedMatchResult | null> {
  try {
    return await openDota.getParsedMatch(matchId);
  } catch (error) {
    if (isAppError(error) && error.code === 'opendota_match_not_found') return null;
    throw error;
  }
}
