// The one request wrapper pointed at a host that must never see our Steam keys (dota2.com, OpenDota).
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import { createKeyPool } from './key-pool.js';
import { createSteamRequest, type SteamRequest } from './steam-request.js';

export interface KeylessRequestOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Pacing of this host. Default 1 a second. */
  requestsPerSecond?: number;
  maxAttempts?: number;
  clock: Clock;
  log: Logger;
}

/**
 * Timeout, retries with jitter, 429 with Retry-After and lossless JSON, like every Valve call. The wrapper
 * always writes a `key` parameter; a pool holding only the empty key sends `key=`, which carries no secret.
 */
export function createKeylessRequest(options: KeylessRequestOptions): SteamRequest {
  return createSteamRequest({
    baseUrl: options.baseUrl,
    keys: createKeyPool([''], options.requestsPerSecond ?? 1, options.clock),
    timeoutMs: options.timeoutMs,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    clock: options.clock,
    log: options.log,
  });
}
