// Loads the shipped Valve captures (json_files/steam) into match and team pools and the canned bodies served.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLosslessJson } from '../../ingest/steam/lossless-json.js';
import { objectSlices } from './json-slices.js';
import { TEAM_FILE, toPoolTeam, type PoolTeam } from './teams.js';
import { vanityNamesOf } from './vanity.js';

/** One full match from the pool: what history rows need, plus the exact source text of the match object. */
export interface PoolMatch {
  match_id: number;
  match_seq_num: number;
  start_time: number;
  lobby_type: number;
  leagueid: number;
  radiant_team_id: number;
  dire_team_id: number;
  players: { account_id: number; player_slot: number; hero_id: number }[];
  /** The match object exactly as it appears in the shipped file, so 64-bit values are never re-encoded. */
  raw: string;
  source: string;
}

export interface ReplayData {
  /** Every full match, ascending by match_seq_num, no duplicate match_id. */
  matches: PoolMatch[];
  /** steamid64 → the player object's exact source text. */
  summaries: Map<string, string>;
  /** Every team of the GetTeamInfoByTeamID pages, ascending by team_id, no duplicate team_id. */
  teams: PoolTeam[];
  /** Vanity name → steamid64, from summaries whose profileurl is a /id/<name>/ URL. */
  vanityNames: Map<string, string>;
  heroesBody: string;
  historyBody: string;
  privateHistoryBody: string;
  /** www.dota2.com's league list, served as-is. */
  leagueInfoBody: string;
}

export const HEROES_FILE = 'odota_GetHeroes.json';
export const HISTORY_FILE = 'odota_GetMatchHistory.json';
export const PRIVATE_HISTORY_FILE = 'issue_NNTin_GetMatchHistory_status15_private.json';
export const LEAGUE_INFO_FILE = 'odota_GetLeagueInfoList_dota2com.json';
const SEQUENCE_FILE = /GetMatchHistoryBySequenceNum.*\.json$/;
const DETAILS_FILE = /GetMatchDetails.*\.json$/;
const SUMMARIES_FILE = /GetPlayerSummaries.*\.json$/;

