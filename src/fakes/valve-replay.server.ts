// Valve-shaped loopback server replaying the shipped real captures (json_files/steam) for the offline demo and tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { defaultDataDir, loadReplayData, type PoolMatch, type ReplayData } from './valve-replay/data.js';
import { listen } from '../http/listen.js';

export { defaultDataDir } from './valve-replay/data.js';

/** A running replay server. */
export interface ValveReplay {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string;
  /** Every request answered, in order: path, query without `key`, HTTP status. */
  requests: { path: string; query: Record<string, string>; status: number }[];
  close(): Promise<void>;
  /** Makes `GetMatchHistory?account_id=…` for this 32-bit account answer status 15 (private profile). */
  setPrivate(accountId: number): void;
  /**
   * Queues a one-shot canned response for the next request to that endpoint (e.g.
   * `/IDOTA2Match_570/GetMatchHistoryBySequenceNum/v1/`; the version segment is ignored). Faults for the same
   * endpoint are served in the order queued, after key and rate-limit checks.
   */
  failNext(path: string, response: { status: number; body: string; headers?: Record<string, string> }): void;
}

export interface ValveReplayOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Folder with the shipped captures; default the project's json_files/steam. */
  dataDir?: string;
  /** Answer 403 without a non-empty `key` parameter; default true. */
  requireKey?: boolean;
  /** Requests allowed per key in any rolling second before 429; default unlimited. */
  ratePerSecond?: number;
  /** 32-bit account ids whose history is private (status 15). */
  privateAccounts?: number[];
  /** Clock for the rate-limit window, in milliseconds; default Date.now. */
  now?: () => number;
}

/** steamid64 = account_id + this; Valve accepts either form for `account_id`. */
const STEAMID64_BASE = 76561197960265728n;
const ANONYMOUS_ACCOUNT_ID = 4294967295;
const MAX_PAGE = 100;
const MAX_STEAMIDS = 100;
const JSON_TYPE = 'application/json; charset=UTF-8';
const HTML_TYPE = 'text/html; charset=UTF-8';

const FORBIDDEN_HTML =
  '<html><head><title>Forbidden</title></head><body><h1>Forbidden</h1>Access is denied. Retrying will not help. Please verify your <pre>key=</pre> parameter.</body></html>';

function htmlPage(title: string, detail = ''): string {
  return `<html><head><title>${title}</title></head><body><h1>${title}</h1>${detail}</body></html>`;
}

type Endpoint = 'sequence' | 'history' | 'heroes' | 'summaries';

const ENDPOINTS: Record<string, { endpoint: Endpoint; version: number }> = {
  'IDOTA2Match_570/GetMatchHistoryBySequenceNum': { endpoint: 'sequence', version: 1 },
  'IDOTA2Match_570/GetMatchHistory': { endpoint: 'history', version: 1 },
  'IEconDOTA2_570/GetHeroes': { endpoint: 'heroes', version: 1 },
  'ISteamUser/GetPlayerSummaries': { endpoint: 'summaries', version: 2 },
};

/** `/Interface/Method/vN/` → endpoint, or undefined (404). Version accepted as v1, V001, v0001 … */
function routeOf(pathname: string, checkVersion: boolean): Endpoint | undefined {
  const parts = pathname.split('/').filter((s) => s.length > 0);
  if (parts.length < 2 || parts.length > 3) return undefined;
  const spec = ENDPOINTS[`${parts[0]}/${parts[1]}`];
  if (!spec) return undefined;
  if (!checkVersion) return spec.endpoint;
  const version = /^v0*([1-9]\d*)$/i.exec(parts[2] ?? '');
  return version && Number(version[1]) === spec.version ? spec.endpoint : undefined;
}

class BadRequest extends Error {}

/** An unsigned decimal parameter, undefined when absent; anything else is Valve's 400. */
function uintParam(params: URLSearchParams, name: string): bigint | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (!/^\d{1,20}$/.test(value)) throw new BadRequest(`Parameter '${name}' is not a valid unsigned integer`);
  return BigInt(value);
}

function pageSize(params: URLSearchParams): number {
  const requested = uintParam(params, 'matches_requested');
  return requested === undefined || requested === 0n
    ? MAX_PAGE
    : Number(requested < MAX_PAGE ? requested : MAX_PAGE);
}

/** 32-bit account id from a 32-bit id or a steamid64. */
function accountIdOf(value: bigint): number {
  const id = value >= STEAMID64_BASE ? value - STEAMID64_BASE : value;
  return id > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(id);
}

function historyRow(m: PoolMatch) {
  return {
    match_id: m.match_id,
    match_seq_num: m.match_seq_num,
    start_time: m.start_time,
    lobby_type: m.lobby_type,
    radiant_team_id: m.radiant_team_id,
    dire_team_id: m.dire_team_id,
    players: m.players.map((p) => ({
      account_id: p.account_id,
      player_slot: p.player_slot,
      hero_id: p.hero_id,
    })),
  };
}

interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

const json = (body: string): Reply => ({ status: 200, body, headers: { 'Content-Type': JSON_TYPE } });
const html = (status: number, body: string): Reply => ({
  status,
  body,
  headers: { 'Content-Type': HTML_TYPE },
});

