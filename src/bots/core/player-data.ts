// A player's stored data for the player commands, fetching a player we have never fetched: newest match inline, the rest queued.
import { AppError, isAppError } from '../../errors.js';
import { fetchHistoryPages } from '../../ingest/history-pages.js';
import { ingestMatchBySeqNum } from '../../ingest/fetch-match.js';
import { playerHistoryJob } from '../../ingest/jobs/player-history.job.js';
import { toSteamId64 } from '../../ingest/steam/steam-ids.js';
import type { SteamHistoryMatch } from '../../ingest/steam/steam.schemas.js';
import type { Db } from '../../store/db.js';
import { knownMatchIds } from '../../store/matches.repo.js';
import { recentMatches } from '../../store/player-stats.repo.js';
import {
  findPlayer,
  markHistoryChecked,
  markPlayerPrivate,
  storeProfiles,
  toPlayerProfile,
  trackPlayer,
  type PlayerRow,
} from '../../store/players.repo.js';
import type { CommandContext } from './command-context.js';

/**
 * A private profile is looked at again when someone asks about it this long after the last look, so a user
 * who just turned on "Expose Public Match Data" sees it work (the integrity job alone waits a day).
 */
export const PRIVATE_RECHECK_MS = 5 * 60_000;

/** What the player commands know about one account once {@link loadPlayerData} returns. */
export interface PlayerData {
  accountId: number;
  /** The stored row, after any fetch this call made. */
  player: PlayerRow;
  /** More of their matches are being fetched in the background: the reply should say so. */
  fetchingMore: boolean;
}

async function requirePlayer(db: Db, accountId: number): Promise<PlayerRow> {
  const player = await findPlayer(db, accountId);
  if (!player) throw new AppError('player_missing', `player ${accountId} missing after tracking`);
  return player;
}

function valveFailed(accountId: number, cause: unknown): AppError {
  const kind = isAppError(cause) ? cause.kind : 'transient';
  return new AppError('player_fetch_failed', `history of player ${accountId} could not be fetched`, {
    kind,
    cause,
    userMessage: `Valve did not send the match history of player ${accountId} just now. We will keep trying in the background: ask again in a minute.`,
  });
}

/**
 * The stored data of `accountId`, answered from our database whenever we have fetched the player before.
 * A player never fetched (no row, or never history-checked and no stored match), or a private one last checked
 * over {@link PRIVATE_RECHECK_MS} ago, is tracked and fetched now: their newest history page, their newest match
 * inline (the sequence endpoint allows ~1 call per 5 s per key, so only one), the rest as a queued history job.
 * A player seen only in others' matches is answered from those, with their history job queued. A private
 * profile is recorded, not thrown; a Valve failure becomes an AppError naming the player, except on a private
 * recheck, which falls back to what we stored.
 */
export async function loadPlayerData(ctx: CommandContext, accountId: number): Promise<PlayerData> {
  const player = await findPlayer(ctx.db, accountId);
  const seenOnly =
    player?.history_checked_at === null && (await recentMatches(ctx.db, accountId, 1)).length > 0;
  if (player && seenOnly) {
    // Seen in someone else's match but never looked up: answer now, and let the job fill in their history.
    await ctx.enqueue(playerHistoryJob, { account_id: accountId });
    return { accountId, player, fetchingMore: true };
  }
  if (!player?.history_checked_at) return fetchPlayer(ctx, accountId);
  if (!privateRecheckDue(player, ctx.clock.now())) return { accountId, player, fetchingMore: false };
  try {
    return await fetchPlayer(ctx, accountId);
  } catch (error) {
    // A recheck is a courtesy: when Valve fails, what we stored (and the private note) still answers.
    ctx.log.warn({ err: error, account_id: accountId }, 'private profile recheck failed');
    return { accountId, player, fetchingMore: false };
  }
}

function privateRecheckDue(player: PlayerRow, now: number): boolean {
  const checked = player.history_checked_at;
  return player.is_private && checked !== null && now - checked.getTime() > PRIVATE_RECHECK_MS;
}

async function fetchPlayer(ctx: CommandContext, accountId: number): Promise<PlayerData> {
  await trackPlayer(ctx.db, accountId);
  // Both calls at once; the profile write is awaited even when the history fails, so nothing outlives the reply.
  const profile = refreshProfile(ctx, accountId);
  let history: Awaited<ReturnType<typeof newestHistory>>;
  try {
    history = await newestHistory(ctx, accountId);
  } finally {
    await profile;
  }
  if (history === 'private') {
    await markPlayerPrivate(ctx.db, accountId);
    return { accountId, player: await requirePlayer(ctx.db, accountId), fetchingMore: false };
  }
  const newest = history[0];
  let newestMissing = false;
  if (newest && !(await knownMatchIds(ctx.db, [newest.match_id])).has(newest.match_id)) {
    try {
      await ingestMatchBySeqNum(ctx.ingest, newest.match_id, newest.match_seq_num);
    } catch (error) {
      // The reply can still go out; the queued history job fetches this match with the others.
      ctx.log.warn(
        { err: error, account_id: accountId, match_id: newest.match_id },
        'newest match not fetched',
      );
      newestMissing = true;
    }
  }
  const fetchingMore = history.length > 1 || newestMissing;
  if (fetchingMore) await ctx.enqueue(playerHistoryJob, { account_id: accountId });
  await markHistoryChecked(ctx.db, accountId);
  return { accountId, player: await requirePlayer(ctx.db, accountId), fetchingMore };
}

/** The newest history page (up to 100 matches, newest first), or 'private' when Valve says status 15. */
async function newestHistory(
  ctx: CommandContext,
  accountId: number,
): Promise<SteamHistoryMatch[] | 'private'> {
  try {
    return await fetchHistoryPages(ctx.ingest, { account_id: accountId }, 1);
  } catch (error) {
    if (isAppError(error) && error.code === 'steam_private_profile') return 'private';
    // Queued so the player's history still arrives once Valve answers again; the user hears why now.
    await ctx
      .enqueue(playerHistoryJob, { account_id: accountId })
      .catch((enqueueError: unknown) =>
        ctx.log.error({ err: enqueueError, account_id: accountId }, 'history job not queued'),
      );
    throw valveFailed(accountId, error);
  }
}

// Persona and avatar for the first reply; the profile job refreshes them later, so a failure here only logs.
async function refreshProfile(ctx: CommandContext, accountId: number): Promise<void> {
  try {
    const steamid = toSteamId64(accountId);
    const [summary] = (await ctx.ingest.steam.getPlayerSummaries([steamid])).filter(
      (found) => found.steamid === steamid,
    );
    await storeProfiles(ctx.db, [accountId], summary ? [toPlayerProfile(summary)] : []);
  } catch (error) {
    ctx.log.warn({ err: error, account_id: accountId }, 'player profile not refreshed');
  }
}
