// Sends pending deliveries: each match's recap is rendered once and posted to every destination exactly once.
import { buildMatchRecap } from '../bots/core/match-recap.js';
import { loadRecapData } from '../bots/core/recap-data.js';
import type { Reply } from '../bots/core/reply.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Renderer } from '../render/renderer.js';
import type { Db } from '../store/db.js';
import { findMatch } from '../store/matches.repo.js';
import { pauseSubscriptionsForChannel } from '../store/subscriptions.repo.js';
import { loadMatchAudience, type MatchAudience } from './alert-audience.repo.js';
import { createClaimQueue } from './claim-queue.js';
import {
  claimDeliveries,
  markFailed,
  markRateLimited,
  markRetry,
  markSent,
  releaseClaims,
  type DeliveryRow,
} from './deliveries.repo.js';
import { alertReply, type AlertMatch } from './match-alert.js';

/** Where one delivery goes, and what a sender needs to make a repeat of it harmless. */
export interface Destination {
  channelId: string;
  /** The Discord guild or Slack workspace (whose token Slack posts with); null on rows queued before 0008. */
  guildId: string | null;
  /** Unique per delivery, so the platform (or our own check) can drop a repeat of a send whose answer we never saw. */
  nonce: string;
  /**
   * When the last try that may have posted was claimed or gave up; null when none may have (the first try, or
   * every earlier one was refused outright or rate-limited before posting). Senders look for an earlier post
   * only when it is set.
   */
  previousAttemptAt?: Date | null;
}

/** Posts to one platform. */
export interface ChatSender {
  platform: string;
  /**
   * Throws an AppError of kind 'permanent' when the destination can never accept it (deleted channel, lost
   * permission): its `userMessage`, a short sentence, becomes the pause reason the guild sees in `/dota status`.
   */
  send(destination: Destination, reply: Reply): Promise<{ messageId: string }>;
}

export interface DeliveryTotals {
  sent: number;
  /** Refused for good: the delivery failed and the channel's subscriptions are paused. */
  failed: number;
  /** Transient failure: back to pending for a later pass, or failed once out of attempts. */
  retried: number;
  /** No active subscription in that channel covers the match any more (unsubscribed or paused since). */
  skipped: number;
}

export interface Notifier {
  /**
   * Sends every claimable delivery; retried ones wait for a later pass. Once `stop` is aborted it finishes the
   * sends already begun and hands the rest back as pending.
   */
  deliverPending(stop?: AbortSignal): Promise<DeliveryTotals>;
  /** The platforms this process can post to. */
  platforms: readonly string[];
  /** Posts one message that is not a match recap (a billing notice); throws what the sender throws. */
  post(platform: string, destination: Destination, reply: Reply): Promise<void>;
}

export interface NotifierDeps {
  db: Db;
  render: Renderer;
  senders: readonly ChatSender[];
  log: Logger;
  /**
   * Sends in flight at once. The platform's own limiter sets the pace (Discord: 50/s globally); this only has
   * to cover the round trip of each send and its ledger update: 16 × a ~100 ms round trip is well above 50/s.
   */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 16;
const MAX_ATTEMPTS = 5;
const NO_AUDIENCE = 'skipped: no active subscription in this channel covers the match any more';

interface Recap {
  alert: AlertMatch;
  reply: Reply;
}

/** Stored for a later await: without a handler attached now, an early rejection would be reported unhandled. */
function kept<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const { db, log } = deps;
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  const senders = new Map(deps.senders.map((sender) => [sender.platform, sender]));
  const platforms = [...senders.keys()];

  async function loadRecap(matchId: number): Promise<Recap> {
    const stored = await findMatch(db, matchId);
    if (!stored) throw new Error(`match ${matchId} is not stored`);
    const data = await loadRecapData(db, stored);
    const reply = await buildMatchRecap(deps.render, stored, data);
    return { alert: { stored, leagueName: data.leagueName }, reply };
  }

