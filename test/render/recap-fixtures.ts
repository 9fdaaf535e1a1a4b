// Real shipped matches as StoredMatch values (no database) and their recap render inputs, for render and mapping tests.
import { readFileSync } from 'node:fs';
import { scoreboardInput, teamComparisonInput } from '../../src/bots/core/recap-inputs.js';
import { gameModeName } from '../../src/dota/names.js';
import { parseLosslessJson } from '../../src/ingest/steam/lossless-json.js';
import { matchSchema, type SteamMatch } from '../../src/ingest/steam/steam.schemas.js';
import type { ScoreboardInput } from '../../src/render/scoreboard.chart.js';
import type { TeamComparisonInput } from '../../src/render/team-comparison.chart.js';
import { toMatchRow, toPlayerRows, type StoredMatch } from '../../src/store/matches.repo.js';

/** 2025 league game: team names, net worth, full inventories. */
export const PRO_MATCH_ID = 8591933650;
/** 2019 Turbo, 12:35 long: anonymous players and no net worth in that era. */
export const TURBO_MATCH_ID = 4949375791;

const FILES: Record<number, string> = {
  [PRO_MATCH_ID]: 'json_files/steam/odota_GetMatchHistoryBySequenceNum.json',
  [TURBO_MATCH_ID]: 'json_files/steam/godoto_GetMatchHistoryBySequenceNum_100matches.json',
};

interface Constants {
  heroes: Record<string, { localized_name: string }>;
  items: Record<string, { id?: number; dname?: string }>;
}

async function constants(): Promise<Constants> {
  return import('dotaconstants');
}

function readSteamMatch(matchId: number): SteamMatch {
  const file = FILES[matchId];
  if (!file) throw new Error(`match ${matchId} is not a shipped fixture`);
  const body = parseLosslessJson(readFileSync(file, 'utf8')) as { result: { matches: unknown[] } };
  const raw = body.result.matches.find(
    (m) => typeof m === 'object' && m !== null && 'match_id' in m && m.match_id === matchId,
  );
  return matchSchema.parse(raw);
}

/** Item display names by id, as the `items` table holds them after `syncReferenceData`. */
export async function itemNamesFromConstants(): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const [key, item] of Object.entries((await constants()).items)) {
    if (item.id !== undefined && !names.has(item.id)) names.set(item.id, item.dname ?? key);
  }
  return names;
}

/** A shipped match shaped as `findMatch` returns it, with hero names from dotaconstants and no known personas. */
export async function loadShippedMatch(matchId: number): Promise<StoredMatch> {
  const match = readSteamMatch(matchId);
  const { heroes } = await constants();
  // The repo's own mappers: these are exactly the rows storeMatches would write.
  return {
    match: toMatchRow(match),
    teamNames: { radiant: match.radiant_name ?? null, dire: match.dire_name ?? null },
    players: toPlayerRows(match)
      .sort((a, b) => a.player_slot - b.player_slot)
      .map((row) => ({
        ...row,
        hero_name: heroes[String(row.hero_id)]?.localized_name ?? null,
        persona: null,
      })),
  };
}

/** The scoreboard input production builds for a shipped match. */
export async function shippedScoreboardInput(matchId: number): Promise<ScoreboardInput> {
  const stored = await loadShippedMatch(matchId);
  return scoreboardInput(stored, await gameModeName(stored.match.game_mode), await itemNamesFromConstants());
}

export async function shippedTeamComparisonInput(matchId: number): Promise<TeamComparisonInput> {
  return teamComparisonInput(await loadShippedMatch(matchId));
}

/** 32 graphemes each: the longest Steam persona names, in the scripts and emoji players use. */
export const LONG_NAMES = {
  cyrillic: 'Непобедимый_Александр_Сергеевич!',
  chinese: '中国最强的刀塔玩家来自北京市朝阳区我们一起去打比赛吧好不好啊朋友',
  korean: '한국에서가장강한도타플레이어입니다정말로강합니다하하하하하하하하',
  emoji: '🔥🐉✨😀🎮🏆💀👑🌟⚡🔥🐉✨😀🎮🏆💀👑🌟⚡🔥🐉✨😀🎮🏆💀👑🌟⚡🔥🐉',
  latin: 'WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW',
} as const;

/** The pro match with every player and both teams given a 32-character name. */
export async function longNamesScoreboardInput(): Promise<ScoreboardInput> {
  const base = await shippedScoreboardInput(PRO_MATCH_ID);
  const names = Object.values(LONG_NAMES);
  const rename = (offset: number) => (player: ScoreboardInput['radiant']['players'][number], i: number) => ({
    ...player,
    name: names[(i + offset) % names.length] ?? '',
  });
  return {
    ...base,
    radiant: { ...base.radiant, name: LONG_NAMES.cyrillic, players: base.radiant.players.map(rename(0)) },
    dire: { ...base.dire, name: LONG_NAMES.korean, players: base.dire.players.map(rename(2)) },
  };
}
