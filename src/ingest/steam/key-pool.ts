// Steam API keys with a token bucket each: requests wait for the key that frees up soonest.
import type { Clock } from '../../clock.js';

interface KeyState {
  key: string;
  /** Earliest time (ms) this key may send again. */
  nextAt: number;
}

export interface KeyPool {
  /** Reserves a slot on the soonest-free key and resolves with it when the slot arrives. */
  acquire(): Promise<string>;
  /** A 429 on this key: nobody uses it until `seconds` have passed. */
  penalize(key: string, seconds: number): void;
}

export function createKeyPool(keys: readonly string[], requestsPerSecond: number, clock: Clock): KeyPool {
  if (keys.length === 0) throw new Error('The Steam key pool needs at least one key (STEAM_API_KEYS).');
  const interval = 1000 / requestsPerSecond;
  const states: KeyState[] = keys.map((key) => ({ key, nextAt: 0 }));
  return {
    async acquire() {
      const state = states.reduce((best, candidate) => (candidate.nextAt < best.nextAt ? candidate : best));
      const now = clock.now();
      const slot = Math.max(now, state.nextAt);
      state.nextAt = slot + interval;
      if (slot > now) await clock.sleep(slot - now);
      return state.key;
    },
    penalize(key, seconds) {
      const state = states.find((candidate) => candidate.key === key);
      if (state) state.nextAt = Math.max(state.nextAt, clock.now() + seconds * 1000);
    },
  };
}
