// Sends pending deliveries: each match's recap is rendered once and posted to every destination exactly once.
import { buildMatchRecap } from '../bots/core/match-recap.js';
import { loadRecapData } from '../bots/core/recap-data.js';
import type { Reply } from '../bots/core/reply.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Renderer } from '../render/renderer.js';
import type { Db } from '../store/db.js';
import { findMatch, type StoredMatch } from '../store/matches.repo.js';
import { findSubscription, pauseSubscriptionsForChannel } from '../store/subscriptions.repo.js';
import { claimDeliveries, markFailed, markRetry, markSent, type DeliveryRow } from './deliveries.repo.js';
import { alertReply } from './match-alert.js';

/** Posts to one platform. Throws AppError kind 'permanent' when the destination can never accept it. */
export interface ChatSender {
  platform: string;
  /** `nonce` is unique per delivery, so the platform can drop a repeat of a send whose answer we never saw. */
  send(channelId: string, reply: Reply, nonce: string): Promise<{ messageId: string }>;
}

export interface DeliveryTotals {
  sent: number;
  failed: number;
  retried: number;
}

export interface Notifier {
  /** Sends every claimable delivery; retried ones wait for a later pass. */
  deliverPending(): Promise<DeliveryTotals>;
}

const BATCH = 25;
const MAX_ATTEMPTS = 5;

interface Recap {
  stored: StoredMatch;
  reply: Reply;
}

export function createNotifier(deps: {
  db: Db;
  render: Renderer;
  senders: readonly ChatSender[];
  log: Logger;
}): Notifier {
  const { db, log } = deps;
  const senders = new Map(deps.senders.map((sender) => [sender.platform, sender]));

  async function loadRecap(matchId: number): Promise<Recap> {
    const stored = await findMatch(db, matchId);
    if (!stored) throw new Error(`match ${matchId} is not stored`);
    return { stored, reply: await buildMatchRecap(deps.render, stored, await loadRecapData(db, stored)) };
  }

  async function deliverOne(
    delivery: DeliveryRow,
    recaps: Map<number, Promise<Recap>>,
  ): Promise<keyof DeliveryTotals> {
    try {
      const sender = senders.get(delivery.platform);
      if (!sender) throw new Error(`no ${delivery.platform} sender in this process`);
      // One render per match per pass, however many channels receive it.
      let recap = recaps.get(delivery.match_id);
      if (!recap) recaps.set(delivery.match_id, (recap = loadRecap(delivery.match_id)));
      const { stored, reply } = await recap;
      const subscription = delivery.subscription_id
        ? await findSubscription(db, delivery.subscription_id)
        : undefined;
      const { messageId } = await sender.send(
        delivery.channel_id,
        alertReply(reply, stored, subscription),
        `ddd-${delivery.id}`,
      );
      await markSent(db, delivery.id, messageId);
      return 'sent';
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isAppError(error) && error.kind === 'permanent') {
        await markFailed(db, delivery.id, reason);
        await pauseSubscriptionsForChannel(db, delivery.platform, delivery.channel_id, reason);
        log.warn(
          { delivery: delivery.id, channel: delivery.channel_id, reason },
          'destination refused: subscriptions paused',
        );
        return 'failed';
      }
      await markRetry(db, delivery.id, reason, MAX_ATTEMPTS);
      log.warn(
        { delivery: delivery.id, err: error, attempts: delivery.attempts },
        'delivery will be retried',
      );
      return 'retried';
    }
  }

  return {
    async deliverPending() {
      const totals: DeliveryTotals = { sent: 0, failed: 0, retried: 0 };
      const recaps = new Map<number, Promise<Recap>>();
      for (
        let batch = await claimDeliveries(db, BATCH);
        batch.length > 0;
        batch = await claimDeliveries(db, BATCH)
      ) {
        for (const delivery of batch) totals[await deliverOne(delivery, recaps)] += 1;
      }
      return totals;
    },
  };
}
