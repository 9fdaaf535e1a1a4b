// Loopback Slack (Web API, uploads, OAuth v2, response_url) for tests and the demo, enforcing Slack's protocol.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody, sendJson } from './standin-http.js';
import { listen } from '../http/listen.js';
import type { MethodResult, MethodSpec, StandinCore } from './slack-standin/core.js';
import { OAuthFlow } from './slack-standin/oauth.js';
import { PostLog, type SlackPost } from './slack-standin/posts.js';
import {
  InjectedFailures,
  RateLimited,
  TierLimiter,
  type FailNextOptions,
  type Refusal,
  type Tier,
} from './slack-standin/rate-limits.js';
import { ResponseUrls, type ResponseUrlContext } from './slack-standin/response-urls.js';
import { UploadFlow } from './slack-standin/uploads.js';
import { webApiMethods } from './slack-standin/web-api.js';
import { SlackApiError, bearerToken, mediaType, parseArgs, sendText } from './slack-standin/wire.js';
import {
  SlackWorld,
  slackId,
  type StandinChannel,
  type StandinWorkspace,
  type TeamState,
  type WorkspaceSpec,
} from './slack-standin/workspaces.js';

export type { SlackPost, SlackPostFile } from './slack-standin/posts.js';
export type {
  StandinChannel,
  StandinUser,
  StandinWorkspace,
  WorkspaceSpec,
} from './slack-standin/workspaces.js';
export type { ResponseUrlContext } from './slack-standin/response-urls.js';
export type { FailNextOptions } from './slack-standin/rate-limits.js';

/** One Web API call as the stand-in answered it (refusals and 429s included). */
export interface SlackApiCall {
  method: string;
  /** The workspace whose token made the call, once the token was recognised. */
  team?: string;
  ok: boolean;
  error?: string;
  at: number;
}

export interface SlackStandinOptions {
  /** Defaults to random 32 hex characters, like a real signing secret. */
  signingSecret?: string;
  clientId?: string;
  clientSecret?: string;
  appId?: string;
  /**
   * The Redirect URL configured for the app: authorize visits without redirect_uri go there, and a redirect_uri
   * that does not start with it is refused, as Slack does. Unset: any redirect_uri is accepted.
   */
  redirectUrl?: string;
  /** Clock (epoch ms) for rate limits, message ts, code and response_url expiry; defaults to Date.now. */
  now?: () => number;
  /**
   * chat.postMessage per-channel bucket (default 5 deep, 1 per second) and the per-method tiers; `false` switches
   * automatic limits off (failNext still works), e.g. for a demo that posts in bursts.
   */
  rateLimits?: false | { postBurst?: number; postPerSecond?: number };
  /**
   * Default false: like any app not approved for the Slack Marketplace since 2025, conversations.history is Tier 1
   * (one call a minute per workspace) and returns at most 15 messages a page.
   */
  marketplaceApproved?: boolean;
}

export interface SlackStandin {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  /** `${baseUrl}/api/`: WebClient's `slackApiUrl` (with the trailing slash). */
  apiUrl: string;
  /** `${baseUrl}/oauth/v2/authorize`: InstallProvider's `authorizationUrl`. */
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
  signingSecret: string;
  appId: string;
  /** Adds an installed workspace (unless `installed: false`): its bot token works at once. */
  addWorkspace(spec: WorkspaceSpec): StandinWorkspace;
  addChannel(teamId: string, channel: StandinChannel): void;
  setBotMembership(teamId: string, channelId: string, member: boolean): void;
  /**
   * A person writes `text` in the channel: it shows in conversations.history like Slack's own messages.
   * `secondsFromNow` dates it later (chatter after an alert) without the test waiting for it.
   */
  postAsUser(teamId: string, channelId: string, userId: string, text: string, secondsFromNow?: number): void;
  /** Later calls naming the channel get `channel_not_found`. */
  deleteChannel(teamId: string, channelId: string): void;
  /** Later calls with the token get `token_revoked`; a reinstall (OAuth) issues a new one. */
  revokeToken(token: string): void;
  /** The team that approves the next /oauth/v2/authorize visit, and the installing user (default: its installer). */
  approveNextInstall(teamId: string, userId?: string): void;
  /** Sets the app's configured redirect URL (as in its settings), used when authorize gets no redirect_uri. */
  setRedirectUrl(url: string): void;
  /** A fresh response_url served by the stand-in; the context says where its messages appear. */
  responseUrl(context?: ResponseUrlContext): string;
  /**
   * The next `times` (default 1) calls of `method` fail with `error`: 'ratelimited' → HTTP 429 with Retry-After
   * (default 1 s) and `{ ok: false, error: 'ratelimited' }`; `status` 5xx → that status; else HTTP 200 `{ ok: false }`.
   */
  failNext(method: string, error: string, options?: FailNextOptions): void;
  /** Every message that became visible, in order. */
  posts: SlackPost[];
  /** Every Web API call, in order. */
  calls: SlackApiCall[];
  /** Resolves once `posts.length >= count`; rejects after `timeoutMs` (default 5000). */
  waitForPosts(count: number, timeoutMs?: number): Promise<SlackPost[]>;
  close(): Promise<void>;
}

