// The one way to call Valve: key pool pacing per bucket, timeout, retries with jitter, 429 handling, call stats.
import { request } from 'undici';
import type { Clock } from '../../clock.js';
import { AppError, isAppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { steamRateLimited, steamRequests } from '../../observability/metrics.js';
import type { SteamCallOutcome, SteamCallRecord } from './call-stats.repo.js';
import { keyIdOf } from './key-id.js';
import type { KeyPool, SteamBucket } from './key-pool.js';
import { parseLosslessJson } from './lossless-json.js';

/** A typed Valve endpoint: where it lives and how its body becomes a value (or a classified error). */
export interface SteamEndpoint<T> {
  /** Short name for logs and metrics, e.g. `GetMatchHistory`; also picks the pacing bucket (`bucketOf`). */
  name: string;
  path: string;
  query: Record<string, string | number | undefined>;
  parse(body: unknown): T;
}

export type SteamRequest = <T>(endpoint: SteamEndpoint<T>) => Promise<T>;

export interface SteamRequestOptions {
  baseUrl: string;
  keys: KeyPool;
  timeoutMs: number;
  /** Attempts per call that end in a failure other than 429, counting the first; default 4. */
  maxAttempts?: number;
  /**
   * Attempts per call that end in a 429, counted apart: waiting out a rate limit is not the call failing,
   * but it must stay bounded. Default `maxAttempts`.
   */
  maxRateLimitedAttempts?: number;
  /** Seconds a key rests after a 429 without Retry-After. */
  defaultRetryAfterSeconds?: number;
  clock: Clock;
  log: Logger;
  /** Counts every HTTP attempt (per key id and endpoint); its failures are logged, never thrown. */
  recordCall?: (call: SteamCallRecord) => Promise<void>;
}

/** Endpoints paced by the sequence bucket as well as the general one; every other endpoint is general only. */
const SEQUENCE_BUCKET_ENDPOINTS: ReadonlySet<string> = new Set(['GetMatchHistoryBySequenceNum']);

export function bucketOf(endpointName: string): SteamBucket {
  return SEQUENCE_BUCKET_ENDPOINTS.has(endpointName) ? 'sequence' : 'general';
}

/** What one attempt came to: the stats outcome, and the HTTP status (0 when no response arrived). */
interface AttemptSeen {
  outcome: SteamCallOutcome;
  status: number;
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;

function retryAfterSeconds(header: string | string[] | undefined, fallback: number): number {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Exponential backoff with full jitter: retries from many workers spread out instead of colliding. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
}

function endpointUrl(baseUrl: string, endpoint: SteamEndpoint<unknown>, key: string): URL {
  const url = new URL(endpoint.path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('key', key);
  for (const [name, value] of Object.entries(endpoint.query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

export function createSteamRequest(options: SteamRequestOptions): SteamRequest {
  const maxAttempts = options.maxAttempts ?? 4;
  const maxRateLimitedAttempts = options.maxRateLimitedAttempts ?? maxAttempts;
  const defaultRetryAfter = options.defaultRetryAfterSeconds ?? 10;

  async function record(key: string, endpoint: string, seen: AttemptSeen): Promise<void> {
    const keyId = keyIdOf(key);
    const { outcome, status } = seen;
    steamRequests.inc({ endpoint, key_id: keyId, status });
    if (status === 429) steamRateLimited.inc({ key_id: keyId });
    if (!options.recordCall) return;
    try {
      await options.recordCall({ keyId, endpoint, outcome });
    } catch (error) {
      options.log.warn({ err: error, endpoint, keyId }, 'steam call stats not recorded');
    }
  }

  async function attempt<T>(endpoint: SteamEndpoint<T>): Promise<T> {
    const key = await options.keys.acquire(bucketOf(endpoint.name));
    const seen: AttemptSeen = { outcome: 'failed', status: 0 };
    try {
      return await send(endpoint, key, seen);
    } finally {
      await record(key, endpoint.name, seen);
    }
  }

  /** One HTTP attempt with a key already paced; fills `seen` as it learns the status and the outcome. */
  async function send<T>(endpoint: SteamEndpoint<T>, key: string, seen: AttemptSeen): Promise<T> {
    const url = endpointUrl(options.baseUrl, endpoint, key);
    let response;
    try {
      response = await request(url, {
        method: 'GET',
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (cause) {
      throw new AppError('steam_unreachable', `${endpoint.name}: request failed`, {
        kind: 'transient',
        cause,
      });
    }
    seen.status = response.statusCode;
    const text = await response.body.text().catch((cause: unknown) => {
      throw new AppError('steam_body_interrupted', `${endpoint.name}: body interrupted`, {
        kind: 'transient',
        cause,
      });
    });
    const status = response.statusCode;
    if (status === 429) {
      seen.outcome = 'rate_limited';
      const seconds = retryAfterSeconds(response.headers['retry-after'], defaultRetryAfter);
      await options.keys.penalize(key, seconds);
      throw new AppError('steam_rate_limited', `${endpoint.name}: HTTP 429`, {
        kind: 'rate-limited',
        retryAfterSeconds: seconds,
      });
    }
    if (status >= 500)
      throw new AppError('steam_server_error', `${endpoint.name}: HTTP ${status}`, { kind: 'transient' });
    if (status === 403)
      throw new AppError('steam_forbidden', `${endpoint.name}: HTTP 403 (is the API key valid?)`);
    if (status !== 200) throw new AppError('steam_bad_request', `${endpoint.name}: HTTP ${status}`);
    let body: unknown;
    try {
      body = parseLosslessJson(text);
    } catch (cause) {
      // An HTML error page or a truncated body under load: Valve usually answers properly on a retry.
      throw new AppError('steam_garbage_body', `${endpoint.name}: body is not JSON (${text.slice(0, 60)}…)`, {
        kind: 'transient',
        cause,
      });
    }
    try {
      const value = endpoint.parse(body);
      seen.outcome = 'ok';
      return value;
    } catch (error) {
      // A permanent refusal in the body (private profile, result.error) is still Valve answering properly.
      if (isAppError(error) && error.kind === 'permanent') seen.outcome = 'ok';
      throw error;
    }
  }

  return async function steamRequest<T>(endpoint: SteamEndpoint<T>): Promise<T> {
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      try {
        return await attempt(endpoint);
      } catch (error) {
        if (!isAppError(error) || error.kind === 'permanent') throw error;
        const limited = error.kind === 'rate-limited';
        if (limited) rateLimited += 1;
        else failures += 1;
        if (limited ? rateLimited >= maxRateLimitedAttempts : failures >= maxAttempts) throw error;
        options.log.warn(
          { endpoint: endpoint.name, failures, rateLimited, code: error.code },
          'steam request retry',
        );
        // Rate limits wait inside the key pool (the key was penalised); other failures back off here.
        if (!limited) await options.clock.sleep(backoffMs(failures));
      }
    }
  };
}
