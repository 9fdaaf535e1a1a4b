// /dota recent [player] [count]: a player's latest stored matches, one line each, with their trend chart.
import {
  entitlementsFor,
  entitlementsOf,
  FREE_MATCHES,
  PREMIUM_MATCHES,
  premiumRequired,
} from '../../../billing/entitlements.js';
import { AppError } from '../../../errors.js';
import { recentMatches, type PlayerMatchRow } from '../../../store/player-stats.repo.js';
import { defineCommand } from '../command.js';
import { formatDuration } from '../match-recap.js';
import { PLAYER_OPTION, playerArg } from '../player-arg.js';
import { loadPlayerData } from '../player-data.js';
import {
  displayName,
  matchUrl,
  openDotaPlayerUrl,
  playerLinks,
  resultLetter,
  stateNotes,
  trendInput,
  whenPlayed,
} from '../player-format.js';

export const DEFAULT_RECENT = 10;

function matchLine(row: PlayerMatchRow, now: number): string {
  return [
    `**${resultLetter(row.won)}**`,
    row.hero_name,
    `${row.kills}/${row.deaths}/${row.assists}`,
    formatDuration(row.duration),
    whenPlayed(row.start_time, now),
    `[${row.match_id}](${matchUrl(row.match_id)})`,
  ].join(' · ');
}

export const recentCommand = defineCommand({
  path: ['recent'],
  description: "A player's latest matches: result, hero, K/D/A, duration and date, with a trend chart",
  options: [
    PLAYER_OPTION,
    {
      name: 'count',
      description: `How many matches, 1 to ${FREE_MATCHES}, ${PREMIUM_MATCHES} with premium (default ${DEFAULT_RECENT})`,
      type: 'integer',
      required: false,
    },
  ] as const,
  adminOnly: false,
  ephemeral: false,
  async run(ctx, { player, count = DEFAULT_RECENT }, invocation) {
    // Checked before any lookup: a wrong count should not cost the user a Valve round trip first.
    const { recentMax } = await entitlementsOf(ctx, invocation);
    const premiumMax = entitlementsFor('premium', ctx.settings).recentMax;
    if (Number.isSafeInteger(count) && count > recentMax && count <= premiumMax)
      throw premiumRequired(`\`/dota recent\` with count ${count}`, ctx, invocation.platform);
    if (!Number.isSafeInteger(count) || count < 1 || count > recentMax) {
      const more = recentMax < premiumMax ? ` (up to ${premiumMax} with premium)` : '';
      throw new AppError('invalid_count', `recent count ${count}`, {
        userMessage: `count must be a whole number from 1 to ${recentMax}${more}; ${count} is out of range.`,
      });
    }
    const data = await loadPlayerData(ctx, await playerArg(ctx, player, invocation));
    const { accountId } = data;
    const rows = await recentMatches(ctx.db, accountId, count);
    const name = displayName(data);
    const now = ctx.clock.now();
    const title = `${name} — last ${rows.length} ${rows.length === 1 ? 'match' : 'matches'}`;
    const lines = rows.length
      ? rows.map((row) => matchLine(row, now))
      : [`No matches of ${name} stored yet.`];
    const newest = rows[0];
    const reply = {
      title,
      url: openDotaPlayerUrl(accountId),
      text: [...lines, '', playerLinks(accountId), ...stateNotes(data)].join('\n'),
      ...(rows.length < count && newest
        ? { footer: `${rows.length} of ${count} asked for: that is every match of ${name} we have stored.` }
        : {}),
    };
    if (!newest) return reply;
    const png = await ctx.render.render('player-trend', trendInput(title, rows), {
      // Newest, oldest and count pin the rows shown: a new match never serves an old PNG.
      cacheKey: `player:${accountId}:recent:${newest.match_id}:${rows.at(-1)?.match_id}:${rows.length}`,
    });
    return {
      ...reply,
      image: {
        filename: `player-${accountId}-recent.png`,
        png,
        description: `K/D/A, GPM and XPM of ${name}'s last ${rows.length} matches`,
      },
    };
  },
});
