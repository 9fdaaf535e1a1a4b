// Slack stand-in: Slack's rate limits (per-channel posting, per-method tiers) and injected failures.

/** A refusal to serve a call: 429 with Retry-After, a 5xx, or an API error, as `failNext` or a limit decides. */
export interface Refusal {
  status: number;
  error: string;
  /** Whole seconds for the Retry-After header (429 only). */
  retryAfterSeconds?: number;
}

/** Thrown inside a method handler when a limit applies once the method has resolved its arguments. */
export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('ratelimited');
  }
}

/**
 * chat.postMessage allows about one message per second per channel with short bursts: a token bucket per
 * (team, channel), `burst` deep, refilling `perSecond`.
 */
export class ChannelPostLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly now: () => number,
    private readonly burst: number,
    private readonly perSecond: number,
  ) {}

  /** Takes one token, or returns the whole seconds until one is available. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const waitSeconds = (1 - bucket.tokens) / this.perSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}

/**
 * Slack's per-method, per-workspace tiers, counted in one-minute windows: Tier 1 ≈ 1/min, Tier 2 ≈ 20/min,
 * Tier 3 ≈ 50/min, Tier 4 ≈ 100/min.
 */
export const TIER_PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;
export type Tier = keyof typeof TIER_PER_MINUTE;

export class TierLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number) {}

  take(key: string, tier: Tier): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      window = { count: 0, resetAt: now + 60_000 };
      this.windows.set(key, window);
    }
    if (window.count >= TIER_PER_MINUTE[tier]) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
    }
    window.count += 1;
    return { allowed: true };
  }
}

export interface FailNextOptions {
  retryAfterSeconds?: number;
  status?: number;
  times?: number;
}

/** Failures queued by `failNext`, served in order to the next calls of each method. */
export class InjectedFailures {
  private readonly queued = new Map<string, { refusal: Refusal; remaining: number }[]>();

  add(method: string, error: string, options: FailNextOptions = {}): void {
    const status = options.status ?? (error === 'ratelimited' ? 429 : 200);
    const refusal: Refusal = {
      status,
      error,
      ...(status === 429 ? { retryAfterSeconds: options.retryAfterSeconds ?? 1 } : {}),
    };
    const list = this.queued.get(method) ?? [];
    list.push({ refusal, remaining: options.times ?? 1 });
    this.queued.set(method, list);
  }

  take(method: string): Refusal | undefined {
    const list = this.queued.get(method);
    const head = list?.[0];
    if (!list || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) list.shift();
    return head.refusal;
  }
}
