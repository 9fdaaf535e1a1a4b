// /dota subscribe player <player> [channel]: post a recap in a channel after each new match of a player.
import { playerHistoryJob } from '../../../ingest/jobs/player-history.job.js';
import { resolvePlayer } from '../../../ingest/resolve-player.js';
import { trackPlayer } from '../../../store/players.repo.js';
import { upsertSubscription } from '../../../store/subscriptions.repo.js';
import { AppError } from '../../../errors.js';
import { defineCommand } from '../command.js';

export const subscribePlayerCommand = defineCommand({
  path: ['subscribe', 'player'],
  description: "Post a recap in a channel after each of a player's new matches (Manage Server)",
  options: [
    {
      name: 'player',
      description: 'Account id, steamid64, Steam profile URL or vanity name',
      type: 'string',
      required: true,
    },
    {
      name: 'channel',
      description: 'Where to post (default: this channel)',
      type: 'channel',
      required: false,
    },
  ] as const,
  adminOnly: true,
  ephemeral: false,
  async run(ctx, { player, channel }, invocation) {
    if (!invocation.guildId) {
      throw new AppError('guild_only', 'subscribe outside a guild', {
        userMessage: 'Subscriptions work in a server channel.',
      });
    }
    const accountId = await resolvePlayer(player, ctx.ingest.steam);
    const channelId = channel ?? invocation.channelId;
    await trackPlayer(ctx.db, accountId);
    const { created } = await upsertSubscription(ctx.db, {
      platform: invocation.platform,
      guild_id: invocation.guildId,
      channel_id: channelId,
      target_kind: 'player',
      target_id: accountId,
      created_by: invocation.userId,
    });
    await ctx.enqueue(playerHistoryJob, { account_id: accountId });
    return {
      title: created ? 'Subscribed' : 'Already subscribed',
      text: `<#${channelId}> will get a recap after each new match of player ${accountId}.`,
    };
  },
});
