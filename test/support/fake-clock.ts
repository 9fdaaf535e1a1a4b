// A clock for tests whose sleep resolves at once and moves its own time forward: waits cost no real time.
import type { Clock } from '../../src/clock.js';

export interface FakeClock extends Clock {
  /** Every sleep asked for, in order (ms). */
  sleeps: number[];
}

export const FAKE_CLOCK_START = 1_700_000_000_000;

export function fakeClock(start = FAKE_CLOCK_START): FakeClock {
  let time = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: (ms) => {
      sleeps.push(ms);
      time += ms;
      return Promise.resolve();
    },
  };
}