/** json_files/steam of the project that contains this module (works from src/ and from dist/src/). */
export function defaultDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'json_files', 'steam');
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('valve-replay: no package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** A pool entry if `raw` is a full match (ids, times, ten-ish players with stats), otherwise undefined. */
function toPoolMatch(raw: string, source: string): PoolMatch | undefined {
  const m = parseLosslessJson(raw);
  if (!isRecord(m) || !Array.isArray(m.players) || m.players.length === 0) return undefined;
  const matchId = num(m.match_id);
  const seq = num(m.match_seq_num);
  const start = num(m.start_time);
  if (matchId === undefined || seq === undefined || start === undefined) return undefined;
  if (num(m.duration) === undefined || typeof m.radiant_win !== 'boolean') return undefined;
  const players: PoolMatch['players'] = [];
  for (const p of m.players) {
    if (!isRecord(p)) return undefined;
    const accountId = num(p.account_id);
    const slot = num(p.player_slot);
    const hero = num(p.hero_id);
    // A "full" player row has end-of-game stats, not just the history triple.
    if (accountId === undefined || slot === undefined || hero === undefined || num(p.kills) === undefined)
      return undefined;
    players.push({ account_id: accountId, player_slot: slot, hero_id: hero });
  }
  return {
    match_id: matchId,
    match_seq_num: seq,
    start_time: start,
    lobby_type: num(m.lobby_type) ?? 0,
    leagueid: num(m.leagueid) ?? 0,
    radiant_team_id: num(m.radiant_team_id) ?? 0,
    dire_team_id: num(m.dire_team_id) ?? 0,
    players,
    raw,
    source,
  };
}

function envelopeLength(
  text: string,
  file: string,
  outer: 'result' | 'response',
  list: 'matches' | 'players' | 'teams',
): number {
  const doc = parseLosslessJson(text);
  const inner = isRecord(doc) ? doc[outer] : undefined;
  const items = isRecord(inner) ? inner[list] : undefined;
  if (!Array.isArray(items)) throw new Error(`valve-replay: ${file} has no ${outer}.${list} array`);
  return items.length;
}

/** Reads and indexes the shipped captures in `dataDir`. Throws if a required file is missing or malformed. */
export async function loadReplayData(dataDir: string): Promise<ReplayData> {
  const files = (await readdir(dataDir)).sort();
  const read = (file: string) => readFile(join(dataDir, file), 'utf8');
  const byId = new Map<number, PoolMatch>();
  const add = (match: PoolMatch | undefined) => {
    if (match && !byId.has(match.match_id)) byId.set(match.match_id, match);
  };

  // Sequence pages first, so a match present in both a page and a details body is served from the page.
  for (const file of files.filter((f) => SEQUENCE_FILE.test(f))) {
    const text = await read(file);
    const slices = objectSlices(text, (p) => p.length === 3 && p[0] === 'result' && p[1] === 'matches');
    if (slices.length !== envelopeLength(text, file, 'result', 'matches')) {
      throw new Error(`valve-replay: could not slice every match out of ${file}`);
    }
    for (const raw of slices) add(toPoolMatch(raw, file));
  }
  for (const file of files.filter((f) => DETAILS_FILE.test(f))) {
    const [raw] = objectSlices(await read(file), (p) => p.length === 1 && p[0] === 'result');
    if (raw !== undefined) add(toPoolMatch(raw, file));
  }

  const summaries = new Map<string, string>();
  for (const file of files.filter((f) => SUMMARIES_FILE.test(f))) {
    const text = await read(file);
    const slices = objectSlices(text, (p) => p.length === 3 && p[0] === 'response' && p[1] === 'players');
    if (slices.length !== envelopeLength(text, file, 'response', 'players')) {
      throw new Error(`valve-replay: could not slice every player out of ${file}`);
    }
    for (const raw of slices) {
      const player = parseLosslessJson(raw);
      if (isRecord(player) && typeof player.steamid === 'string' && !summaries.has(player.steamid)) {
        summaries.set(player.steamid, raw);
      }
    }
  }

  const teamsById = new Map<number, PoolTeam>();
  for (const file of files.filter((f) => TEAM_FILE.test(f))) {
    const text = await read(file);
    const slices = objectSlices(text, (p) => p.length === 3 && p[0] === 'result' && p[1] === 'teams');
    if (slices.length !== envelopeLength(text, file, 'result', 'teams')) {
      throw new Error(`valve-replay: could not slice every team out of ${file}`);
    }
    for (const raw of slices) {
      const team = toPoolTeam(raw, file);
      if (!teamsById.has(team.team_id)) teamsById.set(team.team_id, team);
    }
  }

  const [heroesBody, historyBody, privateHistoryBody, leagueInfoBody] = await Promise.all([
    read(HEROES_FILE),
    read(HISTORY_FILE),
    read(PRIVATE_HISTORY_FILE),
    read(LEAGUE_INFO_FILE),
  ]);
  for (const [file, body] of [
    [HEROES_FILE, heroesBody],
    [HISTORY_FILE, historyBody],
    [PRIVATE_HISTORY_FILE, privateHistoryBody],
    [LEAGUE_INFO_FILE, leagueInfoBody],
  ] as const) {
    parseLosslessJson(body); // fail at start-up, not on the first request, if a shipped body is not JSON
    if (body.length === 0) throw new Error(`valve-replay: ${file} is empty`);
  }

  const matches = [...byId.values()].sort((a, b) => a.match_seq_num - b.match_seq_num);
  if (matches.length === 0) throw new Error(`valve-replay: no matches found in ${dataDir}`);
  const teams = [...teamsById.values()].sort((a, b) => a.team_id - b.team_id);
  return {
    matches,
    summaries,
    teams,
    vanityNames: vanityNamesOf(summaries),
    heroesBody,
    historyBody,
    privateHistoryBody,
    leagueInfoBody,
  };
}
