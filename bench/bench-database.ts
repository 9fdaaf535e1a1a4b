// A fresh, migrated database for one benchmark: DATABASE_URL's server when set, else embedded Postgres.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '../src/store/db.js';
import { startEmbeddedPostgres } from '../src/store/embedded-postgres.js';
import { migrateLatest } from '../src/store/migrate.js';

export interface BenchDatabase {
  db: Db;
  url: string;
  /** Where it runs, for the printed figures. */
  label: string;
  close(): Promise<void>;
}

export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), `ddd-bench-${name}-`));
  const configured = process.env.DATABASE_URL;
  const embedded = configured ? undefined : await startEmbeddedPostgres(dataDir);
  const serverUrl = configured ?? embedded?.url ?? '';
  const databaseName = `ddd_bench_${name.replace(/\W/g, '_')}_${process.pid}`;
  const admin = createDb(serverUrl, { poolMax: 1 });
  await admin.raw(`CREATE DATABASE ${databaseName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  const db = createDb(url.toString());
  await migrateLatest(db);
  return {
    db,
    url: url.toString(),
    label: configured ? `DATABASE_URL, db ${databaseName}` : `embedded Postgres in ${dataDir}`,
    async close() {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch((error: unknown) => {
        console.error(`could not drop ${databaseName}:`, error);
      });
      await admin.destroy();
      await embedded?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
