// Match and player endpoints over the match pool: sequence pages, derived history rows, player summaries.
import { BadRequest, countParam, json, uintParam, type Reply } from './http-replies.js';
import type { PoolMatch, ReplayData } from './data.js';

/** steamid64 = account_id + this; Valve accepts either form for `account_id`. */
const STEAMID64_BASE = 76561197960265728n;
const ANONYMOUS_ACCOUNT_ID = 4294967295;
const MAX_PAGE = 100;
const MAX_STEAMIDS = 100;

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

export function sequencePage(data: ReplayData, params: URLSearchParams): Reply {
  const start = uintParam(params, 'start_at_match_seq_num') ?? 0n;
  const limit = countParam(params, 'matches_requested', MAX_PAGE, MAX_PAGE);
  const page: string[] = [];
  for (const m of data.matches) {
    if (page.length >= limit) break;
    if (BigInt(m.match_seq_num) >= start) page.push(m.raw);
  }
  return json(`{"result":{"status":1,"matches":[${page.join(',')}]}}`);
}

/** Rows for an account and/or league, newest first from start_at_match_id down, derived from the pool. */
export function historyPage(
  data: ReplayData,
  params: URLSearchParams,
  privateAccounts: ReadonlySet<number>,
): Reply {
  const account = uintParam(params, 'account_id');
  const league = uintParam(params, 'league_id');
  const startAt = uintParam(params, 'start_at_match_id');
  const limit = countParam(params, 'matches_requested', MAX_PAGE, MAX_PAGE);
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

export function summariesPage(data: ReplayData, params: URLSearchParams): Reply {
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
