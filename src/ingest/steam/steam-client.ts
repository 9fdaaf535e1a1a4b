// Typed Valve endpoints over the one request wrapper, each checking Valve's body envelope before zod.
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Db } from '../../store/db.js';
import { recordSteamCall } from './call-stats.repo.js';
import { createKeyPool } from './key-pool.js';
import { createSharedKeyPool } from './shared-key-pool.js';
import { createSteamRequest, type SteamEndpoint, type SteamRequest } from './steam-request.js';
import {
  heroesResultSchema,
  leagueInfoListSchema,
  matchesBySeqResultSchema,
  matchHistoryResultSchema,
  playerSummariesResponseSchema,
  teamInfoResultSchema,
  vanityResponseSchema,
  type SteamLeagueInfo,
  type SteamMatch,
  type SteamMatchHistoryPage,
  type SteamPlayerSummary,
  type SteamTeamInfo,
} from './steam.schemas.js';

/** Valve's `result.status` when a profile hides its match data ("Expose Public Match Data" off). */
export const STATUS_PRIVATE_PROFILE = 15;
export const MAX_MATCHES_PER_PAGE = 100;
export const MAX_SUMMARIES_PER_CALL = 100;
/** ResolveVanityURL's `success` when no profile has that custom URL. */
export const VANITY_NO_MATCH = 42;
/** GetHeroes reports success as `status: 200` (both shipped captures), not the match API's 1. */
const GET_HEROES_OK = [1, 200] as const;

const resultEnvelope = z.object({
  result: z.looseObject({
    status: z.number().optional(),
    statusDetail: z.string().optional(),
    error: z.string().optional(),
  }),
});
const responseEnvelope = z.object({ response: z.unknown() });

function invalidBody(endpoint: string, error: z.ZodError): AppError {
  // A 200 whose shape is wrong (`{}` since 7.36, half an object) is Valve misbehaving, not our input.
  return new AppError('steam_invalid_body', `${endpoint}: unexpected body (${z.prettifyError(error)})`, {
    kind: 'transient',
  });
}

/**
 * Unwraps `{result: …}`, turning Valve's in-body failures into classified errors. `okStatuses` are the
 * `result.status` values that mean success: 1 for IDOTA2Match_570, but IEconDOTA2_570/GetHeroes answers 200.
 */
function parseResult<T>(
  endpoint: string,
  schema: z.ZodType<T>,
  body: unknown,
  okStatuses: readonly number[] = [1],
): T {
  const envelope = resultEnvelope.safeParse(body);
  if (!envelope.success) throw invalidBody(endpoint, envelope.error);
  const { status, statusDetail, error } = envelope.data.result;
  if (status === STATUS_PRIVATE_PROFILE) {
    throw new AppError('steam_private_profile', `${endpoint}: ${statusDetail ?? 'private profile'}`, {
      userMessage:
        'This profile hides its match data. In Dota 2: Settings → Options → Social → enable "Expose Public Match Data".',
    });
  }
  if (error !== undefined || (status !== undefined && !okStatuses.includes(status))) {
    throw new AppError('steam_rejected', `${endpoint}: ${error ?? statusDetail ?? `status ${status}`}`);
  }
  const parsed = schema.safeParse(envelope.data.result);
  if (!parsed.success) throw invalidBody(endpoint, parsed.error);
  return parsed.data;
}

function parseResponse<T>(endpoint: string, schema: z.ZodType<T>, body: unknown): T {
  const envelope = responseEnvelope.safeParse(body);
  if (!envelope.success) throw invalidBody(endpoint, envelope.error);
  const parsed = schema.safeParse(envelope.data.response);
  if (!parsed.success) throw invalidBody(endpoint, parsed.error);
  return parsed.data;
}

/** For hosts that answer without an envelope (www.dota2.com/webapi): the body itself is the value. */
function parseBare<T>(endpoint: string, schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidBody(endpoint, parsed.error);
  return parsed.data;
}

function endpoint<T>(
  name: string,
  path: string,
  query: SteamEndpoint<T>['query'],
  parse: (body: unknown) => T,
) {
  return { name, path, query, parse } satisfies SteamEndpoint<T>;
}

export interface MatchHistoryQuery {
  account_id?: number;
  league_id?: number;
  start_at_match_id?: number;
  matches_requested?: number;
}

export interface SteamClient {
  getMatchHistory(query: MatchHistoryQuery): Promise<SteamMatchHistoryPage>;
  getMatchHistoryBySequenceNum(startAtMatchSeqNum: number, matchesRequested: number): Promise<SteamMatch[]>;
  getHeroes(): Promise<{ id: number; name: string; localized_name?: string | undefined }[]>;
  /** Profiles for up to 100 steamid64s; private or unknown ones are simply absent. */
  getPlayerSummaries(steamids: readonly string[]): Promise<SteamPlayerSummary[]>;
  /** The steamid64 behind a custom profile URL name (`steamcommunity.com/id/<name>`), or null when none has it. */
  resolveVanityUrl(name: string): Promise<string | null>;
  /**
   * One team by id, or null when Valve has no such team (it then answers with the next team id, which is
   * checked here so callers never store another team's name under this id).
   */
  getTeamInfo(teamId: number): Promise<SteamTeamInfo | null>;
  /** Every league www.dota2.com lists (id, name, tier); a different host from the Steam Web API, keyless. */
  getLeagueInfoList(): Promise<SteamLeagueInfo[]>;
}

/** Hosts besides the Steam Web API that the client can reach. */
export interface SteamClientExtras {
  /**
   * Requests to www.dota2.com/webapi (league list). Must not carry a Steam key: build it with
   * `createDota2WebApiRequest`. Absent: `getLeagueInfoList` fails with `config_missing`.
   */
  dota2WebApi?: SteamRequest;
}

