// Which Dota account a chat user linked with `/dota link`; one account per user and platform.
import type { Db } from './db.js';

export interface ChatUser {
  platform: string;
  userId: string;
}

/** Links (or re-links) the user; returns the account linked before, if any. */
export async function linkAccount(db: Db, user: ChatUser, accountId: number): Promise<number | null> {
  return db.transaction(async (trx) => {
    const previous = await linkedAccountId(trx, user);
    await trx('account_links')
      .insert({ platform: user.platform, user_id: user.userId, account_id: accountId })
      .onConflict(['platform', 'user_id'])
      .merge({ account_id: accountId, linked_at: trx.fn.now() });
    return previous;
  });
}

/** Removes the link; returns the account that was linked, or null when there was none. */
export async function unlinkAccount(db: Db, user: ChatUser): Promise<number | null> {
  const rows = await db('account_links')
    .where({ platform: user.platform, user_id: user.userId })
    .delete()
    .returning<{ account_id: number }[]>('account_id');
  return rows[0]?.account_id ?? null;
}

export async function linkedAccountId(db: Db, user: ChatUser): Promise<number | null> {
  const row = await db('account_links')
    .where({ platform: user.platform, user_id: user.userId })
    .first<{ account_id: number } | undefined>('account_id');
  return row?.account_id ?? null;
}
