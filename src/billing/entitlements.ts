// The one place that decides what a guild may do on its tier, and the pitch a free guild gets for a premium feature.
import type { CommandContext, CommandSettings, Invocation } from '../bots/core/command-context.js';
import { placeWord } from '../bots/core/platform-words.js';
import type { Reply } from '../bots/core/reply.js';
import { AppError } from '../errors.js';
import type { Db } from '../store/db.js';

export type Tier = 'free' | 'premium';

/** What a guild's tier allows; every gated command reads it from here, never from the tier itself. */
export interface Entitlements {
  tier: Tier;
  /** Active match-alert subscriptions the guild may hold. */
  subscriptionCap: number;
  /** `/dota compare` is available. */
  compare: boolean;
  /** Largest `count` `/dota recent` accepts (its list and its trend chart). */
  recentMax: number;
  /** Matches drawn in `/dota player`'s trend chart. */
  trendMatches: number;
}

/** Today's free behaviour: twenty lines in /dota recent and twenty matches in /dota player's trend. */
export const FREE_MATCHES = 20;
/**
 * Premium goes as far as the reply can deliver: the trend chart draws at most MAX_TREND_MATCHES (30; not imported,
 * so commands do not load Chart.js and the canvas; a test pins the two), and thirty /dota recent lines (≈120
 * characters each at most) still fit one 4,096-character Discord embed description.
 */
export const PREMIUM_MATCHES = 30;

export function entitlementsFor(tier: Tier, settings: CommandSettings): Entitlements {
  return tier === 'premium'
    ? {
        tier,
        subscriptionCap: settings.premiumSubscriptionsPerGuild,
        compare: true,
        recentMax: PREMIUM_MATCHES,
        trendMatches: PREMIUM_MATCHES,
      }
    : {
        tier,
        subscriptionCap: settings.freeSubscriptionsPerGuild,
        compare: false,
        recentMax: FREE_MATCHES,
        trendMatches: FREE_MATCHES,
      };
}

/** Premium while the guild's `premium_until` is after `now`; a DM (no guild) is always free. */
export async function tierOf(
  db: Db,
  guild: { platform: string; guildId: string } | null,
  now: Date,
): Promise<Tier> {
  if (!guild) return 'free';
  const row = await db('premium_accounts')
    .where({ platform: guild.platform, guild_id: guild.guildId })
    .andWhere('premium_until', '>', now)
    .first<{ platform: string } | undefined>('platform');
  return row ? 'premium' : 'free';
}

/** The entitlements of the guild a command was invoked in, at the context clock's now. */
export async function entitlementsOf(
  ctx: Pick<CommandContext, 'db' | 'clock' | 'settings'>,
  invocation: Pick<Invocation, 'platform' | 'guildId'>,
): Promise<Entitlements> {
  const guild = invocation.guildId ? { platform: invocation.platform, guildId: invocation.guildId } : null;
  return entitlementsFor(await tierOf(ctx.db, guild, new Date(ctx.clock.now())), ctx.settings);
}

type Limit = Exclude<keyof Entitlements, 'tier'>;

/** One line per entitlement; a Record so a new entitlement cannot be added without saying how it is pitched. */
const PITCH_LINES: Record<Limit, (premium: Entitlements, free: Entitlements, place: string) => string> = {
  subscriptionCap: (premium, free, place) =>
    `Up to ${premium.subscriptionCap} active match alerts per ${place} (free: ${free.subscriptionCap})`,
  compare: () => '`/dota compare`: two players side by side with a chart (free: not available)',
  recentMax: (premium, free) => `\`/dota recent\` count up to ${premium.recentMax} (free: ${free.recentMax})`,
  trendMatches: (premium, free) =>
    `\`/dota player\` trend chart over the last ${premium.trendMatches} matches (free: ${free.trendMatches})`,
};

/** What premium adds over free, one line per entitlement that differs, generated from the two tiers' values. */
export function premiumAdds(settings: CommandSettings, place = 'server or workspace'): string[] {
  const free = entitlementsFor('free', settings);
  const premium = entitlementsFor('premium', settings);
  return (Object.keys(PITCH_LINES) as Limit[])
    .filter((limit) => premium[limit] !== free[limit])
    .map((limit) => PITCH_LINES[limit](premium, free, place));
}

/**
 * The ephemeral reply a free guild gets for a premium feature: what it asked for, what premium adds, and how to
 * get it. `feature` names what was asked, e.g. "`/dota compare`".
 */
export function premiumPitch(
  feature: string,
  ctx: Pick<CommandContext, 'settings'>,
  platform?: Invocation['platform'],
): Reply {
  const place = platform ? placeWord(platform) : 'server or workspace';
  return {
    title: 'A premium feature',
    text: [
      `${feature} needs premium. Premium adds, for the whole ${place}:`,
      ...premiumAdds(ctx.settings, place).map((line) => `• ${line}`),
      `To get it, an admin runs \`/dota premium\`.`,
    ].join('\n'),
    ephemeral: true,
  };
}

/**
 * The pitch as a refusal. Commands throw it rather than return the pitch: the adapters send errors to the caller
 * alone even when the command's deferred reply is public (Discord edits a public placeholder for a returned reply).
 */
export function premiumRequired(
  feature: string,
  ctx: Pick<CommandContext, 'settings'>,
  platform?: Invocation['platform'],
): AppError {
  const pitch = premiumPitch(feature, ctx, platform);
  return new AppError('premium_required', `premium needed for ${feature}`, {
    userMessage: `**${pitch.title ?? ''}**\n${pitch.text ?? ''}`,
  });
}
