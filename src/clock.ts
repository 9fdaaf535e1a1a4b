// Time as a dependency: handlers and rate limiters take a clock so tests and the demo can set it.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock whose "now" is shifted to `at` (the demo replays 2019 matches as if they were fresh). */
export function shiftedClock(at: number, base: Clock = systemClock): Clock {
  const offset = at - base.now();
  return { now: () => base.now() + offset, sleep: (ms) => base.sleep(ms) };
}
