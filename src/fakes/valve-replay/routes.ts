// Valve's URL paths → the endpoint (method) names the replay server answers, with their version numbers.

/** Endpoint keys for faults and stats: Valve's method names. */
export const ENDPOINT_NAMES = [
  'GetMatchHistoryBySequenceNum',
  'GetMatchHistory',
  'GetMatchDetails',
  'GetHeroes',
  'GetPlayerSummaries',
  'ResolveVanityURL',
  'GetTeamInfoByTeamID',
  'GetLeagueInfoList',
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

export interface Route {
  endpoint: EndpointName;
  version: number;
  /** False for www.dota2.com/webapi, which takes no Steam key and shares no Steam rate limit. */
  keyed: boolean;
}

const ROUTES = new Map<string, Route>([
  [
    'IDOTA2Match_570/GetMatchHistoryBySequenceNum',
    { endpoint: 'GetMatchHistoryBySequenceNum', version: 1, keyed: true },
  ],
  ['IDOTA2Match_570/GetMatchHistory', { endpoint: 'GetMatchHistory', version: 1, keyed: true }],
  ['IDOTA2Match_570/GetMatchDetails', { endpoint: 'GetMatchDetails', version: 1, keyed: true }],
  ['IDOTA2Match_570/GetTeamInfoByTeamID', { endpoint: 'GetTeamInfoByTeamID', version: 1, keyed: true }],
  ['IEconDOTA2_570/GetHeroes', { endpoint: 'GetHeroes', version: 1, keyed: true }],
  ['ISteamUser/GetPlayerSummaries', { endpoint: 'GetPlayerSummaries', version: 2, keyed: true }],
  ['ISteamUser/ResolveVanityURL', { endpoint: 'ResolveVanityURL', version: 1, keyed: true }],
  ['webapi/IDOTA2League/GetLeagueInfoList', { endpoint: 'GetLeagueInfoList', version: 1, keyed: false }],
]);

/** `/Interface/Method/vN/` → route, or undefined (404). Version accepted as v1, V001, v0001 … */
export function routeOf(pathname: string, checkVersion: boolean): Route | undefined {
  const parts = pathname.split('/').filter((s) => s.length > 0);
  const version = /^v0*([1-9]\d*)$/i.exec(parts.at(-1) ?? '');
  const route = ROUTES.get((version ? parts.slice(0, -1) : parts).join('/'));
  if (!route || !checkVersion) return route;
  return version && Number(version[1]) === route.version ? route : undefined;
}

export function isEndpointName(name: string): name is EndpointName {
  return (ENDPOINT_NAMES as readonly string[]).includes(name);
}
