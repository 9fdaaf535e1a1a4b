// The key pool contract (pacing per Steam key and bucket) and its in-process implementation for single processes.
import type { Clock } from '../../clock.js';

/**
 * Pacing buckets. Every call takes a `general` slot (Valve's ≈1 request/s/key is overall); a
 * GetMatchHistoryBySequenceNum call also takes a `sequence` slot, which Valve tolerates only ≈1 per 5 s per key.
 */
export type SteamBucket = 'general' | 'sequence';

/** Valve's (OpenDota's) figure for the sequence endpoint. */
export const DEFAULT_SEQUENCE_SECONDS_PER_CALL = 5;

export interface KeyPool {
  /** Reserves a slot on the soonest-free key for that bucket and resolves with the key when the slot arrives. */
  acquire(bucket?: SteamBucket): Promise<string>;
  /** A 429 on this key: nobody uses it until `seconds` have passed. */
  penalize(key: string, seconds: number): Promise<void>;
}

export interface KeyPoolOptions {
  /** Seconds between two sequence calls on one key; default 5. */
  sequenceSecondsPerCall?: number;
}

interface KeyState {
  key: string;
  /** Earliest time (ms) of this key's next call of any kind. */
  generalAt: number;
  /** Earliest time (ms) of this key's next sequence call. */
  sequenceAt: number;
  /** No call before this time (ms): a 429's Retry-After. */
  penalizedUntil: number;
}

function readyAt(state: KeyState, bucket: SteamBucket): number {
  const general = Math.max(state.generalAt, state.penalizedUntil);
  return bucket === 'sequence' ? Math.max(general, state.sequenceAt) : general;
}

/**
 * Pacing for one process only: two processes each using one would together double the rate. Workers use
 * `createSharedKeyPool`; this one serves tests, the CLI and hosts that need no key (dota2.com).
 */
export function createKeyPool(
  keys: readonly string[],
  requestsPerSecond: number,
  clock: Clock,
  options: KeyPoolOptions = {},
): KeyPool {
  if (keys.length === 0) throw new Error('The Steam key pool needs at least one key (STEAM_API_KEYS).');
  const generalMs = 1000 / requestsPerSecond;
  const sequenceMs = (options.sequenceSecondsPerCall ?? DEFAULT_SEQUENCE_SECONDS_PER_CALL) * 1000;
  const states: KeyState[] = keys.map((key) => ({
    key,
    generalAt: -Infinity,
    sequenceAt: -Infinity,
    penalizedUntil: -Infinity,
  }));
  return {
    async acquire(bucket = 'general') {
      for (;;) {
        const state = states.reduce((best, candidate) =>
          readyAt(candidate, bucket) < readyAt(best, bucket) ? candidate : best,
        );
        const now = clock.now();
        const slot = Math.max(now, state.generalAt, state.penalizedUntil);
        // A sequence slot further off than the general one is not reserved yet: holding a general slot until
        // then would stall every other call on the key. Wait for it, then compete again.
        if (bucket === 'sequence' && state.sequenceAt > slot) {
          await clock.sleep(state.sequenceAt - now);
          continue;
        }
        state.generalAt = slot + generalMs;
        if (bucket === 'sequence') state.sequenceAt = slot + sequenceMs;
        if (slot > now) await clock.sleep(slot - now);
        return state.key;
      }
    },
    penalize(key, seconds) {
      const state = states.find((candidate) => candidate.key === key);
      if (state) state.penalizedUntil = Math.max(state.penalizedUntil, clock.now() + seconds * 1000);
      return Promise.resolve();
    },
  };
}
