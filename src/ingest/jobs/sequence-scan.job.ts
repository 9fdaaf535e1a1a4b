// ingest.sequence-scan: follow the head of Valve's match feed, keeping only matches that touch what we follow.
import { interestingAmong } from '../../store/interest.repo.js';
import { advanceCursor, readCursor } from '../../store/sequence-cursor.repo.js';
import { ANONYMOUS_ACCOUNT_ID } from '../steam/steam-ids.js';
import { MAX_MATCHES_PER_PAGE } from '../steam/steam-client.js';
import type { SteamMatch } from '../steam/steam.schemas.js';
import { nextSeqNumAfter, storeWithAlerts } from '../store-page.js';
import type { JobContext, JobDefinition } from './job.js';
import { afterStoring } from '../follow-ups.js';

const CURSOR = 'head';

/** Where to start on a fresh database: just behind the newest public match Valve lists. */
async function startingSeqNum(ctx: JobContext): Promise<number> {
  const page = await ctx.steam.getMatchHistory({ matches_requested: 1 });
  const newest = page.matches[0];
  if (!newest) throw new Error('GetMatchHistory listed no match to start the sequence scan from');
  return newest.match_seq_num;
}

async function keepInteresting(ctx: JobContext, matches: readonly SteamMatch[]): Promise<SteamMatch[]> {
  const accountIds = matches.flatMap((match) =>
    match.players.flatMap((player) =>
      player.account_id === undefined || player.account_id === ANONYMOUS_ACCOUNT_ID
        ? []
        : [player.account_id],
    ),
  );
  const teamIds = matches.flatMap((match) =>
    [match.radiant_team_id ?? 0, match.dire_team_id ?? 0].filter(Boolean),
  );
  const leagueIds = matches.flatMap((match) => (match.leagueid ? [match.leagueid] : []));
  const interest = await interestingAmong(ctx.db, { accountIds, teamIds, leagueIds });
  return matches.filter(
    (match) =>
      match.players.some(
        (player) => player.account_id !== undefined && interest.player.has(player.account_id),
      ) ||
      interest.team.has(match.radiant_team_id ?? 0) ||
      interest.team.has(match.dire_team_id ?? 0) ||
      interest.league.has(match.leagueid ?? 0),
  );
}

export const sequenceScanJob: JobDefinition<Record<string, never>> = {
  name: 'ingest.sequence-scan',
  assertData: () => ({}),
  entity: () => `cursor:${CURSOR}`,
  async run(ctx) {
    const startAt = (await readCursor(ctx.db, CURSOR)) ?? (await startingSeqNum(ctx));
    const matches = await ctx.steam.getMatchHistoryBySequenceNum(startAt, MAX_MATCHES_PER_PAGE);
    const next = nextSeqNumAfter(matches);
    const kept = await keepInteresting(ctx, matches);
    const stored = await ctx.db.transaction(async (trx) => {
      const result = await storeWithAlerts(ctx, trx, kept);
      await advanceCursor(trx, CURSOR, next ?? startAt);
      return result;
    });
    ctx.log.info(
      { startAt, scanned: matches.length, kept: kept.length, stored: stored.newMatchIds.length },
      'sequence scanned',
    );
    await afterStoring(ctx, stored);
  },
};
