// Discord stand-in: fixed-window rate-limit buckets and the X-RateLimit-* headers discord.js schedules from.

import { createHash } from 'node:crypto';

export interface BucketState {
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the window resets. */
  resetAt: number;
}

export interface TakeResult extends BucketState {
  allowed: boolean;
}

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number) {}

  /** Consumes one request from `key`'s window, opening a new window when the last one has expired. */
  take(key: string, limit: number, windowMs: number): TakeResult {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    if (window.count >= limit) return { allowed: false, limit, remaining: 0, resetAt: window.resetAt };
    window.count += 1;
    return { allowed: true, limit, remaining: limit - window.count, resetAt: window.resetAt };
  }

  /** The state of `key` without consuming (for responses that Discord does not count, like 401). */
  peek(key: string, limit: number, windowMs: number): BucketState {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || now >= window.resetAt) return { limit, remaining: limit, resetAt: now + windowMs };
    return { limit, remaining: Math.max(0, limit - window.count), resetAt: window.resetAt };
  }
}

/** Discord answers one opaque hash per route template; the major parameter (channel, webhook) splits buckets. */
export function bucketHash(method: string, template: string): string {
  return createHash('sha1').update(`${method} ${template}`).digest('hex').slice(0, 16);
}

function seconds(ms: number): string {
  // Rounded up to the millisecond: rounding down would let a client come back a hair early and earn a 429.
  return (Math.ceil(Math.max(0, ms)) / 1000).toFixed(3);
}

export function rateLimitHeaders(state: BucketState, hash: string, now: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': seconds(state.resetAt),
    'X-RateLimit-Reset-After': seconds(state.resetAt - now),
    'X-RateLimit-Bucket': hash,
  };
}

/** The body's `retry_after` is fractional seconds; Discord's `Retry-After` header is whole seconds, rounded up. */
export function retryAfter(state: BucketState, now: number): { body: number; header: string } {
  const body = Number(seconds(state.resetAt - now));
  return { body, header: String(Math.max(1, Math.ceil(body))) };
}