/** Web API bodies are small; uploads may carry charts of a few MB. */
const MAX_API_BODY = 1024 * 1024;
const MAX_UPLOAD_BODY = 64 * 1024 * 1024;

function refusalResponse(response: ServerResponse, refusal: Refusal): void {
  const headers: Record<string, string> =
    refusal.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(refusal.retryAfterSeconds) };
  sendJson(response, refusal.status, { ok: false, error: refusal.error }, headers);
}

/** Starts the stand-in on 127.0.0.1 (a free port) and resolves once it listens. */
export async function startSlackStandin(options: SlackStandinOptions = {}): Promise<SlackStandin> {
  const now = options.now ?? (() => Date.now());
  let origin = '';
  const core: StandinCore = {
    world: new SlackWorld(now),
    log: new PostLog(),
    appId: options.appId ?? slackId('A'),
    clientId: options.clientId ?? `${randomBytes(6).readUIntBE(0, 6)}.${randomBytes(6).readUIntBE(0, 6)}`,
    clientSecret: options.clientSecret ?? randomBytes(16).toString('hex'),
    now,
    origin: () => origin,
  };
  const signingSecret = options.signingSecret ?? randomBytes(16).toString('hex');
  const limits = options.rateLimits === false ? undefined : (options.rateLimits ?? {});
  const uploads = new UploadFlow(core);
  const oauth = new OAuthFlow(core, options.redirectUrl);
  const responseUrls = new ResponseUrls(core);
  const failures = new InjectedFailures();
  const tiers = limits ? new TierLimiter(now) : undefined;
  const calls: SlackApiCall[] = [];
  const methods: Record<string, MethodSpec> = {
    ...webApiMethods(core, {
      postLimit: limits ? { burst: limits.postBurst ?? 5, perSecond: limits.postPerSecond ?? 1 } : undefined,
      marketplaceApproved: options.marketplaceApproved ?? false,
    }),
    ...uploads.methods(),
    ...oauth.methods(),
  };

  function recordCall(method: string, team: TeamState | undefined, error: string | undefined): void {
    calls.push({
      method,
      ...(team ? { team: team.workspace.teamId } : {}),
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
      at: now(),
    });
  }

  async function apiCall(method: string, url: URL, request: IncomingMessage, response: ServerResponse) {
    const raw = await readBody(request, MAX_API_BODY);
    if (raw === undefined) return sendText(response, 413, 'Request Entity Too Large');
    const spec = methods[method];
    if (!spec) {
      recordCall(method, undefined, 'unknown_method');
      return sendJson(response, 200, { ok: false, error: 'unknown_method', req_method: method });
    }
    let team: TeamState | undefined;
    try {
      const { args, formToken } = await parseArgs(request.headers, url.searchParams, raw, spec.json);
      let result: MethodResult;
      if (spec.auth === 'bot') {
        team = core.world.authenticate(bearerToken(request.headers) ?? formToken);
        const refusal = failures.take(method) ?? tierRefusal(`${team.workspace.teamId}:${method}`, spec.tier);
        if (refusal) {
          recordCall(method, team, refusal.error);
          return refusalResponse(response, refusal);
        }
        result = spec.handle({ args, headers: request.headers, team });
      } else {
        const refusal = failures.take(method);
        if (refusal) {
          recordCall(method, undefined, refusal.error);
          return refusalResponse(response, refusal);
        }
        result = spec.handle({ args, headers: request.headers });
      }
      recordCall(method, team, undefined);
      return sendJson(response, 200, { ok: true, ...result });
    } catch (error) {
      if (error instanceof RateLimited) {
        recordCall(method, team, 'ratelimited');
        return refusalResponse(response, {
          status: 429,
          error: 'ratelimited',
          retryAfterSeconds: error.retryAfterSeconds,
        });
      }
      if (!(error instanceof SlackApiError)) throw error;
      recordCall(method, team, error.error);
      return sendJson(response, 200, { ok: false, error: error.error, ...error.extra });
    }
  }

  function tierRefusal(key: string, tier: Tier | undefined): Refusal | undefined {
    if (!tiers || tier === undefined) return undefined;
    const taken = tiers.take(key, tier);
    return taken.allowed
      ? undefined
      : { status: 429, error: 'ratelimited', retryAfterSeconds: taken.retryAfterSeconds };
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const path = url.pathname;
    if (path.startsWith('/api/') && (request.method === 'POST' || request.method === 'GET')) {
      return apiCall(decodeURIComponent(path.slice('/api/'.length)), url, request, response);
    }
    if (path.startsWith('/upload/') && request.method === 'POST') {
      const raw = await readBody(request, MAX_UPLOAD_BODY);
      if (raw === undefined) return sendText(response, 413, 'Request Entity Too Large');
      const reply = await uploads.receive(path.slice('/upload/'.length), request.headers, raw);
      return sendText(response, reply.status, reply.text);
    }
    if (path === '/oauth/v2/authorize' && request.method === 'GET') {
      request.resume();
      const reply = oauth.authorize(url.searchParams);
      return sendText(response, reply.status, reply.text, reply.location ? { Location: reply.location } : {});
    }
    if (path.startsWith('/response/') && request.method === 'POST') {
      const raw = await readBody(request, MAX_API_BODY);
      if (raw === undefined) return sendText(response, 413, 'Request Entity Too Large');
      const reply = responseUrls.receive(path.slice('/response/'.length), mediaType(request.headers), raw);
      return typeof reply.body === 'string'
        ? sendText(response, reply.status, reply.body)
        : sendJson(response, reply.status, reply.body);
    }
    request.resume();
    return sendText(response, 404, 'Not Found');
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, `Slack stand-in failed: ${String(error)}`);
      else response.destroy();
    });
  });
  const port = await listen(server, 0, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;

  const channelOf = (teamId: string, channelId: string) => {
    const channel = core.world.team(teamId).channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId} in workspace ${teamId}`);
    return channel;
  };

  return {
    baseUrl: origin,
    apiUrl: `${origin}/api/`,
    authorizeUrl: `${origin}/oauth/v2/authorize`,
    clientId: core.clientId,
    clientSecret: core.clientSecret,
    signingSecret,
    appId: core.appId,
    addWorkspace: (spec) => core.world.addWorkspace(spec),
    addChannel: (teamId, channel) => core.world.addChannel(teamId, channel),
    setBotMembership: (teamId, channelId, member) => {
      channelOf(teamId, channelId).botIsMember = member;
    },
    postAsUser: (teamId, channelId, userId, text, secondsFromNow = 0) => {
      channelOf(teamId, channelId);
      const [seconds = '0', fraction = '0'] = core.world.nextTs(channelId).split('.');
      const ts = `${Number(seconds) + secondsFromNow}.${fraction}`;
      core.log.record({ via: 'user', teamId, channelId, ts, text, files: [], userId });
    },
    deleteChannel: (teamId, channelId) => {
      channelOf(teamId, channelId);
      core.world.team(teamId).channels.delete(channelId);
    },
    revokeToken: (token) => core.world.revokeToken(token),
    approveNextInstall: (teamId, userId) => oauth.approveNextInstall(teamId, userId),
    setRedirectUrl: (url) => {
      oauth.configuredRedirectUrl = url;
    },
    responseUrl: (context) => responseUrls.issue(context),
    failNext: (method, error, failOptions) => failures.add(method, error, failOptions),
    posts: core.log.posts,
    calls,
    waitForPosts: (count, timeoutMs = 5000) => core.log.waitFor(count, timeoutMs),
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
