// The shipped 2025 league match for the alert benchmarks: its rows, and copies of it as new matches in Valve's feed.
import { defaultDataDir } from '../src/fakes/valve-replay.server.js';
import { loadReplayData } from '../src/fakes/valve-replay/data.js';
import { parseLosslessJson } from '../src/ingest/steam/lossless-json.js';
import { matchSchema, type SteamMatch } from '../src/ingest/steam/steam.schemas.js';

/** Vitality Warriors against Moonwalkers, league 16110: team names, ten public players. */
export const BENCH_MATCH_ID = 8591933650;

/** The match object exactly as shipped (64-bit values never re-encoded). */
export async function benchMatchSource(): Promise<string> {
  const data = await loadReplayData(defaultDataDir());
  const match = data.matches.find((candidate) => candidate.match_id === BENCH_MATCH_ID);
  if (!match) throw new Error(`match ${BENCH_MATCH_ID} is not in the shipped captures`);
  return match.raw;
}

export function parseSteamMatch(source: string): SteamMatch {
  return matchSchema.parse(parseLosslessJson(source));
}

/** The same game as a new match: other ids, started `startTime` (epoch seconds), so it is new and alertable. */
export function asNewMatch(
  source: string,
  ids: { matchId: number; seqNum: number; startTime: number },
): string {
  return source
    .replace(/"match_id":\s*\d+/, `"match_id": ${ids.matchId}`)
    .replace(/"match_seq_num":\s*\d+/, `"match_seq_num": ${ids.seqNum}`)
    .replace(/"start_time":\s*\d+/, `"start_time": ${ids.startTime}`);
}

/** A GetMatchHistoryBySequenceNum answer holding these match objects. */
export function sequencePageBody(matchSources: readonly string[]): string {
  return `{"result":{"status":1,"matches":[${matchSources.join(',')}]}}`;
}
