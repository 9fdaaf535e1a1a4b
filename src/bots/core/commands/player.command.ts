// /dota player [player]: profile, record, recent form and most played heroes from our data, with trend and hero-pool charts.
import { entitlementsOf } from '../../../billing/entitlements.js';
import { heroPool, playerSummary, recentMatches } from '../../../store/player-stats.repo.js';
import { defineCommand } from '../command.js';
import { PLAYER_OPTION, playerArg } from '../player-arg.js';
import { loadPlayerData } from '../player-data.js';
import {
  displayName,
  formLetters,
  openDotaPlayerUrl,
  playerLinks,
  record,
  stateNotes,
  trendInput,
  winRate,
} from '../player-format.js';
import type { Reply, ReplyField, ReplyImage } from '../reply.js';

/** Matches the form letters cover, newest first. */
const FORM_MATCHES = 10;
/** Heroes listed in the reply; the chart shows up to its own maximum. */
const LISTED_HEROES = 5;
const CHART_HEROES = 10;
const PLAYER_COLOR = 0x3b9ede;

const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function average(value: number | null, format: Intl.NumberFormat): string {
  return value === null ? '–' : format.format(value);
}

export const playerCommand = defineCommand({
  path: ['player'],
  description: 'A player: record, recent form, most played heroes and charts, from our data',
  options: [PLAYER_OPTION] as const,
  adminOnly: false,
  ephemeral: false,
  async run(ctx, { player }, invocation) {
    const data = await loadPlayerData(ctx, await playerArg(ctx, player, invocation));
    const { accountId } = data;
    const { trendMatches } = await entitlementsOf(ctx, invocation);
    const [summary, recent, heroes] = await Promise.all([
      playerSummary(ctx.db, accountId),
      recentMatches(ctx.db, accountId, trendMatches),
      heroPool(ctx.db, accountId, CHART_HEROES),
    ]);
    const name = displayName(data);
    const games = summary?.games ?? 0;
    const wins = summary?.wins ?? 0;
    const newest = recent[0];

    const lines = [
      ...(games > 0 ? [] : [`No matches of ${name} stored yet.`]),
      playerLinks(accountId),
      ...stateNotes(data),
    ];
    const fields: ReplyField[] = [];
    if (summary && games > 0) {
      const form = recent.slice(0, FORM_MATCHES);
      fields.push(
        {
          name: `Record (${games} stored ${games === 1 ? 'match' : 'matches'})`,
          value: record(wins, games),
          inline: true,
        },
        { name: `Last ${form.length} (newest first)`, value: formLetters(form), inline: true },
        {
          name: 'Averages',
          value: `K/D/A ${average(summary.avg_kills, oneDecimal)}/${average(summary.avg_deaths, oneDecimal)}/${average(summary.avg_assists, oneDecimal)} · GPM ${average(summary.avg_gpm, whole)} · XPM ${average(summary.avg_xpm, whole)}`,
          inline: true,
        },
        {
          name: 'Most played heroes',
          value: heroes
            .slice(0, LISTED_HEROES)
            .map(
              (hero) =>
                `**${hero.hero_name}** · ${hero.games} ${hero.games === 1 ? 'game' : 'games'} · ${winRate(hero.wins, hero.games)} won`,
            )
            .join('\n'),
        },
      );
    }

    const reply: Reply = {
      title: name,
      url: openDotaPlayerUrl(accountId),
      text: lines.join('\n'),
      fields,
      footer: `Account ${accountId}${newest ? ` · newest stored match ${newest.match_id}` : ''}`,
      color: PLAYER_COLOR,
      ...(data.player.avatar_url ? { thumbnailUrl: data.player.avatar_url } : {}),
    };
    if (!newest) return reply;

    // Keyed by the newest match and the counts: a new match or a longer history never serves an old PNG.
    const key = `player:${accountId}:${newest.match_id}:${games}`;
    const [trend, pool] = await Promise.all([
      ctx.render.render('player-trend', trendInput(`${name} — last ${recent.length} matches`, recent), {
        cacheKey: `${key}:trend:${recent.length}`,
      }),
      ctx.render.render(
        'hero-pool',
        {
          title: `${name} — most played heroes`,
          heroes: heroes.map((hero) => ({
            hero: hero.hero_name,
            games: hero.games,
            wins: hero.wins,
            kda: hero.kda,
          })),
        },
        { cacheKey: `${key}:heroes:${heroes.length}` },
      ),
    ]);
    const image: ReplyImage = {
      filename: `player-${accountId}-trend.png`,
      png: trend,
      description: `K/D/A, GPM and XPM of ${name}'s last ${recent.length} matches`,
    };
    const heroImage: ReplyImage = {
      filename: `player-${accountId}-heroes.png`,
      png: pool,
      description: `Games and win rate on ${name}'s most played heroes`,
    };
    return { ...reply, image, moreImages: [heroImage] };
  },
});
