// Valve-shaped loopback server replaying the shipped real captures (json_files/steam), with fault injection.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { defaultDataDir, loadReplayData, type ReplayData } from './valve-replay/data.js';
import { checkFaults, faultReply, pickFault, type EndpointFaults } from './valve-replay/faults.js';
import { BadRequest, FORBIDDEN_HTML, html, htmlPage, json, type Reply } from './valve-replay/http-replies.js';
import { KeyPacer } from './valve-replay/key-pacer.js';
import { historyPage, sequencePage, summariesPage } from './valve-replay/pages.js';
import { isEndpointName, routeOf, type EndpointName } from './valve-replay/routes.js';
import {
  naturalOutcome,
  ServedStats,
  type EndpointStats,
  type Outcome,
} from './valve-replay/served-stats.js';
import { teamsPage } from './valve-replay/teams.js';
import { resolveVanity } from './valve-replay/vanity.js';
import { listen } from '../http/listen.js';

export { defaultDataDir } from './valve-replay/data.js';
export type { EndpointFaults } from './valve-replay/faults.js';
export type { EndpointName } from './valve-replay/routes.js';
export type { EndpointStats } from './valve-replay/served-stats.js';

/** A running replay server. */
export interface ValveReplay {
  /**
   * `http://127.0.0.1:<port>`, no trailing slash. Serves both api.steampowered.com paths and the
   * www.dota2.com league list (`/webapi/IDOTA2League/GetLeagueInfoList/v001`).
   */
  baseUrl: string;
  /** Every request answered, in order: path, query without `key`, HTTP status. */
  requests: { path: string; query: Record<string, string>; status: number }[];
  close(): Promise<void>;
  /** Makes `GetMatchHistory?account_id=…` for this 32-bit account answer status 15 (private profile). */
  setPrivate(accountId: number): void;
  /**
   * Queues a one-shot canned response for the next request to that endpoint (e.g.
   * `/IDOTA2Match_570/GetMatchHistoryBySequenceNum/v1/`; the version segment is ignored). Faults for the same
   * endpoint are served in the order queued, after key and rate-limit checks, before random faults.
   */
  failNext(path: string, response: { status: number; body: string; headers?: Record<string, string> }): void;
  /** Replaces that endpoint's faults from the next request on; `{}` clears them. Throws on invalid values. */
  setFaults(endpoint: EndpointName, faults: EndpointFaults): void;
  /** Answers so far, per endpoint asked at least once and per outcome. */
  stats(): Partial<Record<EndpointName, EndpointStats>>;
}

export interface ValveReplayOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Folder with the shipped captures; default the project's json_files/steam. */
  dataDir?: string;
  /** Answer 403 without a non-empty `key` parameter; default true. */
  requireKey?: boolean;
  /** Requests allowed per key in any rolling second, across Steam endpoints, before 429; default unlimited. */
  ratePerSecond?: number;
  /** 32-bit account ids whose history is private (status 15). */
  privateAccounts?: number[];
  /** Clock for both rate limits, in milliseconds; default Date.now. */
  now?: () => number;
  /** Faults per endpoint from the first request on (see `setFaults`). */
  faults?: Partial<Record<EndpointName, EndpointFaults>>;
  /** Source of the fault draws, in [0, 1); default Math.random. Script it for deterministic tests. */
  random?: () => number;
  /** How `latencyMs` waits; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Extra ResolveVanityURL names (name → steamid64), on top of those derived from the shipped summaries. */
  vanityNames?: Record<string, string>;
  /** What GetMatchDetails answers since 7.36: `{}` with 200 (default) or a 500 HTML page. */
  matchDetails?: 'empty' | 'serverError';
}

/** The real answer of an endpoint, before any injected fault. */
function realReply(
  endpoint: EndpointName,
  data: ReplayData,
  params: URLSearchParams,
  ctx: {
    privateAccounts: ReadonlySet<number>;
    vanityNames: ReadonlyMap<string, string>;
    matchDetails: string;
  },
): Reply {
  try {
    switch (endpoint) {
      case 'GetMatchHistoryBySequenceNum':
        return sequencePage(data, params);
      case 'GetMatchHistory':
        return historyPage(data, params, ctx.privateAccounts);
      case 'GetMatchDetails':
        // Broken since 7.36 whatever the match id; our client must never depend on it.
        return ctx.matchDetails === 'empty' ? json('{}') : html(500, htmlPage('Internal Server Error'));
      case 'GetHeroes':
        return json(data.heroesBody);
      case 'GetPlayerSummaries':
        return summariesPage(data, params);
      case 'ResolveVanityURL':
        return resolveVanity(ctx.vanityNames, params);
      case 'GetTeamInfoByTeamID':
        return teamsPage(data.teams, params);
      case 'GetLeagueInfoList':
        return json(data.leagueInfoBody);
    }
  } catch (error) {
    if (error instanceof BadRequest) return html(400, htmlPage('Bad Request', error.message));
    throw error;
  }
}

function vanityMap(derived: ReadonlyMap<string, string>, extra: Record<string, string>): Map<string, string> {
  const names = new Map(derived);
  for (const [name, steamid] of Object.entries(extra)) {
    if (!/^\d{17}$/.test(steamid))
      throw new Error(`valve-replay: vanity name ${name} → ${steamid} is no steamid64`);
    names.set(name, steamid);
  }
  return names;
}

