// The Slack app: Bolt over our HTTP server (/slack/events, /slack/install, OAuth redirect), one or many workspaces.
import { App, HTTPReceiver, HTTPReceiverDeferredRequestError } from '@slack/bolt';
import { defaultCallbackFailure, ErrorCode as OAuthErrorCode, type CallbackOptions } from '@slack/oauth';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { readBody, type Route } from '../../http/server.js';
import type { Logger } from '../../log.js';
import type { AnyCommand } from '../core/command.js';
import type { CommandContext } from '../core/command-context.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackBots } from './slack-bots.js';
import { slackCommandHandler } from './slack-commands.js';
import { slackErrorCode } from './slack-errors.js';
import type { SlackInstallations } from './slack-installations.repo.js';

export const SLACK_EVENTS_PATH = '/slack/events';
export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_REDIRECT_PATH = '/slack/oauth_redirect';

/** What the bot asks for at install; slack-app-manifest.json lists the same (a test keeps them in step). */
export const SLACK_BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'files:write',
  'channels:join',
  'channels:history',
  'groups:history',
  'users:read',
];

/** Slash commands and the two lifecycle events are small; anything bigger is not Slack. */
const MAX_BODY_BYTES = 64 * 1024;

/** What oauth.v2.access says of a code that was spent, expired or issued for another redirect. */
const SPENT_CODE_ERRORS: ReadonlySet<string> = new Set([
  'invalid_code',
  'code_already_used',
  'bad_redirect_uri',
]);

/**
 * @slack/oauth answers 500 to every failed redirect but a missing or foreign state or code. An admin who pressed
 * Cancel (error=access_denied) and a redirect replayed after its code was spent are the visitor's doing, not a
 * fault of ours: they get a 400 that says so. Anything else (a wrong client secret, Slack down) stays a 500.
 */
const installFailure: NonNullable<CallbackOptions['failure']> = (error, options, request, response) => {
  const cancelled = error.code === String(OAuthErrorCode.AuthorizationError);
  if (!cancelled && !SPENT_CODE_ERRORS.has(slackErrorCode(error) ?? '')) {
    return defaultCallbackFailure(error, options, request, response);
  }
  const why = cancelled
    ? 'The installation was cancelled.'
    : 'This install link was already used or has expired.';
  response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
  response.end(
    `<html><body><h2>The app was not installed</h2><p>${why} Start again from Add to Slack.</p></body></html>`,
  );
};

export type SlackAuth =
  | { mode: 'single'; botToken: string }
  | {
      mode: 'multi';
      clientId: string;
      clientSecret: string;
      stateSecret: string;
      installations: SlackInstallations;
      /** The public redirect URL registered with Slack; its path must be /slack/oauth_redirect. */
      redirectUri?: string;
    };

export interface SlackAppOptions {
  signingSecret: string;
  /** Web API base, with its trailing slash (https://slack.com/api/ or a stand-in). */
  apiUrl: string;
  auth: SlackAuth;
  commands: readonly AnyCommand[];
  ctx: CommandContext;
  /** Whose token posts where (installedBots / openSingleTokenBots), shared with the notifier's sender. */
  bots: SlackBots;
  log: Logger;
  /** Retries of the command client; the notifier's client never retries (the ledger does). Default 2. */
  retries?: number;
}

export interface SlackApp {
  /** Mounted on the service's HTTP server. */
  routes: Route[];
}

/** The notifier's client: no token of its own (every call names its workspace's), no retries (the ledger
 * retries), and rate limits come back as errors so the sender can wait them out per workspace. */
export function createSenderClient(apiUrl: string, log: Logger): WebClient {
  return new WebClient(undefined, {
    slackApiUrl: apiUrl,
    logger: boltLogger(log),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // Well inside the send deadline, so no request outlives the ledger's stale-claim time (see slack-sender).
    timeout: 15_000,
  });
}

/** Where a user approves the install: beside the Web API on the same host (slack.com/oauth/v2/authorize). */
export function authorizeUrlFor(apiUrl: string): string {
  return new URL('../oauth/v2/authorize', apiUrl).toString();
}

