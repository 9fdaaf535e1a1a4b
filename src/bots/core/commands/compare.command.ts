// /dota compare <player> <other> (premium): two players' stored records side by side, with the comparison chart.
import { entitlementsOf, premiumRequired } from '../../../billing/entitlements.js';
import { AppError } from '../../../errors.js';
import type { PlayerCompareSide } from '../../../render/player-compare.chart.js';
import { playerSummary, recentMatches, type PlayerSummaryRow } from '../../../store/player-stats.repo.js';
import { defineCommand } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { PLAYER_OPTION, playerArg } from '../player-arg.js';
import { loadPlayerData, type PlayerData } from '../player-data.js';
import { displayName, playerLinks, record, stateNotes } from '../player-format.js';
import type { ReplyField } from '../reply.js';

// PLAYER_OPTION's wording without its "(default: …)": both players are required here.
const PLAYER_INPUTS = PLAYER_OPTION.description.replace(/\s*\(default:[^)]*\)$/, '');
const COMPARE_COLOR = 0x3b9ede;

const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function shown(value: number | null, format: Intl.NumberFormat): string {
  return value === null ? '–' : format.format(value);
}

interface Side {
  data: PlayerData;
  name: string;
  summary: PlayerSummaryRow | null;
  newestMatchId: number | null;
}

async function loadSide(ctx: CommandContext, data: PlayerData): Promise<Side> {
  const [summary, [newest]] = await Promise.all([
    playerSummary(ctx.db, data.accountId),
    recentMatches(ctx.db, data.accountId, 1),
  ]);
  return { data, name: displayName(data), summary, newestMatchId: newest?.match_id ?? null };
}

function field({ name, summary }: Side): ReplyField {
  const games = summary?.games ?? 0;
  if (!summary || games === 0) return { name, value: 'No matches stored yet.', inline: true };
  return {
    name,
    value: [
      `${record(summary.wins, games)} · ${games} ${games === 1 ? 'match' : 'matches'}`,
      `K/D/A ${shown(summary.avg_kills, oneDecimal)}/${shown(summary.avg_deaths, oneDecimal)}/${shown(summary.avg_assists, oneDecimal)}`,
      `GPM ${shown(summary.avg_gpm, whole)} · XPM ${shown(summary.avg_xpm, whole)}`,
    ].join('\n'),
    inline: true,
  };
}

function chartSide({ name, summary }: Side): PlayerCompareSide {
  return {
    name,
    games: summary?.games ?? 0,
    wins: summary?.wins ?? 0,
    avgKills: summary?.avg_kills ?? null,
    avgDeaths: summary?.avg_deaths ?? null,
    avgAssists: summary?.avg_assists ?? null,
    avgGpm: summary?.avg_gpm ?? null,
    avgXpm: summary?.avg_xpm ?? null,
  };
}

export const compareCommand = defineCommand({
  path: ['compare'],
  description: 'Two players side by side: record, K/D/A, GPM and XPM from our data, with a chart',
  options: [
    { name: 'player', description: `First player: ${PLAYER_INPUTS}`, type: 'string', required: true },
    { name: 'other', description: `Second player: ${PLAYER_INPUTS}`, type: 'string', required: true },
  ] as const,
  adminOnly: false,
  ephemeral: false,
  async run(ctx, { player, other }, invocation) {
    // Before any lookup: a free server should not wait on Valve only to hear it needs premium.
    if (!(await entitlementsOf(ctx, invocation)).compare)
      throw premiumRequired('`/dota compare`', ctx, invocation.platform);
    const firstId = await playerArg(ctx, player, invocation);
    const secondId = await playerArg(ctx, other, invocation);
    if (firstId === secondId) {
      throw new AppError('same_player', `compare ${firstId} with itself`, {
        userMessage: `"${player.slice(0, 64)}" and "${other.slice(0, 64)}" are the same account (${firstId}): name two different players.`,
      });
    }
    // One after the other: a never-seen player costs sequence calls, which Valve paces per key anyway.
    const first = await loadSide(ctx, await loadPlayerData(ctx, firstId));
    const second = await loadSide(ctx, await loadPlayerData(ctx, secondId));
    const sides = [first, second] as const;
    const reply = {
      title: `${first.name} vs ${second.name}`,
      text: [
        `${first.name}: ${playerLinks(firstId)}`,
        `${second.name}: ${playerLinks(secondId)}`,
        ...stateNotes(first.data),
        ...stateNotes(second.data),
      ].join('\n'),
      fields: sides.map(field),
      color: COMPARE_COLOR,
    };
    if (first.newestMatchId === null && second.newestMatchId === null) return reply;
    // Games and newest match of each side pin the averages drawn; the input fingerprint covers personas.
    const cacheKey = sides
      .map((side) => `${side.data.accountId}:${side.summary?.games ?? 0}:${side.newestMatchId ?? 0}`)
      .join(':');
    const png = await ctx.render.render(
      'player-compare',
      { players: [chartSide(first), chartSide(second)] },
      { cacheKey: `compare:${cacheKey}` },
    );
    return {
      ...reply,
      image: {
        filename: `compare-${firstId}-${secondId}.png`,
        png,
        description: `Average K/D/A, GPM, XPM, win rate and games of ${first.name} and ${second.name}`,
      },
    };
  },
});
