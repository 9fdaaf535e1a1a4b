// /dota unlink: forget the caller's linked Dota account.
import { unlinkAccount } from '../../../store/account-links.repo.js';
import { defineCommand } from '../command.js';

export const unlinkCommand = defineCommand({
  path: ['unlink'],
  description: 'Forget your linked Steam account',
  options: [] as const,
  adminOnly: false,
  ephemeral: true,
  async run(ctx, _args, invocation) {
    const removed = await unlinkAccount(ctx.db, { platform: invocation.platform, userId: invocation.userId });
    // The player stays tracked: subscriptions or other users may still follow them.
    return removed === null
      ? { text: 'You have no linked account, so there is nothing to unlink.', ephemeral: true }
      : {
          title: 'Unlinked',
          text: `You are no longer linked to account ${removed}. Player commands now need a player named.`,
          ephemeral: true,
        };
  },
});