export async function createSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const { auth, log } = options;
  const logger = boltLogger(log);
  const clientOptions: WebClientOptions = {
    slackApiUrl: options.apiUrl,
    logger,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
  };
  const multi = auth.mode === 'multi' ? auth : undefined;
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    logger,
    bodyLimit: MAX_BODY_BYTES,
    ...(multi && {
      clientId: multi.clientId,
      clientSecret: multi.clientSecret,
      stateSecret: multi.stateSecret,
      installationStore: multi.installations,
      scopes: SLACK_BOT_SCOPES,
      redirectUri: multi.redirectUri,
      installerOptions: {
        installPath: SLACK_INSTALL_PATH,
        redirectUriPath: SLACK_REDIRECT_PATH,
        // Straight to Slack's consent screen: there is nothing to read on an intermediate "Add to Slack" page.
        directInstall: true,
        authorizationUrl: authorizeUrlFor(options.apiUrl),
        clientOptions: { slackApiUrl: options.apiUrl, retryConfig: { retries: 0 } },
        callbackOptions: { failure: installFailure },
      },
    }),
  });

  const { bots } = options;
  let app: App;
  if (auth.mode === 'multi') {
    // The receiver's InstallProvider authorizes each request from our installation store.
    app = new App({ receiver, clientOptions, logger, deferInitialization: true });
  } else {
    const bot = await bots.botFor(null);
    app = new App({
      receiver,
      token: auth.botToken,
      botId: bot?.botId,
      botUserId: bot?.botUserId,
      clientOptions,
      logger,
      deferInitialization: true,
      // openSingleTokenBots ran auth.test already: Bolt would repeat it.
      tokenVerificationEnabled: false,
    });
  }
  await app.init();

  const dota = slackCommandHandler({ commands: options.commands, ctx: options.ctx, bots, log });
  // Bolt goes on after ack() with the HTTP answer already sent: the shutdown counts the rest as running.
  app.command('/dota', (args) => options.ctx.inFlight?.track(dota(args)) ?? dota(args));
  // Uninstalling or revoking the bot token ends the workspace's alerts: its installation and subscriptions go.
  const forget = async (teamId: string | undefined, why: string) => {
    if (!teamId) return;
    if (multi) {
      const removed = await multi.installations.remove(teamId);
      log.info({ team: teamId, ...removed, why }, 'slack workspace removed');
    } else if ((await bots.botFor(teamId)) !== undefined) {
      // Single-workspace mode keeps no installation to delete: the token's workspace pauses until it is fixed.
      await bots.pause(teamId);
      log.warn({ team: teamId, why }, 'the configured SLACK_BOT_TOKEN was revoked: alerts paused');
    }
  };
  app.event('app_uninstalled', async ({ body }) => forget(body.team_id, 'app_uninstalled'));
  app.event('tokens_revoked', async ({ body, event }) => {
    if ((event.tokens.bot ?? []).length > 0) await forget(body.team_id, 'tokens_revoked');
  });
  app.error((error) => {
    log.error({ err: error }, 'slack handler failed');
    return Promise.resolve();
  });

  // async: anything Bolt throws becomes a rejection our server answers with a 500, never an uncaught exception.
  const boltHandler: Route['handler'] = async (request, response) => {
    // The body is read here, not by Bolt: past its bodyLimit Bolt's reader stops but leaves the rest of the body on
    // the kept-alive connection, and the next request sent on it failed. readBody drops the rest and our server
    // answers 413; Bolt uses a `rawBody` already on the request as the bytes it would have read.
    if (request.method === 'POST')
      Object.assign(request, { rawBody: await readBody(request, MAX_BODY_BYTES) });
    try {
      receiver.requestListener(request, response);
    } catch (error) {
      // Bolt throws for a path/method it does not serve (e.g. GET /slack/events).
      if (!(error instanceof HTTPReceiverDeferredRequestError)) throw error;
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  };
  const paths = multi ? [SLACK_EVENTS_PATH, SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH] : [SLACK_EVENTS_PATH];
  return {
    routes: paths.map((path) => ({ method: 'ANY', path, handler: boltHandler })),
  };
}
