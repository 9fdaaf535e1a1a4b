// /dota unsubscribe player|team|league <target> [channel]: stop a channel's alerts and free the slot.
import { AppError } from '../../../errors.js';
import { deleteSubscription, type TargetKind } from '../../../store/subscriptions.repo.js';
import { defineCommand } from '../command.js';
import {
  CHANNEL_OPTION,
  TARGET_OPTION_DESCRIPTIONS,
  describeTarget,
  requireGuild,
  resolveTarget,
} from '../subscription-targets.js';

function unsubscribeCommand<const Kind extends TargetKind>(kind: Kind, description: string) {
  return defineCommand({
    path: ['unsubscribe', kind],
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
      const removed = await deleteSubscription(ctx.db, {
        platform: invocation.platform,
        guildId,
        channelId,
        targetKind: kind,
        targetId: target.id,
      });
      if (!removed) {
        throw new AppError('subscription_not_found', `no ${kind} ${target.id} subscription in ${channelId}`, {
          userMessage: `Nothing to remove: <#${channelId}> has no alerts for ${describeTarget(target)}. \`/dota subscriptions\` lists this server's.`,
        });
      }
      // The player stays tracked: links and other subscriptions may still need their matches.
      return {
        title: 'Unsubscribed',
        text: `<#${channelId}> will no longer get recaps for ${describeTarget(target)}; its slot is free again.`,
      };
    },
  });
}

export const unsubscribePlayerCommand = unsubscribeCommand(
  'player',
  "Stop a channel's alerts for a player (Manage Server)",
);
export const unsubscribeTeamCommand = unsubscribeCommand(
  'team',
  "Stop a channel's alerts for a team (Manage Server)",
);
export const unsubscribeLeagueCommand = unsubscribeCommand(
  'league',
  "Stop a channel's alerts for a league (Manage Server)",
);
