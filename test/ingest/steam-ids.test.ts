// Tests for Steam identities: what users type becomes an account id, or a clear, named refusal.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import {
  ANONYMOUS_ACCOUNT_ID,
  isRadiantSlot,
  parseAccountId,
  toAccountId,
  toSteamId64,
} from '../../src/ingest/steam/steam-ids.js';

// 76561197960265728 + 177062248 = 76561198137327976 (…960,265,728 + 177,062,248 = …1,137,327,976).
const ACCOUNT = 177062248;
const STEAMID64 = '76561198137327976';

function refusal(input: string): AppError {
  try {
    parseAccountId(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`parseAccountId(${JSON.stringify(input)}) was accepted`);
}

describe('toSteamId64 / toAccountId', () => {
  it('when 177062248 is converted, then it is 76561198137327976 and back again', () => {
    expect(toSteamId64(ACCOUNT)).toBe(STEAMID64);
    expect(toAccountId(STEAMID64)).toBe(ACCOUNT);
    expect(BigInt(STEAMID64) - BigInt(ACCOUNT)).toBe(76561197960265728n);
  });

  it('when the largest account id round-trips, then no precision is lost (steamid64 is beyond 2^53)', () => {
    const max = ANONYMOUS_ACCOUNT_ID - 1;
    expect(toSteamId64(max)).toBe('76561202255233022');
    expect(toAccountId(toSteamId64(max))).toBe(max);
  });
});

describe('isRadiantSlot', () => {
  it('when slots are 0–4 or 128–132, then the high bit decides the team', () => {
    expect([0, 4].map(isRadiantSlot)).toEqual([true, true]);
    expect([128, 132].map(isRadiantSlot)).toEqual([false, false]);
  });
});

describe('parseAccountId accepts', () => {
  it.each([
    ['a plain account id', '177062248'],
    ['an account id with surrounding spaces', '  177062248\n'],
    ['a steamid64', STEAMID64],
    ['an https /profiles/ URL', `https://steamcommunity.com/profiles/${STEAMID64}`],
    ['an https /profiles/ URL with a trailing slash', `https://steamcommunity.com/profiles/${STEAMID64}/`],
    ['an http /profiles/ URL', `http://steamcommunity.com/profiles/${STEAMID64}`],
    ['a www /profiles/ URL with a trailing slash', `http://www.steamcommunity.com/profiles/${STEAMID64}/`],
    ['a /profiles/ URL without a scheme', `steamcommunity.com/profiles/${STEAMID64}`],
  ])('when given %s, then it reads account 177062248', (_what, input) => {
    expect(parseAccountId(input)).toBe(ACCOUNT);
  });

  it('when given account id 1 (the smallest), then 1', () => {
    expect(parseAccountId('1')).toBe(1);
  });
});

describe('parseAccountId rejects', () => {
  it.each([
    ['https://steamcommunity.com/id/gaben'],
    ['https://steamcommunity.com/id/gaben/'],
    ['steamcommunity.com/id/SomeName'],
  ])('when given the vanity URL %s, then it says vanity names are not supported', (input) => {
    const error = refusal(input);
    expect(error.code).toBe('invalid_steam_id');
    expect(error.message).toMatch(/vanity/i);
    expect(error.userMessage).toMatch(/vanity profile names are not supported/);
  });

  it.each([
    ['letters', 'abc', /expected digits/],
    ['an empty string', '', /expected digits/],
    ['only spaces', '   ', /expected digits/],
    ['a negative number', '-5', /expected digits/],
    ['a fraction', '1.5', /expected digits/],
    ['account id 0', '0', /outside the range/],
    ['more than 20 digits', '123456789012345678901', /expected digits/],
    ['a number between account ids and steamid64s', '5000000000', /outside the range/],
    ['a /profiles/ URL on another site', `https://example.com/profiles/${STEAMID64}`, /expected digits/],
    ['a /profiles/ URL with letters', 'https://steamcommunity.com/profiles/gaben', /expected digits/],
  ])('when given %s, then invalid_steam_id explaining why', (_what, input, why) => {
    const error = refusal(input);
    expect(error.code).toBe('invalid_steam_id');
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(why);
  });

  it('when given the anonymous account id 4294967295, then it is refused (it is no real player)', () => {
    const error = refusal(String(ANONYMOUS_ACCOUNT_ID));
    expect(error.code).toBe('invalid_steam_id');
    expect(error.userMessage).toContain('4294967295');
  });

  it("when given the anonymous id's steamid64, then it is refused as not an individual", () => {
    expect(refusal('76561202255233023').message).toMatch(/not an individual steamid64/);
  });

  it('when given the steamid64 base itself (account 0), then it is refused', () => {
    expect(refusal('76561197960265728').message).toMatch(/not an individual steamid64/);
  });

  it('when given a group (clan) steamid64, then it is refused as not an individual', () => {
    // Valve's group ids start at 0x0170000000000000 = 103582791429521408.
    expect(refusal('103582791429521408').message).toMatch(/not an individual steamid64/);
    expect(refusal('https://steamcommunity.com/profiles/103582791429521408').message).toMatch(
      /not an individual steamid64/,
    );
  });

  it('when refused, then the userMessage names the input and the accepted forms', () => {
    const error = refusal('  not-a-player ');
    expect(error.userMessage).toContain('"not-a-player"');
    expect(error.userMessage).toMatch(/account id/);
    expect(error.userMessage).toMatch(/steamid64/);
    expect(error.userMessage).toMatch(/profiles/);
    expect(error.message).toContain('"not-a-player"');
  });

  it('when a very long input is refused, then the userMessage quotes only its first 64 characters', () => {
    const input = 'x'.repeat(500);
    const error = refusal(input);
    expect(error.userMessage).toContain(`"${'x'.repeat(64)}"`);
    expect(error.userMessage).not.toContain('x'.repeat(65));
  });
});
