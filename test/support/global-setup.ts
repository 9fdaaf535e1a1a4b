// Starts the test Postgres once per run and migrates a template database every test file clones.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/store/db.js';
import { startEmbeddedPostgres } from '../../src/store/embedded-postgres.js';
import { migrateLatest } from '../../src/store/migrate.js';
import { TEMPLATE_DATABASE, withDatabase } from './database-url.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = await mkdtemp(join(tmpdir(), 'ddd-test-pg-'));
    const embedded = await startEmbeddedPostgres(dataDir);
    adminUrl = embedded.url;
    stopEmbedded = () => embedded.stop();
  }
  const admin = createDb(adminUrl, { poolMax: 1 });
  await admin.raw(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.raw(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.destroy();
  const template = createDb(withDatabase(adminUrl, TEMPLATE_DATABASE), { poolMax: 1 });
  await migrateLatest(template);
  await template.destroy(); // a template must have no open connections to be cloned
  project.provide('adminDatabaseUrl', adminUrl);
  return async () => {
    await stopEmbedded?.();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
