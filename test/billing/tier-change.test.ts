// Tier changes against a real database: which alerts a downgrade pauses, which an upgrade resumes, and repeat runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyTierChange,
  OVER_FREE_CAP_REASON_PREFIX,
  overFreeCapReason,
} from '../../src/billing/tier-change.js';
import type { CommandSettings } from '../../src/bots/core/command-context.js';
import { subscribeWithinCap, type SubscriptionRow } from '../../src/store/subscriptions.repo.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const SETTINGS: CommandSettings = { freeSubscriptionsPerGuild: 3, premiumSubscriptionsPerGuild: 10 };
const START = Date.parse('2026-11-01T00:00:00Z');
const HOUR = 3_600_000;

let test: TestDatabase;
let guildCounter = 0;

beforeAll(async () => {
  test = await createTestDatabase();
});

afterAll(async () => {
  await test?.drop();
});

/** A fresh guild with `count` team subscriptions created an hour apart, oldest first (team ids 1…count). */
async function guildWith(count: number): Promise<{ platform: string; guildId: string }> {
  guildCounter += 1;
  const guildId = `guild-${guildCounter}`;
  await test.db('subscriptions').insert(
    Array.from({ length: count }, (_, index) => ({
      platform: 'discord',
      guild_id: guildId,
      channel_id: `${guildId}-alerts`,
      target_kind: 'team',
      target_id: index + 1,
      created_by: 'admin',
      created_at: new Date(START + index * HOUR),
    })),
  );
  return { platform: 'discord', guildId };
}

async function rows(guildId: string): Promise<SubscriptionRow[]> {
  return test.db('subscriptions').where({ guild_id: guildId }).orderBy('target_id');
}

const activeTeams = async (guildId: string) =>
  (await rows(guildId)).filter((row) => row.paused_at === null).map((row) => Number(row.target_id));

