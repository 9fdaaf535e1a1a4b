// Turns a match recap into an alert for one subscription: who we followed, what they played, how it went.
import { heroName, kda } from '../bots/core/match-recap.js';
import type { Reply } from '../bots/core/reply.js';
import { isRadiantSlot } from '../ingest/steam/steam-ids.js';
import type { StoredMatch } from '../store/matches.repo.js';
import type { SubscriptionRow } from '../store/subscriptions.repo.js';

function headline(stored: StoredMatch, subscription: SubscriptionRow | undefined): string {
  const { match, players } = stored;
  if (subscription?.target_kind === 'player') {
    const player = players.find((candidate) => candidate.account_id === subscription.target_id);
    if (player) {
      const won = isRadiantSlot(player.player_slot) === match.radiant_win;
      const name = player.persona ?? `Player ${player.account_id}`;
      return `🔔 **${name}** ${won ? 'won' : 'lost'} as **${heroName(player)}** (${kda(player)})`;
    }
  }
  if (subscription?.target_kind === 'team') return `🔔 New match for team ${subscription.target_id}`;
  if (subscription?.target_kind === 'league') return `🔔 New match in league ${subscription.target_id}`;
  return '🔔 New match';
}

export function alertReply(
  recap: Reply,
  stored: StoredMatch,
  subscription: SubscriptionRow | undefined,
): Reply {
  return { ...recap, text: `${headline(stored, subscription)}\n${recap.text ?? ''}` };
}
