// Fuzzy hero lookup for /dota hero: names, initials, community aliases and typos, over a per-database memory cache.
import type { Clock } from '../../clock.js';
import type { Db } from '../../store/db.js';
import { listHeroes } from '../../store/heroes.repo.js';

/** A hero as users know it. */
export interface Hero {
  id: number;
  /** Valve's internal name, e.g. `npc_dota_hero_antimage`. */
  name: string;
  /** What players call it, e.g. `Anti-Mage`. */
  localizedName: string;
}

/** Where heroes come from and when "now" is: a CommandContext fits. */
export interface HeroSource {
  db: Db;
  clock: Clock;
}

/** Discord shows at most 25 autocomplete choices. */
export const MAX_HERO_CHOICES = 25;

// Heroes change a few times a year; ten minutes keeps a rename or a new hero from lingering all day.
const CACHE_TTL_MS = 10 * 60_000;
const INTERNAL_PREFIX = 'npc_dota_hero_';
/** No hero name is longer; the edit-distance work grows with the input, so longer input is cut. */
const MAX_TYPED = 40;

interface IndexedHero extends Hero {
  /** Normalized name without spaces: `antimage`. */
  compact: string;
  /** Normalized words: `['anti', 'mage']`. */
  words: string[];
  /** First letters of the words: `am`, `qop`, `kotl`. */
  initials: string;
  /** dotaconstants aliases and the internal name, each without spaces: `wei`, `nevermore`, `toybutcher`. */
  aliases: string[];
}

interface CachedIndex {
  loadedAt: number;
  heroes: Promise<IndexedHero[]>;
}

// Keyed by database handle, not a process-wide singleton: two databases in one process never share heroes.
const caches = new WeakMap<Db, CachedIndex>();
let aliasTable: Promise<Map<number, string[]>> | undefined;

/** Lower case, accents and apostrophes dropped, everything else that is not a letter or digit a space. */
function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const compact = (text: string): string => normalize(text).replace(/ /g, '');

// Imported lazily and once: dotaconstants is large, and only its hero aliases are needed here.
function aliases(): Promise<Map<number, string[]>> {
  aliasTable ??= (
    import('dotaconstants') as unknown as Promise<{
      heroes: Record<string, { id: number; aliases?: string[] }>;
    }>
  ).then(
    ({ heroes }) => new Map(Object.values(heroes).map((hero) => [hero.id, hero.aliases ?? []])),
    () => new Map(),
  );
  return aliasTable;
}

function indexHero(hero: Hero, heroAliases: readonly string[]): IndexedHero {
  const words = normalize(hero.localizedName).split(' ').filter(Boolean);
  const internal = hero.name.startsWith(INTERNAL_PREFIX) ? hero.name.slice(INTERNAL_PREFIX.length) : '';
  const aliasKeys = [...heroAliases, internal].map(compact).filter((alias) => alias.length > 0);
  return {
    ...hero,
    compact: words.join(''),
    words,
    initials: words.map((word) => word[0]).join(''),
    aliases: [...new Set(aliasKeys)],
  };
}

async function readHeroes(db: Db): Promise<IndexedHero[]> {
  const [rows, heroAliases] = await Promise.all([listHeroes(db), aliases()]);
  return rows
    .map((row) =>
      indexHero(
        { id: row.id, name: row.name, localizedName: row.localized_name },
        heroAliases.get(row.id) ?? [],
      ),
    )
    .sort(byName);
}

function loadIndex(source: HeroSource, maxAgeMs: number): Promise<IndexedHero[]> {
  const now = source.clock.now();
  const cached = caches.get(source.db);
  if (cached && now - cached.loadedAt < maxAgeMs) return cached.heroes;
  const entry: CachedIndex = { loadedAt: now, heroes: readHeroes(source.db) };
  caches.set(source.db, entry);
  // A failed load must not stick: the next lookup tries the database again.
  entry.heroes.catch(() => {
    if (caches.get(source.db) === entry) caches.delete(source.db);
  });
  return entry.heroes;
}

function byName(a: Hero, b: Hero): number {
  const left = a.localizedName.toLowerCase();
  const right = b.localizedName.toLowerCase();
  return left < right ? -1 : left > right ? 1 : a.id - b.id;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent swaps) of `typed` to `target` and to the
 * closest prefix of `target`, so a typo still matches while the rest of the name is not typed yet.
 */
