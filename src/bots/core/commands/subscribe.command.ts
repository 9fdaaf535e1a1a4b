// /dota subscribe player|team|league <target> [channel]: a recap in a channel after each new match, within the tier's cap.
import { entitlementsFor, entitlementsOf, type Entitlements } from '../../../billing/entitlements.js';
import { AppError } from '../../../errors.js';
import { subscribeWithinCap, type TargetKind } from '../../../store/subscriptions.repo.js';
import type { CommandSettings } from '../command-context.js';
import { defineCommand } from '../command.js';
import { placeWord } from '../platform-words.js';
import {
  CHANNEL_OPTION,
  TARGET_OPTION_DESCRIPTIONS,
  TEAM_FEED_NOTE,
  describeTarget,
  followTarget,
  requireGuild,
  resolveTarget,
} from '../subscription-targets.js';

const TITLES = { created: 'Subscribed', resumed: 'Subscription resumed', unchanged: 'Already subscribed' };

function capReached(
  active: number,
  entitlements: Entitlements,
  settings: CommandSettings,
  place: string,
): AppError {
  const cap = entitlements.subscriptionCap;
  const premiumCap = entitlementsFor('premium', settings).subscriptionCap;
  // A free guild learns the way up too; a premium one only the way to free a slot.
  const upgrade =
    entitlements.tier === 'free' && premiumCap > cap
      ? ` Premium raises it to ${premiumCap}: an admin runs \`/dota premium\`.`
      : '';
  return new AppError('subscription_cap', `guild at ${active}/${cap} active subscriptions`, {
    userMessage: `This ${place} already has ${active} active subscriptions, the ${entitlements.tier} tier's limit of ${cap}.${upgrade} Free a slot with \`/dota unsubscribe\` (\`/dota subscriptions\` lists them).`,
  });
}

/** One subscribe command per kind; the option is named after the kind, e.g. `{ team: 'Liquid' }`. */
function subscribeCommand<const Kind extends TargetKind>(kind: Kind, description: string) {
  return defineCommand({
    path: ['subscribe', kind],
    description,
    options: [
      { name: kind, description: TARGET_OPTION_DESCRIPTIONS[kind], type: 'string', required: true },
      CHANNEL_OPTION,
    ] as const,
    adminOnly: true,
    ephemeral: false,
    async run(ctx, args, invocation) {
      const guildId = requireGuild(invocation);
      // Declared required above; TypeScript cannot index the mapped args type with a generic key.
      const typed = (args as Record<Kind, string>)[kind];
      const target = await resolveTarget(ctx, kind, typed);
      const channelId = args.channel ?? invocation.channelId;
      const entitlements = await entitlementsOf(ctx, invocation);
      const result = await subscribeWithinCap(
        ctx.db,
        {
          platform: invocation.platform,
          guild_id: guildId,
          channel_id: channelId,
          target_kind: kind,
          target_id: target.id,
          created_by: invocation.userId,
        },
        entitlements.subscriptionCap,
      );
      if (result.outcome === 'refused')
        throw capReached(result.active, entitlements, ctx.settings, placeWord(invocation.platform));
      await followTarget(ctx, target);
      return {
        title: TITLES[result.outcome],
        text: `<#${channelId}> will get a recap after each new match of ${describeTarget(target)}.`,
        ...(kind === 'team' ? { footer: TEAM_FEED_NOTE } : {}),
      };
    },
  });
}

export const subscribePlayerCommand = subscribeCommand(
  'player',
  "Post a recap in a channel after each of a player's new matches (Manage Server)",
);
export const subscribeTeamCommand = subscribeCommand(
  'team',
  'Post a recap in a channel after each new match of a pro team (Manage Server)',
);
export const subscribeLeagueCommand = subscribeCommand(
  'league',
  'Post a recap in a channel after each new match of a league (Manage Server)',
);
