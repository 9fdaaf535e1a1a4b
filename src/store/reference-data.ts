// Heroes and items from the dotaconstants package, upserted so a package upgrade renames in place.
import type { Db } from './db.js';

interface ConstantHero {
  id: number;
  name: string;
  localized_name: string;
}
interface ConstantItem {
  id: number;
  dname?: string;
  cost?: number | null;
}

export async function syncReferenceData(db: Db): Promise<void> {
  // Imported lazily: dotaconstants is large and most processes never need it after migrating.
  const constants = (await import('dotaconstants')) as unknown as {
    heroes: Record<string, ConstantHero>;
    items: Record<string, ConstantItem>;
  };
  const heroes = Object.values(constants.heroes).map((hero) => ({
    id: hero.id,
    name: hero.name,
    localized_name: hero.localized_name,
    updated_at: db.fn.now(),
  }));
  const items = Object.entries(constants.items)
    .filter(([, item]) => Number.isInteger(item.id))
    .map(([name, item]) => ({
      id: item.id,
      name,
      localized_name: item.dname ?? name,
      cost: item.cost ?? null,
    }));
  await db.transaction(async (trx) => {
    await trx('heroes').insert(heroes).onConflict('id').merge();
    // Several item keys can share an id; Postgres refuses to upsert one row twice in a statement.
    const uniqueItems = [...new Map(items.map((item) => [item.id, item])).values()];
    for (let start = 0; start < uniqueItems.length; start += 500) {
      await trx('items')
        .insert(uniqueItems.slice(start, start + 500))
        .onConflict('id')
        .merge();
    }
  });
}
