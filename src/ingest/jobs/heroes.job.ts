// ingest.heroes: add heroes Valve's GetHeroes knows and dotaconstants does not yet (a new hero's first days).
import { insertMissingHeroes, type HeroRow } from '../../store/heroes.repo.js';
import type { JobDefinition } from './job.js';

const NAME = 'ingest.heroes';
const HERO_PREFIX = 'npc_dota_hero_';

/** `npc_dota_hero_shadow_shaman` → `Shadow Shaman`: a readable stand-in when Valve sends no localized name. */
export function humanizeHeroName(internalName: string): string {
  const words = internalName.replace(HERO_PREFIX, '').split('_').filter(Boolean);
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ') || internalName;
}

export const heroesJob: JobDefinition<Record<string, never>> = {
  name: NAME,
  assertData: () => ({}),
  entity: () => 'heroes',
  async run(ctx) {
    const heroes = await ctx.steam.getHeroes();
    const rows: HeroRow[] = heroes.map((hero) => ({
      id: hero.id,
      name: hero.name,
      localized_name: hero.localized_name?.trim() || humanizeHeroName(hero.name),
    }));
    const added = await insertMissingHeroes(ctx.db, rows);
    ctx.log.info({ valve: heroes.length, added }, 'heroes checked against Valve');
  },
};
