// Tests for ingest.heroes: Valve's GetHeroes fills heroes dotaconstants lacks and never renames the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { JobContext } from '../../src/ingest/jobs/job.js';
import { heroesJob, humanizeHeroName } from '../../src/ingest/jobs/heroes.job.js';
import { replayIngest } from '../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const HEROES_PATH = '/IEconDOTA2_570/GetHeroes/v1/';

describe('ingest.heroes', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let ctx: JobContext;

  beforeAll(async () => {
    test = await createTestDatabase();
    const replay = await replayIngest(test.db);
    valve = replay.valve;
    ctx = { ...replay.ingest, enqueue: () => Promise.resolve() };
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });

  const hero = (id: number) =>
    test.db('heroes').where({ id }).first<{ name: string; localized_name: string } | undefined>();

  it('when a hero has no row, then it comes back with Valve’s name', async () => {
    await test.db('heroes').where({ id: 1 }).delete();
    await heroesJob.run(ctx, {});
    expect(await hero(1)).toMatchObject({ name: 'npc_dota_hero_antimage', localized_name: 'Anti-Mage' });
  });

  it('when Valve names a hero differently from dotaconstants, then the dotaconstants name stays', async () => {
    // Shipped GetHeroes says "Outworld Destroyer"; dotaconstants says "Outworld Devourer".
    expect((await hero(76))?.localized_name).toBe('Outworld Devourer');
    await heroesJob.run(ctx, {});
    expect((await hero(76))?.localized_name).toBe('Outworld Devourer');
  });

  it('when run twice, then the second run adds nothing', async () => {
    await heroesJob.run(ctx, {});
    const before = await test.db('heroes').count<{ count: string }[]>('* as count');
    await heroesJob.run(ctx, {});
    expect(await test.db('heroes').count<{ count: string }[]>('* as count')).toEqual(before);
  });

  it('when Valve ships a hero without a localized name, then a readable name is made from its internal one', async () => {
    valve.failNext(HEROES_PATH, {
      status: 200,
      body: '{"result":{"heroes":[{"name":"npc_dota_hero_shadow_kid","id":990}],"status":200,"count":1}}',
    });
    await heroesJob.run(ctx, {});
    expect(await hero(990)).toMatchObject({ name: 'npc_dota_hero_shadow_kid', localized_name: 'Shadow Kid' });
  });

  it('when humanizing internal names, then the prefix goes and words are capitalised', () => {
    expect(humanizeHeroName('npc_dota_hero_skeleton_king')).toBe('Skeleton King');
    expect(humanizeHeroName('npc_dota_hero_')).toBe('npc_dota_hero_');
  });
});
