// What we care about: tracked players and the players, teams and leagues that active subscriptions name.
import type { Db } from './db.js';
import type { TargetKind } from './subscriptions.repo.js';

export interface Candidates {
  accountIds: readonly number[];
  teamIds: readonly number[];
  leagueIds: readonly number[];
}

export type Interest = Record<TargetKind, Set<number>>;

/**
 * Of the given candidates, the ones we follow. Asks only about the ids in hand (indexed lookups), so the cost
 * per scanned page stays flat however many players and subscriptions there are.
 */
export async function interestingAmong(db: Db, candidates: Candidates): Promise<Interest> {
  const result = await db.raw<{ rows: { kind: TargetKind; id: number }[] }>(
    `SELECT 'player' AS kind, account_id AS id FROM players WHERE tracked AND account_id = ANY(?::bigint[])
     UNION
     SELECT target_kind, target_id FROM subscriptions
       WHERE paused_at IS NULL AND (
         (target_kind = 'player' AND target_id = ANY(?::bigint[])) OR
         (target_kind = 'team' AND target_id = ANY(?::bigint[])) OR
         (target_kind = 'league' AND target_id = ANY(?::bigint[])))`,
    [
      [...candidates.accountIds],
      [...candidates.accountIds],
      [...candidates.teamIds],
      [...candidates.leagueIds],
    ],
  );
  const interest: Interest = { player: new Set(), team: new Set(), league: new Set() };
  for (const row of result.rows) interest[row.kind].add(row.id);
  return interest;
}
