// What a tier change does to a guild's alerts: going free pauses those over the free cap, going premium resumes them.
import type { CommandSettings } from '../bots/core/command-context.js';
import { placeWord } from '../bots/core/platform-words.js';
import type { Db } from '../store/db.js';
import type { GuildKey } from '../store/subscriptions.repo.js';
import { entitlementsFor, type Tier } from './entitlements.js';

/** Both directions go oldest first: the oldest keep delivering on a downgrade and come back first on renewal. */
const OLDEST_FIRST = [
  { column: 'created_at', order: 'asc' as const },
  { column: 'id', order: 'asc' as const },
];

/** Every over-cap pause reason starts with this; resuming matches it, so a changed cap still finds older pauses. */
export const OVER_FREE_CAP_REASON_PREFIX = 'Premium ended:';

/** The pause reason a subscription gets when premium ends and the guild is over the free cap. */
export function overFreeCapReason(freeCap: number, platform: string): string {
  const place = placeWord(platform === 'slack' ? 'slack' : 'discord');
  return `${OVER_FREE_CAP_REASON_PREFIX} this ${place} is over the free tier's ${freeCap} alerts. /dota premium renews it; /dota unsubscribe frees a slot.`;
}

/**
 * Applies `tier`'s subscription cap to the guild. Going free pauses the active subscriptions beyond the free cap,
 * newest first, so the oldest keep delivering; nothing is deleted. Going premium resumes, oldest first, exactly
 * those paused for the cap, up to the premium cap. Running it again changes nothing more.
 */
export async function applyTierChange(
  db: Db,
  guild: GuildKey,
  tier: Tier,
  settings: CommandSettings,
): Promise<{ paused: number; resumed: number }> {
  const cap = entitlementsFor(tier, settings).subscriptionCap;
  return db.transaction(async (trx) => {
    // The key subscribeWithinCap locks: a /dota subscribe racing this change counts after it, never beside it.
    await trx.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [
      `subscriptions:${guild.platform}:${guild.guildId}`,
    ]);
    const ofGuild = () => trx('subscriptions').where({ platform: guild.platform, guild_id: guild.guildId });
    if (tier === 'free') {
      const overCap = await ofGuild()
        .whereNull('paused_at')
        .orderBy(OLDEST_FIRST)
        .offset(cap)
        .pluck<number[]>('id');
      if (overCap.length === 0) return { paused: 0, resumed: 0 };
      const paused = await trx('subscriptions')
        .whereIn('id', overCap)
        .update({ paused_at: trx.fn.now(), pause_reason: overFreeCapReason(cap, guild.platform) });
      return { paused, resumed: 0 };
    }
    const activeRows = await ofGuild().whereNull('paused_at').count<{ count: string }[]>({ count: '*' });
    const room = cap - Number(activeRows[0]?.count ?? 0);
    if (room <= 0) return { paused: 0, resumed: 0 };
    const toResume = await ofGuild()
      .whereNotNull('paused_at')
      .whereLike('pause_reason', `${OVER_FREE_CAP_REASON_PREFIX}%`)
      .orderBy(OLDEST_FIRST)
      .limit(room)
      .pluck<number[]>('id');
    if (toResume.length === 0) return { paused: 0, resumed: 0 };
    const resumed = await trx('subscriptions')
      .whereIn('id', toResume)
      .update({ paused_at: null, pause_reason: null });
    return { paused: 0, resumed };
  });
}
