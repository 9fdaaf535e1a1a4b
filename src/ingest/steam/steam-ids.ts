// Steam identities: account id ⇄ steamid64, and parsing what users type into an account id.
import { AppError } from '../../errors.js';

const STEAMID64_BASE = 76561197960265728n;
/** Valve's account_id for a player who hides their identity in a match. */
export const ANONYMOUS_ACCOUNT_ID = 4294967295;
const MAX_ACCOUNT_ID = 4294967294;

export function toSteamId64(accountId: number): string {
  return (BigInt(accountId) + STEAMID64_BASE).toString();
}

export function toAccountId(steamId64: string): number {
  return Number(BigInt(steamId64) - STEAMID64_BASE);
}

/** Radiant slots are 0–4, Dire slots 128–132: the high bit is the team. */
export function isRadiantSlot(playerSlot: number): boolean {
  return playerSlot < 128;
}

function invalid(input: string, why: string): AppError {
  return new AppError('invalid_steam_id', `Invalid Steam id "${input}": ${why}`, {
    userMessage: `"${input.slice(0, 64)}" is not a Steam account I can read: ${why}. Use a Dota account id (e.g. 86745912), a steamid64 (7656119…), or a profile URL like https://steamcommunity.com/profiles/7656119….`,
  });
}

/**
 * Reads an account id from an account id, a steamid64, or a /profiles/ URL.
 * Vanity names (/id/name) need Valve's ResolveVanityURL and are rejected here with that explanation.
 */
export function parseAccountId(input: string): number {
  const text = input.trim();
  const profile = /^(?:https?:\/\/)?(?:www\.)?steamcommunity\.com\/(profiles|id)\/([^/?#\s]+)\/?$/i.exec(
    text,
  );
  if (profile?.[1]?.toLowerCase() === 'id') throw invalid(text, 'vanity profile names are not supported yet');
  const digits = profile?.[2] ?? text;
  if (!/^\d{1,20}$/.test(digits))
    throw invalid(text, 'expected digits or a steamcommunity.com/profiles/ URL');
  const value = BigInt(digits);
  if (value >= STEAMID64_BASE) {
    const accountId = value - STEAMID64_BASE;
    if (accountId === 0n || accountId > BigInt(MAX_ACCOUNT_ID))
      throw invalid(text, 'not an individual steamid64');
    return Number(accountId);
  }
  if (value === 0n || value > BigInt(MAX_ACCOUNT_ID)) throw invalid(text, 'outside the range of account ids');
  return Number(value);
}

/** Steam custom URL names: letters, digits, `_` and `-`, at most 32 characters. */
const VANITY_NAME = /^[A-Za-z0-9_-]{2,32}$/;

/**
 * The custom URL name in a `steamcommunity.com/id/<name>` URL or a bare name, else null.
 * All-digit input is never a name here: it is an account id or steamid64 and `parseAccountId` judges it.
 */
export function vanityNameOf(input: string): string | null {
  const text = input.trim();
  const url = /^(?:https?:\/\/)?(?:www\.)?steamcommunity\.com\/id\/([^/?#\s]+)\/?$/i.exec(text);
  const name = url ? (url[1] ?? '') : text;
  if (!VANITY_NAME.test(name) || /^\d+$/.test(name)) return null;
  return name;
}
