// Entitlements against a real database: the free/premium split, who is premium when, and the generated pitch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  entitlementsFor,
  entitlementsOf,
  premiumAdds,
  premiumPitch,
  premiumRequired,
  tierOf,
} from '../../src/billing/entitlements.js';
import type { CommandSettings } from '../../src/bots/core/command-context.js';
import { MAX_TREND_MATCHES } from '../../src/render/player-trend.chart.js';
import { fakeClock } from '../support/fake-clock.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const SETTINGS: CommandSettings = { freeSubscriptionsPerGuild: 5, premiumSubscriptionsPerGuild: 100 };
const NOW = new Date('2026-12-05T12:00:00Z');
const DAY = 86_400_000;

let test: TestDatabase;

beforeAll(async () => {
  test = await createTestDatabase();
  await test.db('premium_accounts').insert([
    { platform: 'discord', guild_id: 'paid', premium_until: new Date(NOW.getTime() + DAY) },
    { platform: 'discord', guild_id: 'lapsed', premium_until: new Date(NOW.getTime() - DAY) },
    { platform: 'discord', guild_id: 'ends-now', premium_until: NOW },
    { platform: 'discord', guild_id: 'checkout-only', premium_until: null },
  ]);
});

afterAll(async () => {
  await test?.drop();
});

describe('entitlementsFor', () => {
  it('when the tier is free, then it keeps today’s limits: the free cap, no compare, 20 recent, 20 in the trend', () => {
    expect(entitlementsFor('free', SETTINGS)).toEqual({
      tier: 'free',
      subscriptionCap: 5,
      compare: false,
      recentMax: 20,
      trendMatches: 20,
    });
  });

  it('when the tier is premium, then it has the premium cap, compare, and 30 matches in recent and the trend', () => {
    expect(entitlementsFor('premium', { ...SETTINGS, premiumSubscriptionsPerGuild: 250 })).toEqual({
      tier: 'premium',
      subscriptionCap: 250,
      compare: true,
      recentMax: 30,
      trendMatches: 30,
    });
  });

  it('when premium promises matches, then the trend chart can draw them all', () => {
    const premium = entitlementsFor('premium', SETTINGS);
    expect(premium.trendMatches).toBeLessThanOrEqual(MAX_TREND_MATCHES);
    expect(premium.recentMax).toBeLessThanOrEqual(MAX_TREND_MATCHES);
  });
});

describe('tierOf', () => {
  it.each([
    ['paid', 'premium'],
    ['lapsed', 'free'],
    ['ends-now', 'free'],
    ['checkout-only', 'free'],
    ['never-seen', 'free'],
  ])('when guild %s is asked about, then its tier is %s', async (guildId, tier) => {
    expect(await tierOf(test.db, { platform: 'discord', guildId }, NOW)).toBe(tier);
  });

  it('when the same guild id is on the other platform, then it is free there', async () => {
    expect(await tierOf(test.db, { platform: 'slack', guildId: 'paid' }, NOW)).toBe('free');
  });

  it('when there is no guild (a DM), then the tier is free', async () => {
    expect(await tierOf(test.db, null, NOW)).toBe('free');
  });
});

describe('entitlementsOf', () => {
  it("when the context's clock passes premium_until, then the same guild goes from premium to free", async () => {
    const clock = fakeClock(NOW.getTime());
    const ctx = { db: test.db, clock, settings: SETTINGS };
    const invocation = { platform: 'discord', guildId: 'paid' } as const;

    const before = await entitlementsOf(ctx, invocation);
    await clock.sleep(DAY);
    const after = await entitlementsOf(ctx, invocation);

    expect(before.tier).toBe('premium');
    expect(before.subscriptionCap).toBe(100);
    expect(after).toEqual(entitlementsFor('free', SETTINGS));
  });
});

describe('premiumPitch', () => {
  it('when a free server asks for a premium feature, then the ephemeral reply names it, lists what premium adds and how to get it', () => {
    const reply = premiumPitch('`/dota compare`', { settings: SETTINGS }, 'slack');

    expect(reply.ephemeral).toBe(true);
    expect(reply.text?.split('\n')).toEqual([
      '`/dota compare` needs premium. Premium adds, for the whole workspace:',
      '• Up to 100 active match alerts per workspace (free: 5)',
      '• `/dota compare`: two players side by side with a chart (free: not available)',
      '• `/dota recent` count up to 30 (free: 20)',
      '• `/dota player` trend chart over the last 30 matches (free: 20)',
      'To get it, an admin runs `/dota premium`.',
    ]);
  });

  it('when the operator sets the same cap for both tiers, then the pitch no longer promises more alerts', () => {
    const lines = premiumAdds({ freeSubscriptionsPerGuild: 10, premiumSubscriptionsPerGuild: 10 });

    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).not.toContain('alerts');
  });

  it('when a command refuses with the pitch, then the error carries the pitch as its user message', () => {
    const error = premiumRequired('`/dota compare`', { settings: SETTINGS }, 'discord');
    const pitch = premiumPitch('`/dota compare`', { settings: SETTINGS }, 'discord');

    expect(error.code).toBe('premium_required');
    expect(error.userMessage).toBe(`**A premium feature**\n${pitch.text}`);
  });
});
