// discord.js REST pointed at the configured API (Discord, or a stand-in), paced under the global limit; errors classified.
import { DefaultRestOptions, REST, type RESTOptions } from 'discord.js';
import { AppError } from '../../errors.js';

/** Discord's global limit for a bot token: 50 requests in a second, counted where the requests arrive. */
export const DISCORD_GLOBAL_PER_SECOND = 50;

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
}

/** A request the pacer let go; `done` once its answer (or failure) is in. */
export interface PacerTicket {
  done(): void;
}

export interface RequestPacer {
  /** Resolves when this request may go out; rejects with an AbortError if `signal` aborts first. */
  take(signal?: AbortSignal | null): Promise<PacerTicket>;
}

/**
 * At most `limit` requests in any `windowMs` as the server counts them, on arrival, whatever the latency.
 * Request k waits until request k − limit has been answered plus the window: that answer came after its
 * arrival, so no window the server opens at an arrival can hold k and the `limit` before it. Waiting on the
 * answer rather than the send costs one round trip per `limit` requests (~1 % on loopback). Requests go one
 * every `windowMs / limit` rather than as a burst; the grid tolerates a few intervals of timer lateness,
 * so after a pause a handful go at once (a small alert batch is not slowed), never more than the log allows.
 */
export function createRequestPacer(
  limit: number,
  windowMs: number,
  now: () => number = () => performance.now(),
): RequestPacer {
  const interval = windowMs / limit;
  const waiters: { release: (ticket: PacerTicket) => void }[] = [];
  /** The last `limit` requests let go, oldest first; only answered ones ever leave it. */
  const recent: { answeredAt: number | undefined }[] = [];
  let nextAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;

  function pump(): void {
    timer = undefined;
    while (waiters.length > 0) {
      const oldest = recent.length >= limit ? recent[recent.length - limit] : undefined;
      if (oldest && oldest.answeredAt === undefined) return; // its `done` pumps again
      const t = now();
      const at = Math.max(
        nextAt,
        oldest?.answeredAt === undefined ? -Infinity : oldest.answeredAt + windowMs,
      );
      if (t < at) {
        timer = setTimeout(pump, Math.max(1, at - t));
        return;
      }
      nextAt = Math.max(nextAt, t - CATCH_UP_INTERVALS * interval) + interval;
      const entry: { answeredAt: number | undefined } = { answeredAt: undefined };
      recent.push(entry);
      if (recent.length > limit) recent.shift();
      waiters.shift()?.release({
        done() {
          if (entry.answeredAt !== undefined) return;
          entry.answeredAt = now();
          if (timer === undefined) pump();
        },
      });
    }
  }

  return {
    take(signal) {
      if (signal?.aborted) return Promise.reject(abortError());
      return new Promise<PacerTicket>((resolve, reject) => {
        const waiter = {
          release: (ticket: PacerTicket) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(ticket);
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
 * stand-in: 141 429s for 1,000 alerts). So our pacer spaces requests evenly and anchors its window on answers,
 * and discord.js's own window is switched off; discord.js still honours a global 429 (`X-RateLimit-Global` +
 * `Retry-After`) and every per-route bucket from the `X-RateLimit-*` headers.
 */
export function createDiscordRest(apiBaseUrl: string, token: string, options: DiscordRestOptions = {}): REST {
  const pacer = createRequestPacer(options.globalPerSecond ?? DISCORD_GLOBAL_PER_SECOND, 1000);
  const makeRequest: RESTOptions['makeRequest'] = async (url, init) => {
    const ticket = countsAgainstGlobal(url) ? await pacer.take(init.signal) : undefined;
    // The network timeout starts once the request may go: a wait in the pacer is not a slow Discord.
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await DefaultRestOptions.makeRequest(url, { ...init, signal });
    } finally {
      ticket?.done();
    }
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
  const codeText = typeof rawCode === 'number' || typeof rawCode === 'string' ? ` (code ${rawCode})` : '';
  const message = error instanceof Error ? error.message : String(error);
  const permanent = status !== undefined && status >= 400 && status < 500 && status !== 429;
  return new AppError(
    'discord_request_failed',
    `${what}: Discord answered ${status ?? 'no response'}${codeText}: ${message}`,
    {
      kind: permanent ? 'permanent' : 'transient',
      cause: error,
      ...(permanent && status !== undefined ? { userMessage: refusalSentence(status, code, message) } : {}),
    },
  );
}
