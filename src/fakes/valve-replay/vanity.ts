// ResolveVanityURL over names derived from the shipped summaries' profile URLs (steamcommunity.com/id/<name>/).
import { parseLosslessJson } from '../../ingest/steam/lossless-json.js';
import { BadRequest, json, type Reply } from './http-replies.js';

const VANITY_PROFILE = /\/id\/([^/?#]+)\/?$/;
/** Valve's `success` code for an unknown name. */
const NO_MATCH = 42;

/** name → steamid64 for every summary whose `profileurl` is a /id/<name>/ URL. */
export function vanityNamesOf(summaries: ReadonlyMap<string, string>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [steamid, raw] of summaries) {
    const { profileurl } = parseLosslessJson(raw) as { profileurl?: unknown };
    const name = typeof profileurl === 'string' ? VANITY_PROFILE.exec(profileurl)?.[1] : undefined;
    if (name !== undefined) names.set(name, steamid);
  }
  return names;
}

/**
 * `{"response":{"steamid","success":1}}` or `{"response":{"success":42,"message":"No match"}}`. Names match
 * exactly; only individual profiles (url_type 1, the default) are known.
 */
export function resolveVanity(names: ReadonlyMap<string, string>, params: URLSearchParams): Reply {
  const name = params.get('vanityurl');
  if (name === null || name === '') throw new BadRequest("Required parameter 'vanityurl' is missing");
  const urlType = params.get('url_type') ?? '1';
  const steamid = urlType === '1' ? names.get(name) : undefined;
  return json(
    JSON.stringify({
      response: steamid === undefined ? { success: NO_MATCH, message: 'No match' } : { steamid, success: 1 },
    }),
  );
}
