// /dota hero <name>: a hero's games, win and pick rate, K/D/A and drafts from our stored matches, with its charts.
import { AppError } from '../../../errors.js';
import { heroPicksBans, heroTotals, heroTrend, type HeroTotals } from '../../../store/hero-stats.repo.js';
import { defineCommand } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { heroPicksBansInput, heroTrendInput, trendBucketFor } from '../hero-chart-inputs.js';
import { closestHeroes, findHeroById, searchHeroes, type Hero } from '../hero-search.js';
import type { Reply, ReplyField, ReplyImage } from '../reply.js';

const HERO_COLOR = 0xf0e442;
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const average = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

/** What the user typed, safe to quote back: one line, no code spans to break out of, not a wall of text. */
function quoted(typed: string): string {
  const line = typed.replace(/[\s`]+/g, ' ').trim();
  return `\`${line.length > 40 ? `${line.slice(0, 39)}…` : line}\``;
}

/** An id picked from autocomplete, or free text typed without picking. */
async function resolveHero(ctx: CommandContext, typed: string): Promise<Hero> {
  const value = typed.trim();
  if (/^\d+$/.test(value)) {
    const hero = await findHeroById(ctx, Number(value));
    if (hero) return hero;
    throw new AppError('hero_not_found', `no hero has id ${value}`, {
      userMessage: `No hero has id ${quoted(value)}. Type its name and pick it from the list.`,
    });
  }
  const [best] = value === '' ? [] : await searchHeroes(ctx, value, 1);
  if (best) return best;
  const suggestions = (await closestHeroes(ctx, value)).map((hero) => `**${hero.localizedName}**`);
  throw new AppError('hero_not_found', `no hero matches ${JSON.stringify(typed)}`, {
    userMessage:
      `No hero matches ${quoted(typed)}.` +
      (suggestions.length > 0
        ? ` Did you mean ${suggestions.join(', ')}?`
        : ' Pick one from the list as you type.'),
  });
}

function statFields(totals: HeroTotals): ReplyField[] {
  const fields: ReplyField[] = [
    { name: 'Games', value: String(totals.games), inline: true },
    {
      name: 'Win rate',
      value: `${percent.format(totals.winRate ?? 0)} (${totals.wins}–${totals.games - totals.wins})`,
      inline: true,
    },
    { name: 'Pick rate', value: `${percent.format(totals.pickRate ?? 0)} of stored matches`, inline: true },
    {
      name: 'Average K/D/A',
      value: [totals.kills, totals.deaths, totals.assists].map((n) => average.format(n ?? 0)).join(' / '),
      inline: true,
    },
    {
      name: 'Drafts',
      value: `Picked ${totals.draftPicks} · banned ${totals.draftBans} in ${totals.drafts} recorded drafts`,
      inline: true,
    },
  ];
  if (totals.firstPlayed && totals.lastPlayed) {
    fields.push({
      name: 'Seen',
      value: `${isoDate(totals.firstPlayed)} → ${isoDate(totals.lastPlayed)}`,
      inline: true,
    });
  }
  return fields;
}

/** Names the data a chart shows, so a new game or draft of this hero draws it again and nothing else does. */
function dataKey(totals: HeroTotals): string {
  const last = totals.lastPlayed?.getTime() ?? 0;
  return `hero:${totals.heroId}:${totals.games}:${totals.wins}:${last}:${totals.draftPicks}:${totals.draftBans}:${totals.drafts}`;
}

async function heroCharts(ctx: CommandContext, hero: Hero, totals: HeroTotals): Promise<ReplyImage[]> {
  const { firstPlayed, lastPlayed } = totals;
  if (!firstPlayed || !lastPlayed) return [];
  const bucket = trendBucketFor(firstPlayed, lastPlayed);
  const cacheKey = `${dataKey(totals)}:${bucket}`;
  const hasDrafts = totals.draftPicks + totals.draftBans > 0;
  const [trend, drafts] = await Promise.all([
    heroTrend(ctx.db, hero.id, bucket),
    hasDrafts ? heroPicksBans(ctx.db, hero.id) : undefined,
  ]);
  const [trendPng, draftsPng] = await Promise.all([
    ctx.render.render('hero-trend', heroTrendInput(hero.localizedName, trend, bucket), { cacheKey }),
    drafts && ctx.render.render('picks-bans', heroPicksBansInput(hero.localizedName, drafts), { cacheKey }),
  ]);
  const images: ReplyImage[] = [
    {
      filename: `hero-${hero.id}-trend.png`,
      png: trendPng,
      description: `${hero.localizedName}: win rate and games per ${bucket} in our stored matches`,
    },
  ];
  if (draftsPng) {
    images.push({
      filename: `hero-${hero.id}-drafts.png`,
      png: draftsPng,
      description: `${hero.localizedName}: picks and bans by team and draft phase`,
    });
  }
  return images;
}

export const heroCommand = defineCommand({
  path: ['hero'],
  description: 'A hero in our stored matches: games, win and pick rate, K/D/A, drafts and trend',
  options: [
    {
      name: 'name',
      description: 'Hero name, alias or initials, e.g. Anti-Mage, am, qop',
      type: 'string',
      required: true,
      autocomplete: true,
    },
  ] as const,
  adminOnly: false,
  ephemeral: false,
  async complete(ctx, option, typed) {
    if (option !== 'name') return [];
    const heroes = await searchHeroes(ctx, typed);
    return heroes.map((hero) => ({ name: hero.localizedName, value: String(hero.id) }));
  },
  async run(ctx, { name }): Promise<Reply> {
    const hero = await resolveHero(ctx, name);
    const totals = await heroTotals(ctx.db, hero.id);
    const base = {
      title: hero.localizedName,
      url: `https://www.opendota.com/heroes/${hero.id}`,
      color: HERO_COLOR,
    };
    if (totals.games === 0) {
      const bans =
        totals.draftBans > 0
          ? ` It was banned ${totals.draftBans} times in ${totals.drafts} recorded drafts.`
          : '';
      return { ...base, text: `No games with ${hero.localizedName} are stored yet.${bans}` };
    }
    const [image, ...moreImages] = await heroCharts(ctx, hero, totals);
    return {
      ...base,
      fields: statFields(totals),
      footer: 'From the matches DataDrivenDota has stored, not every Dota game',
      ...(image ? { image } : {}),
      ...(moreImages.length > 0 ? { moreImages } : {}),
    };
  },
});
