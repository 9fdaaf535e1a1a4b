// Per-key rate limit for `ratePerSecondPerKey`: GCRA (a one-token bucket) with a jitter tolerance.

/**
 * Share of the interval a request may arrive early. Why: a client that paces at exactly the configured rate
 * still sees timer and event-loop jitter of a few milliseconds, and must never be refused for it.
 */
const TOLERANCE = 0.05;

/**
 * Why capacity 1 rather than a rolling count: a rolling "N in any second" window refuses a client whose
 * request lands 1 ms early, and lets a burst of N through at once. With one token refilled every
 * 1000/rate ms, a client sending exactly one request per interval always passes, while one sending faster
 * is refused from its first early request on. Refused requests take no token.
 */
export class KeyPacer {
  private readonly interval: number;
  /** key → theoretical arrival time of its next request (ms). */
  private readonly due = new Map<string, number>();

  constructor(ratePerSecond: number) {
    this.interval = 1000 / ratePerSecond;
  }

  /** 0 when the request passes (and takes the token), else the milliseconds until it would pass. */
  take(key: string, now: number): number {
    const due = this.due.get(key) ?? now;
    const earliest = due - this.interval * TOLERANCE;
    if (now < earliest) return earliest - now;
    this.due.set(key, Math.max(now, due) + this.interval);
    return 0;
  }
}
