// Which of a match's players, teams and league each destination follows: whom its alert names.
import type { Db } from '../store/db.js';
import type { StoredMatch } from '../store/matches.repo.js';
import type { TargetKind } from '../store/subscriptions.repo.js';

/** One active subscription of a destination that this match touches. */
export interface AudienceTarget {
  target_kind: TargetKind;
  target_id: number;
}

/** Destination channel id → the targets it follows in this match (absent: none still active). */
export type MatchAudience = ReadonlyMap<string, readonly AudienceTarget[]>;

/**
 * The active subscriptions of `channelIds` on `platform` that the match touches, in one query per match × group
 * of channels: the (platform, channel_id, target_kind, target_id) unique index answers it without a scan.
 */
export async function loadMatchAudience(
  db: Db,
  { match, players }: StoredMatch,
  platform: string,
  channelIds: readonly string[],
): Promise<MatchAudience> {
  if (channelIds.length === 0) return new Map();
  const accountIds = players.flatMap((player) => (player.account_id === null ? [] : [player.account_id]));
  const teamIds = [match.radiant_team_id, match.dire_team_id].filter((id): id is number => id !== null);
  const leagueIds = match.leagueid === null ? [] : [match.leagueid];
  const result = await db.raw<{ rows: (AudienceTarget & { channel_id: string })[] }>(
    `SELECT channel_id, target_kind, target_id FROM subscriptions
     WHERE platform = ? AND channel_id = ANY(?::text[]) AND paused_at IS NULL AND (
       (target_kind = 'player' AND target_id = ANY(?::bigint[])) OR
       (target_kind = 'team' AND target_id = ANY(?::bigint[])) OR
       (target_kind = 'league' AND target_id = ANY(?::bigint[])))
     ORDER BY channel_id, target_kind, target_id`,
    [platform, [...new Set(channelIds)], accountIds, teamIds, leagueIds],
  );
  const audience = new Map<string, AudienceTarget[]>();
  for (const { channel_id, target_kind, target_id } of result.rows) {
    const targets = audience.get(channel_id) ?? [];
    targets.push({ target_kind, target_id });
    audience.set(channel_id, targets);
  }
  return audience;
}