function editDistances(typed: string, target: string): { whole: number; prefix: number } {
  const rows: number[][] = [Array.from({ length: target.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= typed.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= target.length; j += 1) {
      const cost = typed[i - 1] === target[j - 1] ? 0 : 1;
      let best = Math.min(
        (rows[i - 1]?.[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (rows[i - 1]?.[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && typed[i - 1] === target[j - 2] && typed[i - 2] === target[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  const last = rows[typed.length] ?? [];
  return { whole: last[target.length] ?? typed.length, prefix: Math.min(...last) };
}

/** Typos forgiven: none for 1–3 letters (too many heroes would match), one up to 6, two beyond. */
function typoAllowance(length: number): number {
  return length < 4 ? 0 : length < 7 ? 1 : 2;
}

// Lower tiers rank first; the order says how sure we are the user meant this hero.
const TIER = {
  id: 0,
  exactName: 1,
  aliasOrInitials: 2,
  namePrefix: 3,
  wordPrefix: 4,
  aliasPrefix: 5,
  substring: 6,
  typo: 7,
} as const;

interface Ranked {
  hero: IndexedHero;
  tier: number;
  distance: number;
}

function rank(hero: IndexedHero, query: string): Ranked | undefined {
  const joined = query.replace(/ /g, '');
  const found = (tier: number, distance = 0): Ranked => ({ hero, tier, distance });
  if (/^\d+$/.test(joined)) return Number(joined) === hero.id ? found(TIER.id) : undefined;
  if (joined === hero.compact) return found(TIER.exactName);
  if (joined.length >= 2 && (hero.aliases.includes(joined) || hero.initials === joined)) {
    return found(TIER.aliasOrInitials);
  }
  if (hero.compact.startsWith(joined)) return found(TIER.namePrefix);
  const queryWords = query.split(' ');
  if (queryWords.every((typed) => hero.words.some((word) => word.startsWith(typed)))) {
    return found(TIER.wordPrefix);
  }
  if (joined.length >= 2 && hero.aliases.some((alias) => alias.startsWith(joined))) {
    return found(TIER.aliasPrefix);
  }
  if (joined.length >= 2 && [hero.compact, ...hero.aliases].some((key) => key.includes(joined))) {
    return found(TIER.substring);
  }
  const allowance = typoAllowance(joined.length);
  if (allowance === 0) return undefined;
  const distance = Math.min(
    ...[hero.compact, ...hero.words, ...hero.aliases].map((key) => editDistances(joined, key).prefix),
  );
  return distance <= allowance ? found(TIER.typo, distance) : undefined;
}

function compareRanked(a: Ranked, b: Ranked): number {
  return a.tier - b.tier || a.distance - b.distance || byName(a.hero, b.hero);
}

const plain = ({ id, name, localizedName }: IndexedHero): Hero => ({ id, name, localizedName });

/**
 * Heroes matching what the user typed, best first, at most `limit`: exact name, alias or initials ("am",
 * "wr", "qop"), name prefix, word prefix, alias prefix, substring, then small typos ("invokr"). Ties go
 * alphabetically, so the order is the same every time. Empty input lists heroes alphabetically.
 */
export async function searchHeroes(
  source: HeroSource,
  typed: string,
  limit: number = MAX_HERO_CHOICES,
): Promise<Hero[]> {
  const heroes = await loadIndex(source, CACHE_TTL_MS);
  const query = normalize(typed.slice(0, MAX_TYPED));
  if (query === '') return typed.trim() === '' ? heroes.slice(0, limit).map(plain) : [];
  return heroes
    .map((hero) => rank(hero, query))
    .filter((ranked): ranked is Ranked => ranked !== undefined)
    .sort(compareRanked)
    .slice(0, limit)
    .map((ranked) => plain(ranked.hero));
}

/** The hero with this id; a miss reloads the heroes once, since a new hero may have arrived since the load. */
export async function findHeroById(source: HeroSource, id: number): Promise<Hero | undefined> {
  const cached = (await loadIndex(source, CACHE_TTL_MS)).find((hero) => hero.id === id);
  if (cached) return plain(cached);
  const reloaded = (await loadIndex(source, 0)).find((hero) => hero.id === id);
  return reloaded && plain(reloaded);
}

/** The `count` heroes whose name, words or aliases are fewest edits away: suggestions when nothing matched. */
export async function closestHeroes(source: HeroSource, typed: string, count = 3): Promise<Hero[]> {
  const heroes = await loadIndex(source, CACHE_TTL_MS);
  const query = compact(typed.slice(0, MAX_TYPED));
  if (query === '') return [];
  return heroes
    .map((hero) => ({
      hero,
      tier: 0,
      distance: Math.min(
        ...[hero.compact, ...hero.words, ...hero.aliases].map((key) => editDistances(query, key).whole),
      ),
    }))
    .sort(compareRanked)
    .slice(0, count)
    .map((ranked) => plain(ranked.hero));
}
