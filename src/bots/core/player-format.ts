// Text and chart inputs the player commands share: names, profile links, records, form letters, dates and state notes.
import type { PlayerTrendInput } from '../../render/player-trend.chart.js';
import type { PlayerMatchRow } from '../../store/player-stats.repo.js';
import { playerName } from './match-recap.js';
import type { PlayerData } from './player-data.js';

/** The persona we stored, else "Player <account id>". */
export function displayName(data: Pick<PlayerData, 'accountId' | 'player'>): string {
  return playerName({ account_id: data.accountId, persona: data.player.persona });
}

export function openDotaPlayerUrl(accountId: number): string {
  return `https://www.opendota.com/players/${accountId}`;
}

/** The player's pages on the three public stats sites, as Markdown links. */
export function playerLinks(accountId: number): string {
  return [
    `[OpenDota](${openDotaPlayerUrl(accountId)})`,
    `[Dotabuff](https://www.dotabuff.com/players/${accountId})`,
    `[STRATZ](https://stratz.com/players/${accountId})`,
  ].join(' · ');
}

export function matchUrl(matchId: number): string {
  return `https://www.opendota.com/matches/${matchId}`;
}

/** "58%": wins over games, rounded; "–" with no games. */
export function winRate(wins: number, games: number): string {
  return games > 0 ? `${Math.round((100 * wins) / games)}%` : '–';
}

/** "7W – 5L · 58%". */
export function record(wins: number, games: number): string {
  return `${wins}W – ${games - wins}L · ${winRate(wins, games)}`;
}

export function resultLetter(won: boolean): 'W' | 'L' {
  return won ? 'W' : 'L';
}

/** One letter per match in the order given (newest first from recentMatches), e.g. "WWLW". */
export function formLetters(rows: readonly Pick<PlayerMatchRow, 'won'>[]): string {
  return rows.map((row) => resultLetter(row.won)).join('');
}

/** "just now", "25 min ago", "5h ago", "3d ago"; beyond 30 days (or in the future) the UTC date. */
export function whenPlayed(start: Date, now: number): string {
  const seconds = Math.floor((now - start.getTime()) / 1000);
  if (seconds < 0 || seconds >= 30 * 86_400) return start.toISOString().slice(0, 10);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** The trend chart's input from rows newest first (the chart draws oldest to newest, left to right). */
export function trendInput(title: string, rows: readonly PlayerMatchRow[]): PlayerTrendInput {
  return {
    title,
    matches: [...rows].reverse().map((row) => ({
      hero: row.hero_name,
      won: row.won,
      kills: row.kills,
      deaths: row.deaths,
      assists: row.assists,
      gpm: row.gold_per_min,
      xpm: row.xp_per_min,
    })),
  };
}

/** Where Valve's switch is: every private-profile reply names it so the user can fix it themselves. */
export const EXPOSE_SETTING = 'Settings → Options → Social → "Expose Public Match Data"';

export function privateProfileNote(name: string): string {
  return `🔒 ${name} hides their match data, so Valve sends us none of their matches. To fix it, in Dota 2 open ${EXPOSE_SETTING} and turn it on, then ask again in a few minutes.`;
}

/** Lines a reply adds about the player's state: a private profile, matches still being fetched. */
export function stateNotes(data: PlayerData): string[] {
  const name = displayName(data);
  const notes: string[] = [];
  if (data.player.is_private) notes.push(privateProfileNote(name));
  if (data.fetchingMore)
    notes.push(`⏳ More of ${name}'s matches are being fetched in the background: ask again in a minute.`);
  return notes;
}
