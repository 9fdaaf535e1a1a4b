// zod schemas for the Valve responses we use: parsed at the edge, snake_case exactly as on the wire.
import { z } from 'zod';

/** A 64-bit id arrives as a JSON number that lossless parsing turned into a string when unsafe. */
const id64 = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const count = z.number().int();

export const matchPlayerSchema = z.object({
  account_id: z.number().int().nonnegative().optional(), // absent for bots
  player_slot: z.number().int().min(0).max(255),
  hero_id: z.number().int().nonnegative(),
  item_0: count.default(0),
  item_1: count.default(0),
  item_2: count.default(0),
  item_3: count.default(0),
  item_4: count.default(0),
  item_5: count.default(0),
  backpack_0: count.default(0),
  backpack_1: count.default(0),
  backpack_2: count.default(0),
  item_neutral: count.optional(),
  kills: count,
  deaths: count,
  assists: count,
  leaver_status: count.optional(),
  last_hits: count.optional(),
  denies: count.optional(),
  gold_per_min: count.optional(),
  xp_per_min: count.optional(),
  level: count.optional(),
  gold: count.optional(),
  net_worth: count.optional(),
  hero_damage: count.optional(),
  tower_damage: count.optional(),
  hero_healing: count.optional(),
});
export type SteamMatchPlayer = z.infer<typeof matchPlayerSchema>;

/** One draft step: Captains Mode and league games list every pick and ban; ranked All Pick only its bans. */
export const pickBanSchema = z.object({
  is_pick: z.boolean(),
  hero_id: z.number().int().nonnegative(),
  /** 0 Radiant, 1 Dire. */
  team: z.union([z.literal(0), z.literal(1)]),
  /** 0-based draft position. */
  order: z.number().int().nonnegative(),
});
export type SteamPickBan = z.infer<typeof pickBanSchema>;

export const matchSchema = z.object({
  match_id: z.number().int().positive(),
  match_seq_num: z.number().int().positive(),
  start_time: z.number().int().nonnegative(),
  duration: count,
  radiant_win: z.boolean(),
  radiant_score: count.optional(),
  dire_score: count.optional(),
  lobby_type: count,
  game_mode: count,
  human_players: count.optional(),
  leagueid: count.optional(),
  radiant_team_id: z.number().int().nonnegative().optional(),
  dire_team_id: z.number().int().nonnegative().optional(),
  radiant_name: z.string().optional(),
  dire_name: z.string().optional(),
  radiant_logo: id64.optional(),
  dire_logo: id64.optional(),
  series_id: count.optional(),
  series_type: count.optional(),
  players: z.array(matchPlayerSchema),
  picks_bans: z.array(pickBanSchema).optional(),
});
export type SteamMatch = z.infer<typeof matchSchema>;

export const matchesBySeqResultSchema = z.object({
  status: z.literal(1),
  matches: z.array(matchSchema),
});

export const historyMatchSchema = z.object({
  match_id: z.number().int().positive(),
  match_seq_num: z.number().int().positive(),
  start_time: z.number().int(),
  lobby_type: count,
  radiant_team_id: z.number().int().nonnegative().optional(),
  dire_team_id: z.number().int().nonnegative().optional(),
  players: z.array(
    z.object({
      account_id: z.number().int().nonnegative().optional(),
      player_slot: z.number().int(),
      hero_id: z.number().int(),
    }),
  ),
});
export type SteamHistoryMatch = z.infer<typeof historyMatchSchema>;

export const matchHistoryResultSchema = z.object({
  status: z.literal(1),
  num_results: count,
  total_results: count,
  results_remaining: count,
  matches: z.array(historyMatchSchema),
});
export type SteamMatchHistoryPage = z.infer<typeof matchHistoryResultSchema>;

export const heroesResultSchema = z.object({
  heroes: z.array(z.object({ id: count, name: z.string(), localized_name: z.string().optional() })),
});

export const playerSummarySchema = z.object({
  steamid: id64,
  personaname: z.string(),
  profileurl: z.string().optional(),
  avatarfull: z.string().optional(),
  avatar: z.string().optional(),
  communityvisibilitystate: count.optional(),
});
export type SteamPlayerSummary = z.infer<typeof playerSummarySchema>;

export const playerSummariesResponseSchema = z.object({ players: z.array(playerSummarySchema) });

/** ResolveVanityURL: 1 = found (with steamid), 42 = no such custom URL; anything else is a Valve failure. */
export const vanityResponseSchema = z.object({
  success: count,
  steamid: id64.optional(),
  message: z.string().optional(),
});
export type SteamVanityResponse = z.infer<typeof vanityResponseSchema>;

/** One team of GetTeamInfoByTeamID; roster and league fields (`player_N_account_id`, `league_id_N`) are dropped. */
export const teamInfoSchema = z.object({
  team_id: z.number().int().positive(),
  name: z.string(),
  tag: z.string(),
  /** UGC file id of the logo; 0 when the team has none. */
  logo: id64.optional(),
  country_code: z.string().optional(),
  time_created: count.optional(),
});
export type SteamTeamInfo = z.infer<typeof teamInfoSchema>;

export const teamInfoResultSchema = z.object({ teams: z.array(teamInfoSchema) });

/** One league of www.dota2.com's GetLeagueInfoList (not the Steam Web API, which dropped GetLeagueListing). */
export const leagueInfoSchema = z.object({
  league_id: z.number().int().positive(),
  name: z.string(),
  tier: count.optional(),
  region: count.optional(),
  start_timestamp: count.optional(),
  end_timestamp: count.optional(),
  status: count.optional(),
});
export type SteamLeagueInfo = z.infer<typeof leagueInfoSchema>;

/** dota2.com answers with a bare `{infos: […]}`: no `result`/`response` envelope and no status. */
export const leagueInfoListSchema = z.object({ infos: z.array(leagueInfoSchema) });
