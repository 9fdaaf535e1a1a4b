// Turns a match recap into one channel's alert: every player, team and league it follows in the match, and links.
import { heroName, kda, matchLinks, playerName } from '../bots/core/match-recap.js';
import type { Reply } from '../bots/core/reply.js';
import { isRadiantSlot } from '../ingest/steam/steam-ids.js';
import type { StoredMatch } from '../store/matches.repo.js';
import type { AudienceTarget } from './alert-audience.repo.js';

/** What the alert needs besides the channel's targets: the stored match and its league's name if known. */
export interface AlertMatch {
  stored: StoredMatch;
  leagueName: string | null;
}

const result = (won: boolean): string => (won ? 'won' : 'lost');

function followed(targets: readonly AudienceTarget[], kind: AudienceTarget['target_kind']): Set<number> {
  return new Set(targets.filter((target) => target.target_kind === kind).map((target) => target.target_id));
}

/** One line per followed player (in slot order), team and league; a generic line when none is left. */
export function alertHeadline(
  { stored, leagueName }: AlertMatch,
  targets: readonly AudienceTarget[],
): string {
  const { match, players, teamNames } = stored;
  const lines: string[] = [];
  const playerIds = followed(targets, 'player');
  for (const player of players) {
    if (player.account_id === null || !playerIds.has(player.account_id)) continue;
    const won = isRadiantSlot(player.player_slot) === match.radiant_win;
    lines.push(`🔔 **${playerName(player)}** ${result(won)} as **${heroName(player)}** (${kda(player)})`);
  }
  for (const teamId of followed(targets, 'team')) {
    const side =
      match.radiant_team_id === teamId ? 'radiant' : match.dire_team_id === teamId ? 'dire' : undefined;
    if (!side) continue;
    const name = teamNames[side] ?? `Team ${teamId}`;
    lines.push(`🔔 **${name}** ${result((side === 'radiant') === match.radiant_win)}`);
  }
  for (const leagueId of followed(targets, 'league')) {
    if (match.leagueid !== leagueId) continue;
    lines.push(`🔔 New match in **${leagueName ?? `League ${leagueId}`}**`);
  }
  return lines.length > 0 ? lines.join('\n') : '🔔 New match';
}

/** The recap with the channel's headline on top; the OpenDota, Dotabuff and STRATZ links are always in it. */
export function alertReply(recap: Reply, alert: AlertMatch, targets: readonly AudienceTarget[]): Reply {
  const links = matchLinks(alert.stored.match.match_id);
  const body = recap.text ?? '';
  const text = `${alertHeadline(alert, targets)}\n${body.includes(links) ? body : `${body}\n${links}`.trim()}`;
  return { ...recap, text };
}
