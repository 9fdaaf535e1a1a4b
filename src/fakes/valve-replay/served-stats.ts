// Counts of what the replay server answered, per endpoint and outcome, for fault tests and benchmarks to print.
import type { EndpointName } from './routes.js';

/** One endpoint's answers by outcome. */
export interface EndpointStats {
  /** Real data, HTTP 2xx. */
  ok: number;
  /** 429 from `ratePerSecond` or `ratePerSecondPerKey`. */
  rateLimited: number;
  /** HTTP 5xx, injected or (GetMatchDetails) natural. */
  serverError: number;
  /** 200 with an HTML page body. */
  html: number;
  /** 200 with half of the real body. */
  truncated: number;
  /** 200 with `{}`, injected or (GetMatchDetails) natural. */
  empty: number;
  /** A canned `failNext` response. */
  queued: number;
  /** 400, 403 or 405. */
  clientError: number;
}

export type Outcome = keyof EndpointStats;

export class ServedStats {
  private readonly byEndpoint = new Map<EndpointName, EndpointStats>();

  count(endpoint: EndpointName, outcome: Outcome): void {
    let stats = this.byEndpoint.get(endpoint);
    if (!stats) {
      stats = {
        ok: 0,
        rateLimited: 0,
        serverError: 0,
        html: 0,
        truncated: 0,
        empty: 0,
        queued: 0,
        clientError: 0,
      };
      this.byEndpoint.set(endpoint, stats);
    }
    stats[outcome]++;
  }

  /** A copy, with only the endpoints that were asked at least once. */
  snapshot(): Partial<Record<EndpointName, EndpointStats>> {
    const out: Partial<Record<EndpointName, EndpointStats>> = {};
    for (const [endpoint, stats] of this.byEndpoint) out[endpoint] = { ...stats };
    return out;
  }
}

/** The outcome of a real (not injected) answer, read off the answer itself. */
export function naturalOutcome(status: number, body: string): Outcome {
  if (status >= 500) return 'serverError';
  if (status >= 400) return 'clientError';
  return body === '{}' ? 'empty' : 'ok';
}