function sequencePage(data: ReplayData, params: URLSearchParams): Reply {
  const start = uintParam(params, 'start_at_match_seq_num') ?? 0n;
  const limit = pageSize(params);
  const page: string[] = [];
  for (const m of data.matches) {
    if (page.length >= limit) break;
    if (BigInt(m.match_seq_num) >= start) page.push(m.raw);
  }
  return json(`{"result":{"status":1,"matches":[${page.join(',')}]}}`);
}

function historyPage(data: ReplayData, params: URLSearchParams, privateAccounts: ReadonlySet<number>): Reply {
  const account = uintParam(params, 'account_id');
  const league = uintParam(params, 'league_id');
  const startAt = uintParam(params, 'start_at_match_id');
  const limit = pageSize(params);
  const accountId = account === undefined ? undefined : accountIdOf(account);
  if (accountId !== undefined && (accountId === ANONYMOUS_ACCOUNT_ID || privateAccounts.has(accountId))) {
    return json(data.privateHistoryBody);
  }
  if (accountId === undefined && league === undefined && startAt === undefined) return json(data.historyBody);

  const candidates = data.matches
    .filter(
      (m) =>
        (accountId === undefined || m.players.some((p) => p.account_id === accountId)) &&
        (league === undefined || BigInt(m.leagueid) === league),
    )
    .sort((a, b) => b.match_id - a.match_id);
  const eligible =
    startAt === undefined ? candidates : candidates.filter((m) => BigInt(m.match_id) <= startAt);
  const page = eligible.slice(0, limit);
  return json(
    JSON.stringify({
      result: {
        status: 1,
        num_results: page.length,
        total_results: candidates.length,
        results_remaining: eligible.length - page.length,
        matches: page.map(historyRow),
      },
    }),
  );
}

function summariesPage(data: ReplayData, params: URLSearchParams): Reply {
  const raw = params.get('steamids');
  if (raw === null) throw new BadRequest("Required parameter 'steamids' is missing");
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (ids.length > MAX_STEAMIDS)
    throw new BadRequest(`Too many steamids (${ids.length}); at most ${MAX_STEAMIDS}`);
  if (ids.some((id) => !/^\d{1,20}$/.test(id))) throw new BadRequest("Parameter 'steamids' is malformed");
  const players = [...new Set(ids)].flatMap((id) => {
    const player = data.summaries.get(id);
    return player === undefined ? [] : [player];
  });
  return json(`{"response":{"players":[${players.join(',')}]}}`);
}

/** Starts the replay server on 127.0.0.1 once the shipped captures are loaded. */
export async function startValveReplay(options: ValveReplayOptions = {}): Promise<ValveReplay> {
  const data = await loadReplayData(options.dataDir ?? defaultDataDir());
  const requireKey = options.requireKey ?? true;
  const rate = options.ratePerSecond ?? Infinity;
  const now = options.now ?? Date.now;
  const privateAccounts = new Set(options.privateAccounts ?? []);
  const faults = new Map<Endpoint, Reply[]>();
  const recentByKey = new Map<string, number[]>();
  const requests: ValveReplay['requests'] = [];

  const answer = (req: IncomingMessage): { path: string; query: Record<string, string>; reply: Reply } => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) if (name !== 'key') query[name] = value;
    const done = (reply: Reply) => ({ path: url.pathname, query, reply });

    const endpoint = routeOf(url.pathname, true);
    if (!endpoint) return done(html(404, htmlPage('Not Found')));
    if (req.method !== 'GET') return done(html(405, htmlPage('Method Not Allowed')));
    const key = url.searchParams.get('key') ?? '';
    if (requireKey && key === '') return done(html(403, FORBIDDEN_HTML));

    if (Number.isFinite(rate)) {
      const t = now();
      const recent = (recentByKey.get(key) ?? []).filter((at) => t - at < 1000);
      recentByKey.set(key, recent);
      // Valve's 429 carries no JSON envelope: clients must read the status and Retry-After.
      if (recent.length >= rate) return done({ status: 429, body: '', headers: { 'Retry-After': '1' } });
      recent.push(t);
    }

    const fault = faults.get(endpoint)?.shift();
    if (fault) return done(fault);

    try {
      switch (endpoint) {
        case 'sequence':
          return done(sequencePage(data, url.searchParams));
        case 'history':
          return done(historyPage(data, url.searchParams, privateAccounts));
        case 'heroes':
          return done(json(data.heroesBody));
        case 'summaries':
          return done(summariesPage(data, url.searchParams));
      }
    } catch (error) {
      if (error instanceof BadRequest) return done(html(400, htmlPage('Bad Request', error.message)));
      throw error;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    let result: ReturnType<typeof answer>;
    try {
      result = answer(req);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      result = {
        path: req.url ?? '/',
        query: {},
        reply: html(500, htmlPage('Internal Server Error', detail)),
      };
    }
    const { reply } = result;
    requests.push({ path: result.path, query: result.query, status: reply.status });
    res.writeHead(reply.status, { 'Content-Length': Buffer.byteLength(reply.body), ...reply.headers });
    res.end(reply.body);
  };

  const server = createServer(handle);
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
      privateAccounts.add(accountId);
    },
    failNext: (path, response) => {
      const endpoint = routeOf(path.split('?')[0] ?? path, false);
      if (!endpoint) throw new Error(`valve-replay: failNext for unknown endpoint path ${path}`);
      const queue = faults.get(endpoint) ?? [];
      queue.push({ status: response.status, body: response.body, headers: response.headers ?? {} });
      faults.set(endpoint, queue);
    },
  };
}
