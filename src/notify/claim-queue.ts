// Feeds claimed deliveries to a bounded set of concurrent senders, claiming more only as the local queue runs dry.
import type { DeliveryRow } from './deliveries.repo.js';

export interface ClaimQueue {
  /** The next delivery to send, or undefined once a claim comes back empty and the queue is drained. */
  next(): Promise<DeliveryRow | undefined>;
  /** Called when a delivery from `next` is finished, so its channel may be served again. */
  done(delivery: DeliveryRow): void;
  /** Claimed rows `next` never handed out (it stops handing out once `stop` is aborted). */
  unstarted(): DeliveryRow[];
}

const destination = (delivery: DeliveryRow): string => `${delivery.platform}:${delivery.channel_id}`;

/**
 * Claims `batch` rows at a time (one claim in flight), so rows never sit claimed for long while others wait.
 * A channel already being sent to is passed over while another is waiting: its Discord bucket (5 messages per
 * 5 s) would hold a sender idle that could serve a different channel meanwhile.
 */
export function createClaimQueue(
  claim: (limit: number) => Promise<DeliveryRow[]>,
  batch: number,
  onClaimed: (rows: readonly DeliveryRow[]) => void,
  stop?: AbortSignal,
): ClaimQueue {
  const queued: DeliveryRow[] = [];
  const busy = new Map<string, number>();
  let exhausted = false;
  let claiming: Promise<void> | undefined;

  function refill(): Promise<void> {
    claiming ??= claim(batch)
      .then((rows) => {
        if (rows.length === 0) exhausted = true;
        queued.push(...rows);
        onClaimed(rows);
      })
      .finally(() => {
        claiming = undefined;
      });
    return claiming;
  }

  function take(): DeliveryRow | undefined {
    const free = queued.findIndex((delivery) => !busy.has(destination(delivery)));
    const [delivery] = queued.splice(free >= 0 ? free : 0, 1);
    if (delivery) busy.set(destination(delivery), (busy.get(destination(delivery)) ?? 0) + 1);
    return delivery;
  }

  return {
    async next() {
      while (queued.length === 0 && !exhausted && !stop?.aborted) await refill();
      return stop?.aborted ? undefined : take();
    },
    done(delivery) {
      const key = destination(delivery);
      const count = (busy.get(key) ?? 1) - 1;
      if (count > 0) busy.set(key, count);
      else busy.delete(key);
    },
    unstarted: () => queued.splice(0),
  };
}
