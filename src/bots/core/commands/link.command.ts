// /dota link <player>: remember the caller's Dota account, so player commands default to it.
import { playerHistoryJob } from '../../../ingest/jobs/player-history.job.js';
import { resolvePlayer } from '../../../ingest/resolve-player.js';
import { linkAccount } from '../../../store/account-links.repo.js';
import { trackPlayer } from '../../../store/players.repo.js';
import { targetName } from '../../../store/target-lookup.repo.js';
import { defineCommand } from '../command.js';

export const linkCommand = defineCommand({
  path: ['link'],
  description: 'Link your Steam account, so player commands default to you',
  options: [
    {
      name: 'player',
      description: 'Your account id, steamid64, Steam profile URL or vanity name',
      type: 'string',
      required: true,
    },
  ] as const,
  adminOnly: false,
  ephemeral: true,
  async run(ctx, { player }, invocation) {
    const accountId = await resolvePlayer(player, ctx.ingest.steam);
    const previous = await linkAccount(
      ctx.db,
      { platform: invocation.platform, userId: invocation.userId },
      accountId,
    );
    // Tracked and fetched now, so the first `/dota player` after linking has matches to show.
    await trackPlayer(ctx.db, accountId);
    await ctx.enqueue(playerHistoryJob, { account_id: accountId });
    const persona = await targetName(ctx.db, 'player', accountId);
    const account = persona ? `**${persona}** (account ${accountId})` : `account ${accountId}`;
    const replaced = previous === null || previous === accountId ? '' : ` It replaces account ${previous}.`;
    return {
      title: previous === accountId ? 'Already linked' : 'Linked',
      text: `You are linked to ${account}: player commands use it when you name no one.${replaced} Its recent matches are on their way. \`/dota unlink\` forgets it.`,
      ephemeral: true,
    };
  },
});
