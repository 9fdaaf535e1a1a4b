// Requests to the OpenDota API through the one request wrapper, never carrying a Steam key.
import { createKeylessRequest, type KeylessRequestOptions } from '../steam/keyless-request.js';
import type { SteamRequest } from '../steam/steam-request.js';

/** `baseUrl` is OPENDOTA_API_BASE_URL or the replay server in tests. */
export type OpenDotaRequestOptions = KeylessRequestOptions;

/** OpenDota's free tier allows 60 requests a minute, so the default 1 a second stays under it. */
export function createOpenDotaRequest(options: OpenDotaRequestOptions): SteamRequest {
  return createKeylessRequest(options);
}
