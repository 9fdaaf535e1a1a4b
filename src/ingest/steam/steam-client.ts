// Typed Valve endpoints over the one request wrapper, each checking Valve's body envelope before zod.
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { createKeyPool } from './key-pool.js';
import { createSteamRequest, type SteamEndpoint, type SteamRequest } from './steam-request.js';
import {
  heroesResultSchema,
  matchesBySeqResultSchema,
  matchHistoryResultSchema,
  playerSummariesResponseSchema,
  type SteamMatch,
  type SteamMatchHistoryPage,
  type SteamPlayerSummary,
} from './steam.schemas.js';

/** Valve's `result.status` when a profile hides its match data ("Expose Public Match Data" off). */
export const STATUS_PRIVATE_PROFILE = 15;
export const MAX_MATCHES_PER_PAGE = 100;
export const MAX_SUMMARIES_PER_CALL = 100;

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

/** Unwraps `{result: …}`, turning Valve's in-body failures into classified errors. */
function parseResult<T>(endpoint: string, schema: z.ZodType<T>, body: unknown): T {
  const envelope = resultEnvelope.safeParse(body);
  if (!envelope.success) throw invalidBody(endpoint, envelope.error);
  const { status, statusDetail, error } = envelope.data.result;
  if (status === STATUS_PRIVATE_PROFILE) {
    throw new AppError('steam_private_profile', `${endpoint}: ${statusDetail ?? 'private profile'}`, {
      userMessage:
        'This profile hides its match data. In Dota 2: Settings → Social → enable "Expose Public Match Data".',
    });
  }
  if (error !== undefined || (status !== undefined && status !== 1)) {
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
}

export function createSteamClientFromRequest(steamRequest: SteamRequest): SteamClient {
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
          parseResult('GetHeroes', heroesResultSchema, body),
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
  };
}

export interface SteamClientOptions {
  baseUrl: string;
  keys: readonly string[];
  requestsPerSecond: number;
  timeoutMs: number;
  maxAttempts?: number;
}

export function createSteamClient(options: SteamClientOptions, log: Logger, clock: Clock): SteamClient {
  const keys = createKeyPool(options.keys, options.requestsPerSecond, clock);
  const steamRequest = createSteamRequest({ ...options, keys, clock, log });
  return createSteamClientFromRequest(steamRequest);
}
