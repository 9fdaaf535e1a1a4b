// Requests to www.dota2.com/webapi (the league list lives there since GetLeagueListing was removed): keyless.
import { createKeylessRequest, type KeylessRequestOptions } from './keyless-request.js';
import type { SteamRequest } from './steam-request.js';

/** Where Valve serves the dota2.com webapi. */
export const DOTA2_WEBAPI_BASE_URL = 'https://www.dota2.com';

/** `baseUrl` is `https://www.dota2.com`, or a replay server in tests and the demo; one list a day needs 1 req/s. */
export function createDota2WebApiRequest(options: KeylessRequestOptions): SteamRequest {
  return createKeylessRequest(options);
}