describe('applyTierChange', () => {
  it('when a guild over the free cap goes free, then its newest subscriptions are paused with the reason and none is deleted', async () => {
    const guild = await guildWith(5);
    const bystander = await guildWith(5);

    const result = await applyTierChange(test.db, guild, 'free', SETTINGS);

    expect(result).toEqual({ paused: 2, resumed: 0 });
    const after = await rows(guild.guildId);
    expect(after).toHaveLength(5);
    expect(after.map((row) => [Number(row.target_id), row.pause_reason])).toEqual([
      [1, null],
      [2, null],
      [3, null],
      [4, overFreeCapReason(3, 'discord')],
      [5, overFreeCapReason(3, 'discord')],
    ]);
    expect(overFreeCapReason(3, 'discord')).toBe(
      "Premium ended: this server is over the free tier's 3 alerts. /dota premium renews it; /dota unsubscribe frees a slot.",
    );
    expect(await activeTeams(bystander.guildId)).toEqual([1, 2, 3, 4, 5]);
  });

  it('when a guild goes free twice, then the second run changes nothing', async () => {
    const guild = await guildWith(5);
    await applyTierChange(test.db, guild, 'free', SETTINGS);
    const once = await rows(guild.guildId);

    const again = await applyTierChange(test.db, guild, 'free', SETTINGS);

    expect(again).toEqual({ paused: 0, resumed: 0 });
    expect(await rows(guild.guildId)).toEqual(once);
  });

  it('when a paused guild goes premium, then exactly the cap-paused subscriptions resume, not one paused for a lost channel', async () => {
    const guild = await guildWith(5);
    await applyTierChange(test.db, guild, 'free', SETTINGS);
    await test
      .db('subscriptions')
      .where({ guild_id: guild.guildId, target_id: 1 })
      .update({ paused_at: new Date(), pause_reason: 'Discord 403 Missing Access' });

    const result = await applyTierChange(test.db, guild, 'premium', SETTINGS);
    const again = await applyTierChange(test.db, guild, 'premium', SETTINGS);

    expect(result).toEqual({ paused: 0, resumed: 2 });
    expect(again).toEqual({ paused: 0, resumed: 0 });
    expect(await activeTeams(guild.guildId)).toEqual([2, 3, 4, 5]);
    const lost = (await rows(guild.guildId))[0];
    expect(lost?.pause_reason).toBe('Discord 403 Missing Access');
  });

  it('when the guild filled slots while free, then going premium resumes only up to the premium cap, oldest first', async () => {
    const guild = await guildWith(6);
    await applyTierChange(test.db, guild, 'free', SETTINGS);
    await test.db('subscriptions').insert(
      [7, 8, 9, 10, 11, 12].map((target_id) => ({
        platform: 'discord',
        guild_id: guild.guildId,
        channel_id: `${guild.guildId}-more`,
        target_kind: 'team',
        target_id,
        created_by: 'admin',
        created_at: new Date(START + target_id * HOUR),
      })),
    );

    const result = await applyTierChange(test.db, guild, 'premium', SETTINGS);

    // 3 kept + 6 added while free = 9 active; the premium cap of 10 leaves room for the oldest paused one.
    expect(result).toEqual({ paused: 0, resumed: 1 });
    expect(await activeTeams(guild.guildId)).toEqual([1, 2, 3, 4, 7, 8, 9, 10, 11, 12]);
    const stillPaused = (await rows(guild.guildId)).filter((row) => row.paused_at !== null);
    expect(stillPaused.every((row) => row.pause_reason?.startsWith(OVER_FREE_CAP_REASON_PREFIX))).toBe(true);
  });

  it('when the free cap changed between downgrade and upgrade, then the older pauses still resume', async () => {
    const guild = await guildWith(4);
    await applyTierChange(test.db, guild, 'free', { ...SETTINGS, freeSubscriptionsPerGuild: 1 });

    const result = await applyTierChange(test.db, guild, 'premium', SETTINGS);

    expect(result).toEqual({ paused: 0, resumed: 3 });
    expect(await activeTeams(guild.guildId)).toEqual([1, 2, 3, 4]);
  });

  it('when a Slack workspace goes free, then the reason says workspace', async () => {
    await test.db('subscriptions').insert(
      [1, 2].map((target_id) => ({
        platform: 'slack',
        guild_id: 'T0001',
        channel_id: 'C0001',
        target_kind: 'league',
        target_id,
        created_by: 'U0001',
      })),
    );

    await applyTierChange(test.db, { platform: 'slack', guildId: 'T0001' }, 'free', {
      ...SETTINGS,
      freeSubscriptionsPerGuild: 1,
    });

    const reasons = await test.db('subscriptions').where({ guild_id: 'T0001' }).pluck('pause_reason');
    expect(reasons).toContain(
      "Premium ended: this workspace is over the free tier's 1 alerts. /dota premium renews it; /dota unsubscribe frees a slot.",
    );
  });

  it('when the guild lock is held, then both a tier change and /dota subscribe wait for it', async () => {
    const guild = await guildWith(4);
    const holder = await test.db.transaction();
    try {
      await holder.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [
        `subscriptions:${guild.platform}:${guild.guildId}`,
      ]);
      const change = applyTierChange(test.db, guild, 'free', SETTINGS);
      const subscribe = subscribeWithinCap(
        test.db,
        {
          platform: guild.platform,
          guild_id: guild.guildId,
          channel_id: `${guild.guildId}-alerts`,
          target_kind: 'team',
          target_id: 99,
          created_by: 'admin',
        },
        SETTINGS.premiumSubscriptionsPerGuild,
      );
      // Neither gets past the held lock: had either used another key, it would have finished instead of waiting.
      await waitForAdvisoryWaiters(2);
      await holder.commit();

      const [changed, subscribed] = await Promise.all([change, subscribe]);
      const active = (await activeTeams(guild.guildId)).length;
      // One after the other, in either order: the change paused 1 of 4 then a 4th came, or 2 of 5 after it.
      expect(subscribed.outcome).toBe('created');
      expect([
        [1, 4],
        [2, 3],
      ]).toContainEqual([changed.paused, active]);
    } finally {
      if (!holder.isCompleted()) await holder.rollback();
    }
  });
});

/** Polls pg_locks until `count` sessions wait on an advisory lock: both callers reached the lock, none passed it. */
async function waitForAdvisoryWaiters(count: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const result = await test.db.raw<{ rows: { waiting: string }[] }>(
      `SELECT count(*) AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    if (Number(result.rows[0]?.waiting) >= count) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`fewer than ${count} sessions ever waited on the advisory lock`);
}
