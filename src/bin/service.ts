// Starts the long-running service: ingest workers, the notifier, the Discord bot and/or the Slack app.
import type { REST } from 'discord.js';
import { systemClock, type Clock } from '../clock.js';
import { discordEnabled, slackMode, type Config, type ServiceRole } from '../config.js';
import { COMMANDS } from '../bots/core/commands/index.js';
import type { CommandContext } from '../bots/core/command-context.js';
import { createInFlight } from '../bots/core/in-flight.js';
import { createDiscordRest } from '../bots/discord/discord-rest.js';
import { createDiscordSender } from '../bots/discord/discord-sender.js';
import { startGatewayBot, type GatewayBot } from '../bots/discord/gateway.js';
import { interactionsRoute } from '../bots/discord/http-interactions.js';
import type { InteractionDeps } from '../bots/discord/interactions.js';
import { installedBots, openSingleTokenBots, type SlackBots } from '../bots/slack/slack-bots.js';
import { createSenderClient, createSlackApp, type SlackAuth } from '../bots/slack/slack-app.js';
import { createSlackInstallations } from '../bots/slack/slack-installations.repo.js';
import { createSlackSender } from '../bots/slack/slack-sender.js';
import { createTokenSeal, parseSealKey } from '../bots/slack/token-seal.js';
import { billingFromConfig, type Billing } from '../billing/billing.js';
import { billingPageRoutes } from '../billing/billing-pages.route.js';
import { billingAnnounceJob } from '../billing/announce.job.js';
import { billingReconcileJob } from '../billing/reconcile.job.js';
import { stripeWebhookRoute } from '../billing/stripe-webhook.route.js';
import { startHttpServer, type HttpServer, type Route } from '../http/server.js';
import type { Logger } from '../log.js';
import { notifyDeliverJob } from '../notify/deliver.job.js';
import { createNotifier, type ChatSender } from '../notify/notifier.js';
import { healthRoutes } from '../observability/health.routes.js';
import type { Renderer } from '../render/renderer.js';
import type { Db } from '../store/db.js';
import { scheduleIngest } from './ingest-schedule.js';
import { openRuntime, type Runtime } from './runtime.js';
import { ROLE_PARTS } from './service-roles.js';

export interface Service {
  runtime: Runtime;
  http: HttpServer;
  gateway: GatewayBot | undefined;
  /** Graceful: stops taking work, waits up to `deadlineMs` (SHUTDOWN_DEADLINE_MS) for running work, closes. */
  stop(deadlineMs?: number): Promise<void>;
}

function required(value: string | undefined, key: string): string {
  if (!value) throw new Error(`${key} is required here`);
  return value;
}

interface DiscordParts {
  rest: REST;
  token: string;
  applicationId: string;
}

/** The Slack side's credentials: one bot token, or OAuth installs kept sealed in Postgres. */
async function openSlack(config: Config, db: Db, log: Logger): Promise<{ auth: SlackAuth; bots: SlackBots }> {
  const apiUrl = config.SLACK_API_URL;
  if (config.SLACK_BOT_TOKEN) {
    return {
      auth: { mode: 'single', botToken: config.SLACK_BOT_TOKEN },
      bots: await openSingleTokenBots(db, config.SLACK_BOT_TOKEN, apiUrl, log),
    };
  }
  const installations = createSlackInstallations(
    db,
    createTokenSeal(parseSealKey(required(config.SLACK_TOKEN_ENCRYPTION_KEY, 'SLACK_TOKEN_ENCRYPTION_KEY'))),
  );
  log.info({ apiUrl }, 'slack: multi-workspace mode, install at /slack/install');
  return {
    auth: {
      mode: 'multi',
      clientId: required(config.SLACK_CLIENT_ID, 'SLACK_CLIENT_ID'),
      clientSecret: required(config.SLACK_CLIENT_SECRET, 'SLACK_CLIENT_SECRET'),
      stateSecret: required(config.SLACK_STATE_SECRET, 'SLACK_STATE_SECRET'),
      installations,
      redirectUri: config.SLACK_REDIRECT_URI,
    },
    bots: installedBots(installations),
  };
}

export interface ServiceOptions {
  /** What this process runs (ROLE_PARTS); default `all`, everything in one process. */
  role?: ServiceRole;
  /** Shifts ingest's "now" for replays (the demo); default the system clock. */
  ingestClock?: Clock;
}