  async function deliverOne(
    delivery: DeliveryRow,
    recap: Promise<Recap>,
    audience: Promise<MatchAudience> | undefined,
  ): Promise<keyof DeliveryTotals> {
    try {
      const sender = senders.get(delivery.platform);
      if (!sender || !audience) throw new Error(`no ${delivery.platform} sender in this process`);
      const { alert, reply } = await recap;
      const targets = (await audience).get(delivery.channel_id) ?? [];
      if (targets.length === 0) {
        await markFailed(db, delivery.id, NO_AUDIENCE);
        return 'skipped';
      }
      const { messageId } = await sender.send(
        {
          channelId: delivery.channel_id,
          guildId: delivery.guild_id,
          nonce: `ddd-${delivery.id}`,
          previousAttemptAt: delivery.previous_claimed_at,
        },
        alertReply(reply, alert, targets),
      );
      await markSent(db, delivery.id, messageId);
      return 'sent';
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (isAppError(error) && error.kind === 'permanent') {
        await markFailed(db, delivery.id, detail);
        await pauseSubscriptionsForChannel(db, delivery.platform, delivery.channel_id, error.userMessage);
        log.warn(
          { delivery: delivery.id, channel: delivery.channel_id, reason: detail },
          'destination refused: subscriptions paused',
        );
        return 'failed';
      }
      if (isAppError(error) && error.kind === 'rate-limited') {
        await markRateLimited(db, delivery, detail, error.retryAfterSeconds ?? 1);
        log.info(
          { delivery: delivery.id, retryAfter: error.retryAfterSeconds },
          'delivery waits out a rate limit',
        );
        return 'retried';
      }
      await markRetry(db, delivery, detail, MAX_ATTEMPTS, isAppError(error) && error.unsent);
      log.warn(
        { delivery: delivery.id, err: error, attempts: delivery.attempts },
        'delivery will be retried',
      );
      return 'retried';
    }
  }

  return {
    platforms,
    async post(platform, destination, reply) {
      const sender = senders.get(platform);
      if (!sender) throw new Error(`this process has no ${platform} sender`);
      await sender.send(destination, reply);
    },
    async deliverPending(stop) {
      const totals: DeliveryTotals = { sent: 0, failed: 0, retried: 0, skipped: 0 };
      // One render per match per pass, however many channels receive it.
      const recaps = new Map<number, Promise<Recap>>();
      const recapOf = (matchId: number): Promise<Recap> => {
        let recap = recaps.get(matchId);
        if (!recap) recaps.set(matchId, (recap = kept(loadRecap(matchId))));
        return recap;
      };
      // Whom each alert names: one query per match × platform in each claimed batch.
      const audiences = new Map<number, Promise<MatchAudience>>();
      const onClaimed = (rows: readonly DeliveryRow[]) => {
        const groups = new Map<string, DeliveryRow[]>();
        for (const row of rows) {
          const key = `${row.match_id}:${row.platform}`;
          groups.set(key, [...(groups.get(key) ?? []), row]);
        }
        for (const group of groups.values()) {
          const [first] = group;
          if (!first) continue;
          const channels = group.map((row) => row.channel_id);
          const audience = kept(
            recapOf(first.match_id).then(({ alert }) =>
              loadMatchAudience(db, alert.stored, first.platform, channels),
            ),
          );
          for (const row of group) audiences.set(row.id, audience);
        }
      };
      const queue = createClaimQueue(
        (limit) => claimDeliveries(db, limit, platforms),
        concurrency,
        onClaimed,
        stop,
      );
      const worker = async () => {
        for (let delivery = await queue.next(); delivery; delivery = await queue.next()) {
          try {
            const outcome = await deliverOne(
              delivery,
              recapOf(delivery.match_id),
              audiences.get(delivery.id),
            );
            totals[outcome] += 1;
          } finally {
            audiences.delete(delivery.id);
            queue.done(delivery);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      // Shutting down: sends in flight finished above; what was claimed but not begun goes back untouched.
      await releaseClaims(db, queue.unstarted());
      return totals;
    },
  };
}
