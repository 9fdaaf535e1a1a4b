// Where the sequence scanner is in Valve's match feed; moved in the same transaction as the matches it stored.
import type { Knex } from 'knex';
import type { Db } from './db.js';

export async function readCursor(db: Db, name: string): Promise<number | null> {
  const row = await db('sequence_cursor').where({ name }).first<{ next_seq_num: number } | undefined>();
  return row?.next_seq_num ?? null;
}

/** Moves forward only: a slower worker finishing an older page never drags the cursor back. */
export async function advanceCursor(
  db: Db | Knex.Transaction,
  name: string,
  nextSeqNum: number,
): Promise<void> {
  await db.raw(
    `INSERT INTO sequence_cursor (name, next_seq_num) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET next_seq_num = GREATEST(sequence_cursor.next_seq_num, EXCLUDED.next_seq_num),
       updated_at = now()`,
    [name, nextSeqNum],
  );
}
