// Requests to www.dota2.com/webapi (the league list lives there since GetLeagueListing was removed): keyless.
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import { createKeyPool } from './key-pool.js';
import { createSteamRequest, type SteamRequest } from './steam-request.js';

/** Where Valve serves the dota2.com webapi. */
export const DOTA2_WEBAPI_BASE_URL = 'https://www.dota2.com';

export interface Dota2WebApiOptions {
  /** `https://www.dota2.com`, or a replay server in tests and the demo. */
  baseUrl: string;
  timeoutMs: number;
  /** Pacing of this host; one league list a day needs little. Default 1. */
  requestsPerSecond?: number;
  maxAttempts?: number;
  clock: Clock;
  log: Logger;
}

/**
 * The Steam request wrapper (timeout, retries with jitter, 429, lossless JSON) pointed at dota2.com.
 * The wrapper always writes a `key` parameter; a pool holding only the empty key keeps our Steam keys off a
 * host that does not need them (it then sends an empty `key=`, which carries no secret).
 */
export function createDota2WebApiRequest(options: Dota2WebApiOptions): SteamRequest {
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
