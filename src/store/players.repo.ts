// Players: tracking, private-profile state, and the timestamps convergence works from.
import { toSteamId64 } from '../ingest/steam/steam-ids.js';
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

/** Tracked players whose match data is public: the ones worth polling. */
export async function pollableAccountIds(db: Db): Promise<number[]> {
  const rows = await db('players')
    .where({ tracked: true, is_private: false })
    .orderBy('account_id')
    .select<{ account_id: number }[]>('account_id');
  return rows.map((row) => row.account_id);
}
