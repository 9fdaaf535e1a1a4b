// Slack stand-in: what every Web API method handler gets, and the shape of a method's declaration.
import type { IncomingHttpHeaders } from 'node:http';
import type { PostLog } from './posts.js';
import type { Tier } from './rate-limits.js';
import type { SlackWorld, TeamState } from './workspaces.js';

export interface StandinCore {
  world: SlackWorld;
  log: PostLog;
  appId: string;
  clientId: string;
  clientSecret: string;
  now: () => number;
  /** `http://127.0.0.1:PORT`, known once the server listens. */
  origin: () => string;
}

export interface TeamCall {
  args: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  team: TeamState;
}

export interface PublicCall {
  args: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

/** Success bodies omit `ok`; the router adds `ok: true`. Refusals throw SlackApiError. */
export type MethodResult = Record<string, unknown>;

export type MethodSpec =
  | {
      auth: 'bot';
      /** The method documents `application/json` bodies; otherwise Slack reads only form fields and the query. */
      json: boolean;
      /** Per-workspace tier; undefined for Slack's special-rate methods. */
      tier?: Tier;
      handle: (call: TeamCall) => MethodResult;
    }
  | {
      auth: 'none';
      json: boolean;
      handle: (call: PublicCall) => MethodResult;
    };
