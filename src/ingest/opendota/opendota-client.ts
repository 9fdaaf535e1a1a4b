// OpenDota client: one call, a match's parsed gold/XP timelines, or word that OpenDota has not parsed it.
import { z } from 'zod';
import { AppError, isAppError } from '../../errors.js';
import type { MatchTimeline } from '../../store/timelines.repo.js';
import type { SteamEndpoint, SteamRequest } from '../steam/steam-request.js';
import { createOpenDotaRequest, type OpenDotaRequestOptions } from './opendota-request.js';
import { openDotaMatchSchema, type OpenDotaMatch } from './opendota.schemas.js';

/** What OpenDota knows of a match: its timelines, or `parsed: false` when no replay was parsed (yet). */
export type ParsedMatchResult =
  { parsed: true; matchId: number; timeline: MatchTimeline } | { parsed: false; matchId: number };

export interface OpenDotaClient {
  /**
   * GET /matches/{id}. Resolves `parsed: false` for a known match without timelines. Throws AppError:
   * `opendota_match_not_found` (permanent) on 404, `opendota_invalid_body` (permanent) when the body is not
   * a match, and the wrapper's classified failures relabelled `opendota_*` (transient, rate-limited, …).
   */
  getParsedMatch(matchId: number): Promise<ParsedMatchResult>;
}

const ENDPOINT = 'OpenDotaMatch';

function invalidBody(message: string, cause?: unknown): AppError {
  // OpenDota builds this body from its own database: a wrong shape will not heal on a retry seconds later.
  return new AppError('opendota_invalid_body', `${ENDPOINT}: ${message}`, { kind: 'permanent', cause });
}

function toResult(matchId: number, body: OpenDotaMatch): ParsedMatchResult {
  if (body.match_id !== matchId) throw invalidBody(`asked for match ${matchId}, got ${body.match_id}`);
  const gold = body.radiant_gold_adv;
  if (!gold || gold.length === 0) return { parsed: false, matchId };
  const slots = new Set(body.players.map((p) => p.player_slot));
  if (slots.size !== body.players.length) throw invalidBody(`match ${matchId} lists a player slot twice`);
  const players = body.players
    .map((p) => ({ playerSlot: p.player_slot, goldT: p.gold_t ?? null, xpT: p.xp_t ?? null }))
    .sort((a, b) => a.playerSlot - b.playerSlot);
  return {
    parsed: true,
    matchId,
    timeline: { radiantGoldAdv: gold, radiantXpAdv: body.radiant_xp_adv ?? null, players },
  };
}

function matchEndpoint(matchId: number): SteamEndpoint<ParsedMatchResult> {
  return {
    name: ENDPOINT,
    path: `matches/${matchId}`,
    query: {},
    parse(body) {
      const parsed = openDotaMatchSchema.safeParse(body);
      if (!parsed.success)
        throw invalidBody(`unexpected body (${z.prettifyError(parsed.error)})`, parsed.error);
      return toResult(matchId, parsed.data);
    },
  };
}

/**
 * The wrapper names its failures after Steam (and reads a 403 as a bad Steam key). Relabel them so logs and
 * dead letters say OpenDota; a 404 is OpenDota not knowing the match (private lobby, too old or too fresh).
 * The wrapper reports the status only in its message, hence the match on "HTTP 404" (covered by a test).
 */
function relabel(matchId: number, error: unknown): unknown {
  if (!isAppError(error) || !error.code.startsWith('steam_')) return error;
  if (error.code === 'steam_bad_request' && error.message.endsWith('HTTP 404')) {
    return new AppError('opendota_match_not_found', `OpenDota has no match ${matchId} (HTTP 404)`, {
      kind: 'permanent',
      userMessage: `OpenDota has no data for match ${matchId}.`,
      cause: error,
    });
  }
  return new AppError(error.code.replace(/^steam_/, 'opendota_'), error.message, {
    kind: error.kind,
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    cause: error,
  });
}

/** A client over an existing request function (the composition root's, or one pointed at a fake). */
export function createOpenDotaClientFromRequest(request: SteamRequest): OpenDotaClient {
  return {
    async getParsedMatch(matchId) {
      try {
        return await request(matchEndpoint(matchId));
      } catch (error) {
        throw relabel(matchId, error);
      }
    },
  };
}

/** A client with its own keyless request wrapper, paced for OpenDota's free tier by default. */
export function createOpenDotaClient(options: OpenDotaRequestOptions): OpenDotaClient {
  return createOpenDotaClientFromRequest(createOpenDotaRequest(options));
}
