// discord.js REST pointed at the configured API (Discord, or a stand-in), paced under the global limit; errors classified.
import { DefaultRestOptions, REST, type RESTOptions } from 'discord.js';
import { AppError } from '../../errors.js';

/** Discord's global limit for a bot token: 50 requests in a second, counted where the requests arrive. */
export const DISCORD_GLOBAL_PER_SECOND = 50;

/**
 * Any 51 consecutive requests we send span at least 1 s plus this: a window Discord opens at an arrival then
 * holds at most 50 even when arrivals jitter by up to this much against their sends. It costs 3 % of the pace.
 */
export const DEFAULT_GLOBAL_MARGIN_MS = 30;

/** One HTTP exchange with Discord, from the moment the pacer lets it go (discord.js's default is 15 s). */
const REQUEST_TIMEOUT_MS = 15_000;
/** Pacer wait plus the exchange; callers bound their own waits (the alert sender gives up after 60 s). */
const QUEUED_REQUEST_TIMEOUT_MS = 5 * 60_000;

/** How far behind its even grid a busy event loop may fall and still catch up (a few requests back to back). */
const CATCH_UP_INTERVALS = 5;

export interface DiscordRestOptions {
  /**
   * Requests per second this process may send on routes that count against the global limit; default 50.
   * Processes sharing one bot token (several notifiers, ShardingManager children) share Discord's 50: give each
   * its part.
   */
  globalPerSecond?: number;
  /** See `DEFAULT_GLOBAL_MARGIN_MS`. */
  globalMarginMs?: number;
}

export interface RequestPacer {
  /** Resolves when this request may go out; rejects with an AbortError if `signal` aborts first. */
  take(signal?: AbortSignal | null): Promise<void>;
}

/**
 * Lets at most `limit` requests go in any `windowMs`, spread evenly (one every `windowMs / limit`) rather than
 * as a burst. The hard rule is a log of the last `limit` release times: request k waits for request k − limit
 * plus the window. The even grid tolerates a few intervals of timer lateness without losing pace, and the log
 * keeps the catch-up after a stalled event loop from ever exceeding the limit.
 */
export function createRequestPacer(
  limit: number,
  windowMs: number,
  now: () => number = () => performance.now(),
): RequestPacer {
  const interval = windowMs / limit;
  const waiters: { release: () => void }[] = [];
  const released: number[] = [];
  let nextAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;

  function pump(): void {
    timer = undefined;
    while (waiters.length > 0) {
      const t = now();
      const oldest = released.length >= limit ? (released[released.length - limit] ?? -Infinity) : -Infinity;
      const at = Math.max(nextAt, oldest + windowMs);
      if (t < at) {
        timer = setTimeout(pump, Math.max(1, at - t));
        return;
      }
      nextAt = Math.max(nextAt, t - CATCH_UP_INTERVALS * interval) + interval;
      released.push(t);
      if (released.length > limit) released.shift();
      waiters.shift()?.release();
    }
  }

  return {
    take(signal) {
      if (signal?.aborted) return Promise.reject(abortError());
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          release: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(abortError());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
        if (timer === undefined) pump();
      });
    },
  };
}

function abortError(): Error {
  const error = new Error('The request was aborted while waiting for the global rate limit');
  error.name = 'AbortError';
  return error;
}

/** Interaction callbacks and their webhooks are not bound by the global limit: never make them queue behind alerts. */
function countsAgainstGlobal(url: string): boolean {
  const path = new URL(url).pathname;
  return !/\/(interactions|webhooks)\//.test(path);
}

/**
 * discord.js starts its global window (50 per 1 s + a 50 ms offset) when it sends, and sends the 50 as a burst;
 * Discord counts on arrival. When latency varies — 50 multipart uploads at once are enough — a burst straddles
 * Discord's window and earns a global 429 with `Retry-After: 1`, a whole second lost (measured against the
 * stand-in: 141 429s for 1,000 alerts). So our pacer spaces every request evenly, and discord.js's own window is
 * switched off; discord.js still honours a global 429 (`X-RateLimit-Global` + `Retry-After`) and every
 * per-route bucket from the `X-RateLimit-*` headers.
 */
export function createDiscordRest(apiBaseUrl: string, token: string, options: DiscordRestOptions = {}): REST {
  const pacer = createRequestPacer(
    options.globalPerSecond ?? DISCORD_GLOBAL_PER_SECOND,
    1000 + (options.globalMarginMs ?? DEFAULT_GLOBAL_MARGIN_MS),
  );
  const makeRequest: RESTOptions['makeRequest'] = async (url, init) => {
    if (countsAgainstGlobal(url)) await pacer.take(init.signal);
    // The network timeout starts once the request may go: a wait in the pacer is not a slow Discord.
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return DefaultRestOptions.makeRequest(url, { ...init, signal });
  };
  return new REST({
    api: apiBaseUrl,
    version: '10',
    globalRequestsPerSecond: Number.POSITIVE_INFINITY,
    // discord.js's timeout would also count the wait in the pacer: ours (above) replaces it.
    timeout: QUEUED_REQUEST_TIMEOUT_MS,
    makeRequest,
  }).setToken(token);
}

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null && name in error
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

/** Short sentences for the refusals a channel post meets; they become the pause reason `/dota status` shows. */
function refusalSentence(status: number, code: number | undefined, message: string): string {
  if (status === 403 && code === 50013)
    return 'Discord: Missing Permissions (403) — the bot may not send messages or attach files in this channel';
  if (status === 403)
    return `Discord: ${message || 'Missing Access'} (403) — the bot lost permission to post in this channel`;
  if (status === 404)
    return `Discord: ${message || 'Unknown Channel'} (404) — the channel was deleted or the bot can no longer see it`;
  return `Discord: ${message || 'request refused'} (${status}) — Discord refused the alert for this channel`;
}

/**
 * discord.js throws its own DiscordAPIError/HTTPError from a CommonJS copy (so instanceof fails): read status.
 * 403 (missing access) and 404 (unknown channel) will not heal by retrying; 5xx and network errors may.
 * A permanent error's `userMessage` is a short sentence fit for `/dota status`.
 */
export function classifyDiscordError(error: unknown, what: string): AppError {
  const rawStatus = field(error, 'status');
  const status = rawStatus === undefined ? undefined : Number(rawStatus);
  const rawCode = field(error, 'code');
  const code = typeof rawCode === 'number' ? rawCode : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const permanent = status !== undefined && status >= 400 && status < 500 && status !== 429;
  return new AppError(
    'discord_request_failed',
    `${what}: Discord answered ${status ?? 'no response'}${rawCode !== undefined ? ` (code ${String(rawCode)})` : ''}: ${message}`,
    {
      kind: permanent ? 'permanent' : 'transient',
      cause: error,
      ...(permanent && status !== undefined ? { userMessage: refusalSentence(status, code, message) } : {}),
    },
  );
}
