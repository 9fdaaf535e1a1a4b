// Per-minute gold/XP timelines of a match (from a parsed replay), stored idempotently and read back for charts.
import type { Db } from './db.js';

/** One player's per-minute totals; index = minute. Either may be missing from a partly parsed replay. */
export interface PlayerTimeline {
  playerSlot: number;
  goldT: number[] | null;
  xpT: number[] | null;
}

/** A match's timelines; index = minute, positive = Radiant ahead. */
export interface MatchTimeline {
  radiantGoldAdv: number[];
  radiantXpAdv: number[] | null;
  /** Ascending by player slot. */
  players: PlayerTimeline[];
}

/** Where a timeline came from, recorded beside it. */
export type TimelineSource = 'opendota';

interface MatchTimelineRow {
  match_id: number;
  radiant_gold_adv: number[];
  radiant_xp_adv: number[] | null;
  source: string;
  fetched_at: Date;
}

interface PlayerTimelineRow {
  match_id: number;
  player_slot: number;
  gold_t: number[] | null;
  xp_t: number[] | null;
}

/**
 * Inserts or replaces the timeline of a stored match (the match row must exist). Upserts on the natural keys
 * in one transaction, so a job retried after a crash or run twice leaves exactly the same rows.
 */
export async function storeTimeline(
  db: Db,
  matchId: number,
  timeline: MatchTimeline,
  source: TimelineSource,
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('match_timelines')
      .insert({
        match_id: matchId,
        radiant_gold_adv: timeline.radiantGoldAdv,
        radiant_xp_adv: timeline.radiantXpAdv,
        source,
        fetched_at: trx.fn.now(),
      })
      .onConflict('match_id')
      .merge();
    // A re-parse could in theory list fewer slots; clearing first keeps no stale player from an older fetch.
    await trx('match_player_timelines').where({ match_id: matchId }).delete();
    if (timeline.players.length === 0) return;
    const rows: PlayerTimelineRow[] = timeline.players.map((p) => ({
      match_id: matchId,
      player_slot: p.playerSlot,
      gold_t: p.goldT,
      xp_t: p.xpT,
    }));
    await trx('match_player_timelines').insert(rows);
  });
}

/** The stored timeline of a match, or null when none was fetched (or the replay was never parsed). */
export async function findTimeline(db: Db, matchId: number): Promise<MatchTimeline | null> {
  const row = await db('match_timelines').where({ match_id: matchId }).first<MatchTimelineRow | undefined>();
  if (!row) return null;
  const players = await db('match_player_timelines')
    .where({ match_id: matchId })
    .orderBy('player_slot')
    .select<PlayerTimelineRow[]>('*');
  return {
    radiantGoldAdv: row.radiant_gold_adv,
    radiantXpAdv: row.radiant_xp_adv,
    players: players.map((p) => ({ playerSlot: p.player_slot, goldT: p.gold_t, xpT: p.xp_t })),
  };
}
