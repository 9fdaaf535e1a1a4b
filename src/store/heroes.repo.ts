// Heroes beyond dotaconstants: rows for heroes Valve ships before the package knows them, never renaming others.
import type { Db } from './db.js';

export interface HeroRow {
  id: number;
  name: string;
  localized_name: string;
}

/**
 * Inserts the heroes we have no row for and returns their ids. Existing rows are untouched: their names come
 * from dotaconstants (synced at migration), which is the curated source; Valve's GetHeroes only fills gaps.
 */
export async function insertMissingHeroes(db: Db, heroes: readonly HeroRow[]): Promise<number[]> {
  if (heroes.length === 0) return [];
  const inserted = await db('heroes')
    .insert(heroes.map((hero) => ({ ...hero, updated_at: db.fn.now() })))
    .onConflict('id')
    .ignore()
    .returning<{ id: number }[]>('id');
  return inserted.map((row) => row.id);
}

export async function listHeroes(db: Db): Promise<HeroRow[]> {
  return db('heroes').select<HeroRow[]>('id', 'name', 'localized_name');
}
