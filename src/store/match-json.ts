// The stable JSON view of a stored match that `ddd match <id> --json` prints.
import type { StoredMatch } from './matches.repo.js';

export interface MatchJson {
  match_id: number;
  radiant_win: boolean;
  duration: number;
  start_time: number;
  game_mode: number;
  lobby_type: number;
  leagueid: number | null;
  players: {
    player_slot: number;
    account_id: number | null;
    hero_id: number;
    hero: string | null;
    kills: number;
    deaths: number;
    assists: number;
  }[];
}

export function toMatchJson({ match, players }: StoredMatch): MatchJson {
  return {
    match_id: match.match_id,
    radiant_win: match.radiant_win,
    duration: match.duration,
    start_time: Math.floor(match.start_time.getTime() / 1000),
    game_mode: match.game_mode,
    lobby_type: match.lobby_type,
    leagueid: match.leagueid,
    players: players.map((player) => ({
      player_slot: player.player_slot,
      account_id: player.account_id,
      hero_id: player.hero_id,
      hero: player.hero_name,
      kills: player.kills,
      deaths: player.deaths,
      assists: player.assists,
    })),
  };
}
