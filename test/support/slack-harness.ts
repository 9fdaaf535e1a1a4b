// Real parts for Slack adapter tests: a test database, Valve replay, the Slack stand-in, and our Bolt app on our HTTP server.
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/clock.js';
import { COMMANDS } from '../../src/bots/core/commands/index.js';
import type { CommandContext } from '../../src/bots/core/command-context.js';
import { installedBots, type SlackBots } from '../../src/bots/slack/slack-bots.js';
import {
  createSenderClient,
  createSlackApp,
  SLACK_EVENTS_PATH,
  SLACK_REDIRECT_PATH,
} from '../../src/bots/slack/slack-app.js';
import {
  createSlackInstallations,
  type SlackInstallations,
} from '../../src/bots/slack/slack-installations.repo.js';
import { createSlackSender } from '../../src/bots/slack/slack-sender.js';
import { createTokenSeal } from '../../src/bots/slack/token-seal.js';
import {
  eventCallbackBody,
  signSlackRequest,
  slashCommandBody,
} from '../../src/fakes/slack-request-signer.js';
import { installThroughBrowser } from '../../src/fakes/slack-install-browser.js';
import { startSlackStandin, type SlackStandin } from '../../src/fakes/slack-standin.server.js';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import { startHttpServer, type HttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import type { ChatSender } from '../../src/notify/notifier.js';
import { createRenderer } from '../../src/render/renderer.js';
import { replayIngest } from './replay-ingest.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface SlackHarness {
  database: TestDatabase;
  valve: ValveReplay;
  standin: SlackStandin;
  installations: SlackInstallations;
  bots: SlackBots;
  ctx: CommandContext;
  /** The notifier's Slack sender, on the same installations. */
  sender: ChatSender;
  /** Our HTTP server with the Slack routes. */
  http: HttpServer;
  url(path: string): string;
  /** Posts a signed `/dota <text>` as Slack would; resolves with our HTTP answer. */
  command(spec: { teamId: string; channelId: string; userId: string; text: string }): Promise<{
    status: number;
    body: string;
    responseUrl: string;
  }>;
  /** Posts a signed Events API callback. */
  event(teamId: string, event: Record<string, unknown>): Promise<number>;
  /** Runs the OAuth install through our /slack/install and the stand-in's consent page, as a browser would. */
  install(teamId: string, userId?: string): Promise<Response>;
  close(): Promise<void>;
}

const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/** What Slack commands run with in tests: the replayed Valve data, a real renderer, jobs not queued. */
export function slackCommandContext(ingest: IngestContext): CommandContext {
  return {
    db: ingest.db,
    ingest,
    render: createRenderer(),
    enqueue: () => Promise.resolve(),
    log,
    clock: systemClock,
    settings: { freeSubscriptionsPerGuild: 5, premiumSubscriptionsPerGuild: 100 },
  };
}

export async function startSlackHarness(): Promise<SlackHarness> {
  const database = await createTestDatabase();
  const { ingest, valve } = await replayIngest(database.db);
  const standin = await startSlackStandin();
  const installations = createSlackInstallations(database.db, createTokenSeal(randomBytes(32)));
  const bots = installedBots(installations);
  const ctx = slackCommandContext(ingest);
  const app = await createSlackApp({
    signingSecret: standin.signingSecret,
    apiUrl: standin.apiUrl,
    auth: {
      mode: 'multi',
      clientId: standin.clientId,
      clientSecret: standin.clientSecret,
      stateSecret: 'test-state-secret',
      installations,
    },
    bots,
    commands: COMMANDS,
    ctx,
    log,
    retries: 0,
  });
  const http = await startHttpServer(app.routes, 0, log);
  const url = (path: string) => `http://127.0.0.1:${http.port}${path}`;
  standin.setRedirectUrl(url(SLACK_REDIRECT_PATH));
  const sender = createSlackSender({ client: createSenderClient(standin.apiUrl, log), bots, log });

  async function signedPost(body: string): Promise<Response> {
    return fetch(url(SLACK_EVENTS_PATH), {
      method: 'POST',
      headers: { ...signSlackRequest(standin.signingSecret, body) },
      body,
    });
  }

  return {
    database,
    valve,
    standin,
    installations,
    bots,
    ctx,
    sender,
    http,
    url,
    async command(spec) {
      const responseUrl = standin.responseUrl(spec);
      const response = await signedPost(slashCommandBody({ ...spec, responseUrl, apiAppId: standin.appId }));
      return { status: response.status, body: await response.text(), responseUrl };
    },
    async event(teamId, event) {
      const response = await signedPost(eventCallbackBody({ teamId, apiAppId: standin.appId, event }));
      await response.arrayBuffer();
      return response.status;
    },
    install: (teamId, userId) => installThroughBrowser(url(''), standin, teamId, userId),
    async close() {
      await http.close();
      await Promise.allSettled([standin.close(), valve.close()]);
      await database.drop();
    },
  };
}
