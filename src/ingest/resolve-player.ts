// What a user typed → a Dota account id, asking Valve only for custom profile URL names.
import { AppError, isAppError } from '../errors.js';
import type { SteamClient } from './steam/steam-client.js';
import { parseAccountId, vanityNameOf } from './steam/steam-ids.js';

function vanityNotFound(input: string, name: string): AppError {
  const shown = input.trim().slice(0, 64);
  return new AppError('steam_vanity_not_found', `ResolveVanityURL: no profile named "${name}"`, {
    userMessage: `No Steam profile has the custom URL name "${name}" (from "${shown}"). Check the spelling, or use a Dota account id (e.g. 86745912), a steamid64 (7656119…) or a steamcommunity.com/profiles/ URL.`,
  });
}

/**
 * Reads an account id from anything `parseAccountId` accepts (account id, steamid64, /profiles/ URL), plus a
 * custom URL name or a `steamcommunity.com/id/<name>` URL, which costs one ResolveVanityURL call.
 * Throws `invalid_steam_id` for input that is none of these and `steam_vanity_not_found` for an unknown name,
 * both with a userMessage that names the input.
 */
export async function resolvePlayer(
  input: string,
  steam: Pick<SteamClient, 'resolveVanityUrl'>,
): Promise<number> {
  let unreadable: AppError;
  try {
    return parseAccountId(input);
  } catch (error) {
    if (!isAppError(error) || error.code !== 'invalid_steam_id') throw error;
    unreadable = error;
  }
  const name = vanityNameOf(input);
  // Not a name either: parseAccountId's error says precisely what was wrong with the digits or URL.
  if (name === null) throw unreadable;
  const steamid = await steam.resolveVanityUrl(name);
  if (steamid === null) throw vanityNotFound(input, name);
  return parseAccountId(steamid);
}
