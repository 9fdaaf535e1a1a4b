// Tests for ingest.heroes: Valve's GetHeroes fills heroes dotaconstants lacks and never renames the others.
import { describe, expect, it } from 'vitest';
import { heroesJob, humanizeHeroName } from '../../src/ingest/jobs/heroes.job.js';
import { useReplaySuite } from '../support/replay-suite.js';

const HEROES_PATH = '/IEconDOTA2_570/GetHeroes/v1/';

describe('ingest.heroes', () => {
  const suite = useReplaySuite();

  const hero = (id: number) =>
    suite.test.db('heroes').where({ id }).first<{ name: string; localized_name: string } | undefined>();

  it('when a hero has no row, then it comes back with Valve’s name', async () => {
    await suite.test.db('heroes').where({ id: 1 }).delete();
    await heroesJob.run(suite.ctx, {});
    expect(await hero(1)).toMatchObject({ name: 'npc_dota_hero_antimage', localized_name: 'Anti-Mage' });
  });

  it('when Valve names a hero differently from dotaconstants, then the dotaconstants name stays', async () => {
    // Shipped GetHeroes says "Outworld Destroyer"; dotaconstants says "Outworld Devourer".
    expect((await hero(76))?.localized_name).toBe('Outworld Devourer');
    await heroesJob.run(suite.ctx, {});
    expect((await hero(76))?.localized_name).toBe('Outworld Devourer');
  });

  it('when run twice, then the second run adds nothing', async () => {
    await heroesJob.run(suite.ctx, {});
    const before = await suite.test.db('heroes').count<{ count: string }[]>('* as count');
    await heroesJob.run(suite.ctx, {});
    expect(await suite.test.db('heroes').count<{ count: string }[]>('* as count')).toEqual(before);
  });

  it('when Valve ships a hero without a localized name, then a readable name is made from its internal one', async () => {
    suite.valve.failNext(HEROES_PATH, {
      status: 200,
      body: '{"result":{"heroes":[{"name":"npc_dota_hero_shadow_kid","id":990}],"status":200,"count":1}}',
    });
    await heroesJob.run(suite.ctx, {});
    expect(await hero(990)).toMatchObject({ name: 'npc_dota_hero_shadow_kid', localized_name: 'Shadow Kid' });
  });

  it('when humanizing internal names, then the prefix goes and words are capitalised', () => {
    expect(humanizeHeroName('npc_dota_hero_skeleton_king')).toBe('Skeleton King');
    expect(humanizeHeroName('npc_dota_hero_')).toBe('npc_dota_hero_');
  });
});
