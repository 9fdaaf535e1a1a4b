// The player a command is about: what the user typed, or else the account they linked with /dota link.
import { AppError } from '../../errors.js';
import { resolvePlayer } from '../../ingest/resolve-player.js';
import { linkedAccountId } from '../../store/account-links.repo.js';
import type { CommandContext, Invocation } from './command-context.js';

/** The `player` option every player command declares, so they all read and explain it the same way. */
export const PLAYER_OPTION = {
  name: 'player',
  description: 'Account id, steamid64, Steam profile URL or vanity name (default: your linked account)',
  type: 'string',
  required: false,
} as const;

/** Account id for `typed`, or the caller's linked account when nothing was typed. */
export async function playerArg(
  ctx: CommandContext,
  typed: string | undefined,
  invocation: Invocation,
): Promise<number> {
  if (typed !== undefined && typed.trim() !== '') return resolvePlayer(typed, ctx.ingest.steam);
  const linked = await linkedAccountId(ctx.db, { platform: invocation.platform, userId: invocation.userId });
  if (linked !== null) return linked;
  throw new AppError('no_linked_account', `user ${invocation.userId} named no player and has no link`, {
    userMessage:
      'Name a player (account id, steamid64, profile URL or vanity name), or link yours once with `/dota link <your Steam profile>`.',
  });
}