const LEAGUE_INFO_LIST_PATH = '/webapi/IDOTA2League/GetLeagueInfoList/v001';

export function createSteamClientFromRequest(
  steamRequest: SteamRequest,
  extras: SteamClientExtras = {},
): SteamClient {
  return {
    getMatchHistory: (query) =>
      steamRequest(
        endpoint('GetMatchHistory', '/IDOTA2Match_570/GetMatchHistory/v1/', { ...query }, (body) =>
          parseResult('GetMatchHistory', matchHistoryResultSchema, body),
        ),
      ),
    getMatchHistoryBySequenceNum: async (startAt, requested) => {
      const result = await steamRequest(
        endpoint(
          'GetMatchHistoryBySequenceNum',
          '/IDOTA2Match_570/GetMatchHistoryBySequenceNum/v1/',
          { start_at_match_seq_num: startAt, matches_requested: Math.min(requested, MAX_MATCHES_PER_PAGE) },
          (body) => parseResult('GetMatchHistoryBySequenceNum', matchesBySeqResultSchema, body),
        ),
      );
      return result.matches;
    },
    getHeroes: async () => {
      const result = await steamRequest(
        endpoint('GetHeroes', '/IEconDOTA2_570/GetHeroes/v1/', { language: 'en' }, (body) =>
          parseResult('GetHeroes', heroesResultSchema, body, GET_HEROES_OK),
        ),
      );
      return result.heroes;
    },
    getPlayerSummaries: async (steamids) => {
      if (steamids.length === 0) return [];
      if (steamids.length > MAX_SUMMARIES_PER_CALL) {
        throw new AppError(
          'steam_too_many_ids',
          `GetPlayerSummaries takes at most ${MAX_SUMMARIES_PER_CALL} ids`,
        );
      }
      const result = await steamRequest(
        endpoint(
          'GetPlayerSummaries',
          '/ISteamUser/GetPlayerSummaries/v2/',
          { steamids: steamids.join(',') },
          (body) => parseResponse('GetPlayerSummaries', playerSummariesResponseSchema, body),
        ),
      );
      return result.players;
    },
    resolveVanityUrl: async (name) => {
      const result = await steamRequest(
        endpoint('ResolveVanityURL', '/ISteamUser/ResolveVanityURL/v1/', { vanityurl: name }, (body) =>
          parseResponse('ResolveVanityURL', vanityResponseSchema, body),
        ),
      );
      if (result.success === VANITY_NO_MATCH) return null;
      if (result.success !== 1 || result.steamid === undefined) {
        throw new AppError(
          'steam_rejected',
          `ResolveVanityURL: success ${result.success}${result.message ? ` (${result.message})` : ''}`,
        );
      }
      return result.steamid;
    },
    getTeamInfo: async (teamId) => {
      const result = await steamRequest(
        endpoint(
          'GetTeamInfoByTeamID',
          '/IDOTA2Match_570/GetTeamInfoByTeamID/v1/',
          { start_at_team_id: teamId, teams_requested: 1 },
          (body) => parseResult('GetTeamInfoByTeamID', teamInfoResultSchema, body),
        ),
      );
      const team = result.teams[0];
      return team?.team_id === teamId ? team : null;
    },
    getLeagueInfoList: async () => {
      if (!extras.dota2WebApi) {
        throw new AppError('config_missing', 'GetLeagueInfoList: no www.dota2.com request configured');
      }
      const result = await extras.dota2WebApi(
        endpoint('GetLeagueInfoList', LEAGUE_INFO_LIST_PATH, {}, (body) =>
          parseBare('GetLeagueInfoList', leagueInfoListSchema, body),
        ),
      );
      return result.infos;
    },
  };
}

export interface SteamClientOptions {
  baseUrl: string;
  keys: readonly string[];
  /** Calls per second per key, all endpoints together. */
  requestsPerSecond: number;
  /** Seconds between GetMatchHistoryBySequenceNum calls per key; each such call also takes a general slot. */
  sequenceSecondsPerCall: number;
  timeoutMs: number;
  maxAttempts?: number;
  /** 429 answers tolerated per call before it fails rate-limited; default `maxAttempts`. */
  maxRateLimitedAttempts?: number;
}

export interface SteamClientDeps {
  log: Logger;
  /** Sleeps for pacing and backoff; with `db`, the times themselves come from Postgres. */
  clock: Clock;
  /**
   * With a database, pacing and 429 penalties are shared by every process on it and each call is counted in
   * `steam_call_stats`. Without one, pacing holds for this process only (tests, one-off commands).
   */
  db?: Db;
  /** Other hosts (www.dota2.com), handed to `createSteamClientFromRequest` as they are. */
  extras?: SteamClientExtras;
}

export function createSteamClient(options: SteamClientOptions, deps: SteamClientDeps): SteamClient {
  const { log, clock, db } = deps;
  const pacing = { sequenceSecondsPerCall: options.sequenceSecondsPerCall };
  const keys = db
    ? createSharedKeyPool({
        db,
        keys: options.keys,
        requestsPerSecond: options.requestsPerSecond,
        clock,
        ...pacing,
      })
    : createKeyPool(options.keys, options.requestsPerSecond, clock, pacing);
  const steamRequest = createSteamRequest({
    ...options,
    keys,
    clock,
    log,
    ...(db ? { recordCall: (call) => recordSteamCall(db, call) } : {}),
  });
  return createSteamClientFromRequest(steamRequest, deps.extras);
}
