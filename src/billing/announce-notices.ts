// Tells a guild in its own alert channels when a payment failed or premium ended: each new notice posted once.
import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Notifier } from '../notify/notifier.js';
import type { Db } from '../store/db.js';

/** A guild with alerts in many channels hears it in the few it has used longest, not in every one. */
const MAX_CHANNELS = 3;

interface Claimed {
  platform: string;
  guild_id: string;
  notice: string;
}

/**
 * Claims every notice not yet announced (marking it announced first: at most once, never twice after a crash) on
 * the platforms this process posts to, and posts it to the guild's oldest alert channels. A refused post is
 * logged and not retried: the notice stays visible in /dota premium and /dota status.
 */
export async function announceNotices(db: Db, notifier: Notifier, log: Logger): Promise<number> {
  if (notifier.platforms.length === 0) return 0;
  const claimed = await db('premium_accounts')
    .whereNotNull('notice')
    .whereIn('platform', notifier.platforms)
    .whereRaw('notice IS DISTINCT FROM notice_announced')
    .update({ notice_announced: db.ref('notice') })
    .returning<Claimed[]>(['platform', 'guild_id', 'notice']);
  let posted = 0;
  for (const { platform, guild_id: guildId, notice } of claimed) {
    const channels = await db('subscriptions')
      .where({ platform, guild_id: guildId })
      .groupBy('channel_id')
      .orderByRaw('min(created_at)')
      .limit(MAX_CHANNELS)
      .pluck<string[]>('channel_id');
    for (const channelId of channels) {
      const nonce = createHash('sha256').update(`${guildId}:${channelId}:${notice}`).digest('base64url');
      try {
        await notifier.post(
          platform,
          { channelId, guildId, nonce: nonce.slice(0, 25) },
          { title: 'DataDrivenDota premium', text: notice },
        );
        posted += 1;
      } catch (error) {
        log.warn({ err: error, platform, guildId, channelId }, 'billing notice not posted');
      }
    }
  }
  return posted;
}
