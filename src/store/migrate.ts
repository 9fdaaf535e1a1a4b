// Brings a database to the latest schema and loads reference data (heroes, items) from dotaconstants.
import { migrationSource } from '../../migrations/index.js';
import type { Db } from './db.js';
import { syncReferenceData } from './reference-data.js';

export async function migrateLatest(db: Db): Promise<void> {
  await db.migrate.latest({ migrationSource });
  await syncReferenceData(db);
}
