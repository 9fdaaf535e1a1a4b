// /dota last [player]: the recap of a player's newest stored match, headed by how that player did.
import { AppError } from '../../../errors.js';
import { isRadiantSlot } from '../../../ingest/steam/steam-ids.js';
import { findMatch, type StoredMatch } from '../../../store/matches.repo.js';
import { recentMatches } from '../../../store/player-stats.repo.js';
import { defineCommand } from '../command.js';
import { buildMatchRecap, heroName, kda } from '../match-recap.js';
import { PLAYER_OPTION, playerArg } from '../player-arg.js';
import { loadPlayerData, type PlayerData } from '../player-data.js';
import { displayName, EXPOSE_SETTING, stateNotes } from '../player-format.js';
import { loadRecapData } from '../recap-data.js';

/** "**Name** played **Underlord** · **Won** · 9/3/15", or null if the player has no seat in the match. */
function headline(stored: StoredMatch, accountId: number, name: string): string | null {
  const seat = stored.players.find((player) => player.account_id === accountId);
  if (!seat) return null;
  const won = isRadiantSlot(seat.player_slot) === stored.match.radiant_win;
  return `**${name}** played **${heroName(seat)}** · **${won ? 'Won' : 'Lost'}** · ${kda(seat)}`;
}

function nothingStored(data: PlayerData, name: string): AppError {
  const why = data.player.is_private
    ? `${name} hides their match data. In Dota 2, turn on ${EXPOSE_SETTING}, then ask again in a few minutes.`
    : data.fetchingMore
      ? `Their matches are being fetched now: ask again in a minute.`
      : `Valve lists no public match for them.`;
  return new AppError('no_stored_match', `no stored match for player ${data.accountId}`, {
    userMessage: `We have no match of ${name} (account ${data.accountId}) yet. ${why}`,
  });
}

export const lastCommand = defineCommand({
  path: ['last'],
  description: "Recap of a player's latest match: score, heroes, K/D/A and charts",
  options: [PLAYER_OPTION] as const,
  adminOnly: false,
  ephemeral: false,
  async run(ctx, { player }, invocation) {
    const data = await loadPlayerData(ctx, await playerArg(ctx, player, invocation));
    const name = displayName(data);
    const [newest] = await recentMatches(ctx.db, data.accountId, 1);
    const stored = newest ? await findMatch(ctx.db, newest.match_id) : null;
    if (!stored) throw nothingStored(data, name);
    const recap = await buildMatchRecap(ctx.render, stored, await loadRecapData(ctx.db, stored));
    const top = headline(stored, data.accountId, name);
    return {
      ...recap,
      text: [top, recap.text, ...stateNotes(data)].filter((line) => line).join('\n'),
    };
  },
});