/** Starts the replay server on 127.0.0.1 once the shipped captures are loaded. */
export async function startValveReplay(options: ValveReplayOptions = {}): Promise<ValveReplay> {
  const data = await loadReplayData(options.dataDir ?? defaultDataDir());
  const requireKey = options.requireKey ?? true;
  const rate = options.ratePerSecond ?? Infinity;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const ctx = {
    privateAccounts: new Set(options.privateAccounts ?? []),
    vanityNames: vanityMap(data.vanityNames, options.vanityNames ?? {}),
    matchDetails: options.matchDetails ?? 'empty',
  };
  const queued = new Map<EndpointName, Reply[]>();
  const faults = new Map<EndpointName, EndpointFaults>();
  const pacers = new Map<EndpointName, KeyPacer>();
  const recentByKey = new Map<string, number[]>();
  const served = new ServedStats();
  const requests: ValveReplay['requests'] = [];

  const setFaults = (endpoint: EndpointName, endpointFaults: EndpointFaults) => {
    if (!isEndpointName(endpoint)) throw new Error(`valve-replay: no endpoint named ${String(endpoint)}`);
    checkFaults(endpoint, endpointFaults);
    faults.set(endpoint, { ...endpointFaults });
    const perKey = endpointFaults.ratePerSecondPerKey;
    if (perKey === undefined) pacers.delete(endpoint);
    else pacers.set(endpoint, new KeyPacer(perKey));
  };
  for (const [endpoint, endpointFaults] of Object.entries(options.faults ?? {})) {
    setFaults(endpoint as EndpointName, endpointFaults);
  }

  /** The answer and what to count it as; `endpoint` is undefined for unknown paths (404). */
  const decide = (
    req: IncomingMessage,
    url: URL,
  ): { endpoint?: EndpointName; reply: Reply; outcome?: Outcome } => {
    const route = routeOf(url.pathname, true);
    if (!route) return { reply: html(404, htmlPage('Not Found')) };
    const { endpoint } = route;
    const counted = (reply: Reply, outcome: Outcome) => ({ endpoint, reply, outcome });
    if (req.method !== 'GET') return counted(html(405, htmlPage('Method Not Allowed')), 'clientError');
    const key = url.searchParams.get('key') ?? '';
    if (route.keyed && requireKey && key === '') return counted(html(403, FORBIDDEN_HTML), 'clientError');

    if (route.keyed && Number.isFinite(rate)) {
      const t = now();
      const recent = (recentByKey.get(key) ?? []).filter((at) => t - at < 1000);
      recentByKey.set(key, recent);
      // Valve's 429 carries no JSON envelope: clients must read the status and Retry-After.
      if (recent.length >= rate)
        return counted({ status: 429, body: '', headers: { 'Retry-After': '1' } }, 'rateLimited');
      recent.push(t);
    }
    const waitMs = pacers.get(endpoint)?.take(key, now()) ?? 0;
    if (waitMs > 0) {
      const retryAfter = String(Math.max(1, Math.ceil(waitMs / 1000)));
      return counted({ status: 429, body: '', headers: { 'Retry-After': retryAfter } }, 'rateLimited');
    }

    const canned = queued.get(endpoint)?.shift();
    if (canned) return counted(canned, 'queued');
    const real = () => realReply(endpoint, data, url.searchParams, ctx);
    const fault = pickFault(faults.get(endpoint) ?? {}, random);
    if (fault) {
      const reply = faultReply(fault, real);
      // A truncation of an error answer serves the error itself, so count what was actually sent.
      const sentAsIs = fault.kind === 'truncated' && reply.status !== 200;
      return { endpoint, reply, outcome: sentAsIs ? naturalOutcome(reply.status, reply.body) : fault.kind };
    }
    const reply = real();
    return { endpoint, reply, outcome: naturalOutcome(reply.status, reply.body) };
  };

  const respond = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) if (name !== 'key') query[name] = value;
    let decided: ReturnType<typeof decide>;
    try {
      decided = decide(req, url);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      decided = { reply: html(500, htmlPage('Internal Server Error', detail)) };
    }
    const { endpoint, reply, outcome } = decided;
    const latency = endpoint === undefined ? 0 : (faults.get(endpoint)?.latencyMs ?? 0);
    if (latency > 0) await sleep(latency);
    if (endpoint !== undefined && outcome !== undefined) served.count(endpoint, outcome);
    requests.push({ path: url.pathname, query, status: reply.status });
    if (res.destroyed) return; // closed while waiting out the latency
    res.writeHead(reply.status, { 'Content-Length': Buffer.byteLength(reply.body), ...reply.headers });
    res.end(reply.body);
  };

  const server = createServer((req, res) => {
    void respond(req, res);
  });
  const port = await listen(server, options.port ?? 0, '127.0.0.1');

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    setPrivate: (accountId) => {
      ctx.privateAccounts.add(accountId);
    },
    failNext: (path, response) => {
      const route = routeOf(path.split('?')[0] ?? path, false);
      if (!route) throw new Error(`valve-replay: failNext for unknown endpoint path ${path}`);
      const queue = queued.get(route.endpoint) ?? [];
      queue.push({ status: response.status, body: response.body, headers: response.headers ?? {} });
      queued.set(route.endpoint, queue);
    },
    setFaults,
    stats: () => served.snapshot(),
  };
}
