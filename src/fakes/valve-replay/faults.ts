// Fault injection per endpoint: the configuration, its validation, and the one random draw that picks a fault.
import { html, htmlPage, json, type Reply } from './http-replies.js';

/** Faults for one endpoint. Ratios are probabilities per request and must add up to at most 1. */
export interface EndpointFaults {
  /** 429 with Retry-After for a key sending faster than this (see KeyPacer for the exact rule). */
  ratePerSecondPerKey?: number;
  /** 0..1: HTTP 500 or 503 with an HTML body (Valve's overloaded or restarting backend). */
  serverErrorRatio?: number;
  /** 0..1: 200 OK whose body is an HTML page (Valve's CDN does this under load). */
  htmlErrorRatio?: number;
  /** 0..1: the real body cut in half (a dropped connection mid-body), status 200. */
  truncatedRatio?: number;
  /** 0..1: 200 with `{}`, as GetMatchDetails has answered since 7.36. */
  emptyObjectRatio?: number;
  /** Milliseconds added before every answer of this endpoint, faulted or not. */
  latencyMs?: number;
}

export type Fault = { kind: 'serverError'; status: 500 | 503 } | { kind: 'html' | 'truncated' | 'empty' };

const RATIOS = ['serverErrorRatio', 'htmlErrorRatio', 'truncatedRatio', 'emptyObjectRatio'] as const;

/** Throws on a configuration that cannot mean anything, so a typo fails the test that made it. */
export function checkFaults(endpoint: string, faults: EndpointFaults): void {
  const fail = (why: string) => {
    throw new Error(`valve-replay: faults for ${endpoint}: ${why}`);
  };
  let total = 0;
  for (const name of RATIOS) {
    const ratio = faults[name] ?? 0;
    if (!(ratio >= 0 && ratio <= 1)) fail(`${name} must be within 0..1, got ${ratio}`);
    total += ratio;
  }
  if (total > 1 + 1e-9) fail(`ratios add up to ${total}, more than 1`);
  const rate = faults.ratePerSecondPerKey;
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) fail(`ratePerSecondPerKey must be > 0`);
  const latency = faults.latencyMs ?? 0;
  if (!(latency >= 0 && Number.isFinite(latency))) fail(`latencyMs must be >= 0`);
}

/**
 * One draw r in [0, 1) against consecutive bands: server error, HTML, truncated, empty, else no fault. The
 * server-error band's lower half is 500 and upper half 503, so a scripted `random` picks either status
 * without a second draw. No draw at all when every ratio is 0, so scripted sequences stay aligned.
 */
export function pickFault(faults: EndpointFaults, random: () => number): Fault | undefined {
  const bands = RATIOS.map((name) => faults[name] ?? 0);
  if (bands.every((ratio) => ratio === 0)) return undefined;
  const r = random();
  const [serverError = 0, htmlError = 0, truncated = 0, empty = 0] = bands;
  let edge = serverError;
  if (r < edge) return { kind: 'serverError', status: r < serverError / 2 ? 500 : 503 };
  if (r < (edge += htmlError)) return { kind: 'html' };
  if (r < (edge += truncated)) return { kind: 'truncated' };
  if (r < (edge += empty)) return { kind: 'empty' };
  return undefined;
}

/** Written by the server after Valve's observed behaviour; not a captured page. */
const OVERLOADED_HTML = htmlPage(
  'Service Unavailable',
  'The server is temporarily unable to service your request. Please try again later.',
);

/** The faulted answer; `real` is computed only for truncation, which needs the real body to cut. */
export function faultReply(fault: Fault, real: () => Reply): Reply {
  switch (fault.kind) {
    case 'serverError':
      return html(
        fault.status,
        htmlPage(fault.status === 500 ? 'Internal Server Error' : 'Service Unavailable'),
      );
    case 'html':
      return html(200, OVERLOADED_HTML);
    case 'empty':
      return json('{}');
    case 'truncated': {
      const reply = real();
      // Only a real 200 body can be cut; an error answer (e.g. 400) is served as it is.
      return reply.status === 200
        ? { ...reply, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) }
        : reply;
    }
  }
}