/** Starts the parts `role` runs (`ddd start`, the demo, the fault suite) and the health endpoints. */
export async function startService(
  config: Config,
  log: Logger,
  options: ServiceOptions = {},
): Promise<Service> {
  const role = options.role ?? 'all';
  const parts = ROLE_PARTS[role];
  const ingestClock = options.ingestClock ?? systemClock;
  const discordToken = discordEnabled(config) ? required(config.DISCORD_TOKEN, 'DISCORD_TOKEN') : undefined;
  const discord: DiscordParts | undefined = discordToken
    ? {
        rest: createDiscordRest(config.DISCORD_API_BASE_URL, discordToken),
        token: discordToken,
        applicationId: required(config.DISCORD_APPLICATION_ID, 'DISCORD_APPLICATION_ID'),
      }
    : undefined;
  const wantsSlack = slackMode(config) !== 'off' && (parts.jobs || parts.slackHttp);
  // The Slack sender and the Slack app share one SlackBots, which needs the runtime's database; in a process
  // that takes jobs it is opened inside the notifier factory, which must run before the scheduler exists.
  let slack: { auth: SlackAuth; bots: SlackBots } | undefined;
  const settings = {
    freeSubscriptionsPerGuild: config.FREE_SUBSCRIPTIONS_PER_GUILD,
    premiumSubscriptionsPerGuild: config.PREMIUM_SUBSCRIPTIONS_PER_GUILD,
  };
  const billing: Billing | undefined = billingFromConfig(config, settings, log);
  const runtime = await openRuntime(config, log, {
    clock: ingestClock,
    ...(billing ? { billing } : {}),
    needsFonts: true,
    ...(parts.jobs
      ? {
          notifier: async ({ db, render }: { db: Db; render: Renderer }) => {
            const senders: ChatSender[] = [];
            if (discord) senders.push(createDiscordSender(discord.rest));
            if (wantsSlack) {
              slack = await openSlack(config, db, log);
              const client = createSenderClient(config.SLACK_API_URL, log);
              senders.push(createSlackSender({ client, bots: slack.bots, log }));
            }
            return createNotifier({ db, render, senders, log });
          },
        }
      : {}),
  });
  let stopping = false;
  const inFlight = createInFlight();
  let http: HttpServer | undefined;
  let gateway: GatewayBot | undefined;
  try {
    if (wantsSlack) slack ??= await openSlack(config, runtime.db, log);
    const ctx: CommandContext = {
      inFlight,
      db: runtime.db,
      ingest: runtime.ingest,
      render: runtime.render,
      log,
      clock: ingestClock,
      enqueue: runtime.scheduler.enqueue,
      settings,
      ...(billing ? { billing } : {}),
    };

    const routes: Route[] = healthRoutes(
      {
        db: runtime.db,
        ...(parts.jobs ? { schedulerRunning: () => runtime.scheduler.isRunning() } : {}),
        needsFonts: true,
        stopping: () => stopping,
      },
      log,
    );
    const deps: InteractionDeps | undefined = discord && {
      commands: COMMANDS,
      ctx,
      rest: discord.rest,
      applicationId: discord.applicationId,
      log,
    };
    if (deps && parts.discordHttp && config.DISCORD_MODE !== 'gateway') {
      // Signatures are checked against real time, whatever clock ingest replays.
      routes.push(
        interactionsRoute(deps, required(config.DISCORD_PUBLIC_KEY, 'DISCORD_PUBLIC_KEY'), systemClock, log),
      );
    }
    if (slack && parts.slackHttp) {
      const app = await createSlackApp({
        signingSecret: required(config.SLACK_SIGNING_SECRET, 'SLACK_SIGNING_SECRET'),
        apiUrl: config.SLACK_API_URL,
        auth: slack.auth,
        bots: slack.bots,
        commands: COMMANDS,
        ctx,
        log,
      });
      routes.push(...app.routes);
    }
    if (billing && parts.stripeHttp)
      routes.push(
        stripeWebhookRoute(billing, runtime.db, log),
        ...billingPageRoutes(billing, runtime.db, log),
      );
    http = await startHttpServer(routes, config.HTTP_PORT, log);
    // A child of discord.js's ShardingManager gets its shard in SHARDS/SHARD_COUNT, which the Client reads itself
    // only when no shard option is given: DISCORD_SHARDS would make every child connect every shard.
    const shards = process.env.SHARDING_MANAGER ? undefined : config.DISCORD_SHARDS;
    gateway =
      !discord || !deps || !parts.gateway || config.DISCORD_MODE === 'http'
        ? undefined
        : await startGatewayBot(
            deps,
            { token: discord.token, apiBaseUrl: config.DISCORD_API_BASE_URL, shards },
            log,
          );

    if (parts.jobs) {
      await scheduleIngest(runtime.scheduler, config);
      await runtime.scheduler.every('1 minute', notifyDeliverJob, {});
      if (billing) {
        await runtime.scheduler.every(config.BILLING_RECONCILE_INTERVAL, billingReconcileJob, {});
        await runtime.scheduler.every('1 minute', billingAnnounceJob, {});
      }
      await runtime.scheduler.start();
    }
    log.info(
      {
        role,
        port: http.port,
        jobs: parts.jobs,
        discord: discord ? config.DISCORD_MODE : 'off',
        slack: slack ? slackMode(config) : 'off',
        premium: billing ? 'stripe' : 'off',
        shards: gateway?.client.options.shards,
      },
      'service started',
    );
  } catch (error) {
    // A refused Slack token or a busy port: leave nothing running behind the error.
    await Promise.allSettled([gateway?.stop(), http?.close()]);
    await runtime.close();
    throw error;
  }

  const server = http;
  return {
    runtime,
    http: server,
    gateway,
    async stop(deadlineMs = config.SHUTDOWN_DEADLINE_MS) {
      // Order matters: refuse new work first (readiness fails, no new interactions, no new jobs), then let
      // what is running finish within the deadline, then close what it was using.
      stopping = true;
      try {
        await gateway?.stop();
        const closing = server.close();
        // Requests still open at the deadline (a slow client, a deferred command) are cut, not waited for.
        const cut = setTimeout(() => server.server.closeAllConnections(), deadlineMs).unref();
        const deadline = Date.now() + deadlineMs;
        const [{ unfinished }, unansweredCommands] = await Promise.all([
          runtime.scheduler.stop(deadlineMs),
          inFlight.settled(deadline),
        ]);
        await closing;
        clearTimeout(cut);
        log.info({ role, unfinishedJobs: unfinished, unansweredCommands }, 'service stopped');
      } finally {
        discord?.rest.clearHashSweeper();
        discord?.rest.clearHandlerSweeper();
        await runtime.close();
      }
    },
  };
}
