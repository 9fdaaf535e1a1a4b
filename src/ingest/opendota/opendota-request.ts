// Requests to the OpenDota API through the one request wrapper, with a pool holding no Steam key.
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import { createKeyPool } from '../steam/key-pool.js';
import { createSteamRequest, type SteamRequest } from '../steam/steam-request.js';

export interface OpenDotaRequestOptions {
  /** `https://api.opendota.com/api` (OPENDOTA_API_BASE_URL), or the replay server in tests. */
  baseUrl: string;
  timeoutMs: number;
  /** Pacing; OpenDota's free tier allows 60 requests a minute, so 1 a second (the default) stays under it. */
  requestsPerSecond?: number;
  maxAttempts?: number;
  clock: Clock;
  log: Logger;
}

/**
 * The Steam request wrapper (timeout, retries with jitter, 429 with Retry-After, lossless JSON) pointed at
 * OpenDota. As for dota2.com, a pool of only the empty key keeps our Steam keys off a third-party host; the
 * empty `key=` it sends carries no secret, and OpenDota ignores it (its own key parameter is `api_key`).
 */
export function createOpenDotaRequest(options: OpenDotaRequestOptions): SteamRequest {
  const keys = createKeyPool([''], options.requestsPerSecond ?? 1, options.clock);
  return createSteamRequest({
    baseUrl: options.baseUrl,
    keys,
    timeoutMs: options.timeoutMs,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    clock: options.clock,
    log: options.log,
  });
}
