// Players: tracking, private-profile state, and the timestamps convergence works from.
import { toAccountId, toSteamId64 } from '../ingest/steam/steam-ids.js';
import type { SteamPlayerSummary } from '../ingest/steam/steam.schemas.js';
import type { Db } from './db.js';

export interface PlayerRow {
  account_id: number;
  steamid64: string;
  persona: string | null;
  avatar_url: string | null;
  tracked: boolean;
  is_private: boolean;
  history_checked_at: Date | null;
  refreshed_at: Date | null;
}

const PLAYER_COLUMNS = [
  'account_id',
  'steamid64',
  'persona',
  'avatar_url',
  'tracked',
  'is_private',
  'history_checked_at',
  'refreshed_at',
] as const;

export async function findPlayer(db: Db, accountId: number): Promise<PlayerRow | undefined> {
  return db('players')
    .where({ account_id: accountId })
    .first<PlayerRow | undefined>(...PLAYER_COLUMNS);
}

/** Marks a player tracked, creating the stub if needed. */
export async function trackPlayer(db: Db, accountId: number): Promise<void> {
  await db('players')
    .insert({ account_id: accountId, steamid64: toSteamId64(accountId), tracked: true })
    .onConflict('account_id')
    .merge({ tracked: true });
}

export async function markPlayerPrivate(db: Db, accountId: number): Promise<void> {
  await db('players')
    .where({ account_id: accountId })
    .update({ is_private: true, history_checked_at: db.fn.now() });
}

export async function markHistoryChecked(db: Db, accountId: number): Promise<void> {
  await db('players')
    .where({ account_id: accountId })
    .update({ is_private: false, history_checked_at: db.fn.now() });
}

/** Stops polling a player; returns whether they were tracked. Their matches and subscriptions stay. */
export async function untrackPlayer(db: Db, accountId: number): Promise<boolean> {
  return (await db('players').where({ account_id: accountId, tracked: true }).update({ tracked: false })) > 0;
}

/** Tracked players whose match data is public: the ones worth polling. */
export async function pollableAccountIds(db: Db): Promise<number[]> {
  const rows = await db('players')
    .where({ tracked: true, is_private: false })
    .orderBy('account_id')
    .select<{ account_id: number }[]>('account_id');
  return rows.map((row) => row.account_id);
}

/** A player whose Steam profile can be asked for. */
export interface ProfileTarget {
  account_id: number;
  steamid64: string;
}

/** Up to `limit` players, never-refreshed stubs first, then the longest since their last refresh. */
export async function profilesDueForRefresh(db: Db, limit: number): Promise<ProfileTarget[]> {
  return db('players')
    .orderByRaw('refreshed_at ASC NULLS FIRST, account_id')
    .limit(limit)
    .select<ProfileTarget[]>('account_id', 'steamid64');
}

/** What GetPlayerSummaries tells us about one player. */
export interface PlayerProfile {
  account_id: number;
  persona: string;
  avatar_url: string | null;
  profile_url: string | null;
}

export function toPlayerProfile(summary: SteamPlayerSummary): PlayerProfile {
  return {
    account_id: toAccountId(summary.steamid),
    persona: summary.personaname,
    avatar_url: summary.avatarfull ?? summary.avatar ?? null,
    profile_url: summary.profileurl ?? null,
  };
}

/**
 * Stores the profiles Valve returned and stamps every checked player refreshed, in one transaction.
 * Checked players without a profile (private or deleted accounts) keep their persona; only refreshed_at moves,
 * so they go to the back of the queue instead of being asked for again and again.
 */
export async function storeProfiles(
  db: Db,
  checkedAccountIds: readonly number[],
  profiles: readonly PlayerProfile[],
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('players')
      .whereIn('account_id', [...checkedAccountIds])
      .update({ refreshed_at: trx.fn.now() });
    if (profiles.length === 0) return;
    // One statement for the whole batch; a missing avatar or URL keeps what we had.
    await trx.raw(
      `UPDATE players AS p
          SET persona = v.persona,
              avatar_url = COALESCE(v.avatar_url, p.avatar_url),
              profile_url = COALESCE(v.profile_url, p.profile_url)
         FROM json_to_recordset(?::json) AS v(account_id bigint, persona text, avatar_url text, profile_url text)
        WHERE p.account_id = v.account_id`,
      [JSON.stringify(profiles)],
    );
  });
}
