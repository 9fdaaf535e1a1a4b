import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

describe('migrations', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(() => test.drop());

  it('when migrated, then heroes come from dotaconstants and Agenda owns no table creation', async () => {
    const hero = await test.db('heroes').where({ id: 1 }).first<{ localized_name: string }>();
    expect(hero?.localized_name).toBe('Anti-Mage');
    const tables = await test.db.raw<{ rows: { tablename: string }[] }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = 'agenda_jobs'`,
    );
    expect(tables.rows).toHaveLength(1);
  });

  it('when migrating an up-to-date database again, then nothing changes and nothing fails', async () => {
    const before = await test.db('heroes').count<{ count: string }[]>('* as count');
    await migrateLatest(test.db);
    const after = await test.db('heroes').count<{ count: string }[]>('* as count');
    expect(after).toEqual(before);
  });
});
