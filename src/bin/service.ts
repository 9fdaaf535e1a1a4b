// Starts the long-running service: ingest workers, the notifier, the Discord bot (gateway and/or HTTP).
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config.js';
import { COMMANDS } from '../bots/core/commands/index.js';
import type { CommandContext } from '../bots/core/command-context.js';
import { createDiscordRest } from '../bots/discord/discord-rest.js';
import { createDiscordSender } from '../bots/discord/discord-sender.js';
import { startGatewayBot, type GatewayBot } from '../bots/discord/gateway.js';
import { interactionsRoute } from '../bots/discord/http-interactions.js';
import type { InteractionDeps } from '../bots/discord/interactions.js';
import { sendJson, startHttpServer, type HttpServer, type Route } from '../http/server.js';
import type { Logger } from '../log.js';
import { notifyDeliverJob } from '../notify/deliver.job.js';
import { createNotifier } from '../notify/notifier.js';
import { scheduleIngest } from './ingest-schedule.js';
import { openRuntime, type Runtime } from './runtime.js';

export interface Service {
  runtime: Runtime;
  http: HttpServer;
  gateway: GatewayBot | undefined;
  stop(): Promise<void>;
}

function required(value: string | undefined, key: string): string {
  if (!value) throw new Error(`${key} is required for the discord role`);
  return value;
}

/** Everything in one process (`ddd start`, the demo). `ingestClock` shifts ingest's "now" for replays. */
export async function startService(
  config: Config,
  log: Logger,
  ingestClock: Clock = systemClock,
): Promise<Service> {
  const token = required(config.DISCORD_TOKEN, 'DISCORD_TOKEN');
  const applicationId = required(config.DISCORD_APPLICATION_ID, 'DISCORD_APPLICATION_ID');
  const rest = createDiscordRest(config.DISCORD_API_BASE_URL, token);
  const runtime = await openRuntime(config, log, {
    clock: ingestClock,
    needsFonts: true,
    notifier: ({ db, render }) => createNotifier({ db, render, senders: [createDiscordSender(rest)], log }),
  });
  const ctx: CommandContext = {
    db: runtime.db,
    ingest: runtime.ingest,
    render: runtime.render,
    log,
    clock: ingestClock,
    enqueue: runtime.scheduler.enqueue,
    settings: { freeSubscriptionsPerGuild: config.FREE_SUBSCRIPTIONS_PER_GUILD },
  };
  const deps: InteractionDeps = { commands: COMMANDS, ctx, rest, applicationId, log };

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      handler: (_request, response) => Promise.resolve(sendJson(response, 200, { ok: true })),
    },
  ];
  if (config.DISCORD_MODE !== 'gateway') {
    // Signatures are checked against real time, whatever clock ingest replays.
    routes.push(
      interactionsRoute(deps, required(config.DISCORD_PUBLIC_KEY, 'DISCORD_PUBLIC_KEY'), systemClock, log),
    );
  }
  const http = await startHttpServer(routes, config.HTTP_PORT, log);
  // A child of discord.js's ShardingManager gets its shard in SHARDS/SHARD_COUNT, which the Client reads itself
  // only when no shard option is given: DISCORD_SHARDS would make every child connect every shard.
  const shards = process.env.SHARDING_MANAGER ? undefined : config.DISCORD_SHARDS;
  const gateway =
    config.DISCORD_MODE === 'http'
      ? undefined
      : await startGatewayBot(deps, { token, apiBaseUrl: config.DISCORD_API_BASE_URL, shards }, log);

  await scheduleIngest(runtime.scheduler, config);
  await runtime.scheduler.every('1 minute', notifyDeliverJob, {});
  await runtime.scheduler.start();
  log.info(
    { port: http.port, mode: config.DISCORD_MODE, shards: gateway?.client.options.shards },
    'service started',
  );

  return {
    runtime,
    http,
    gateway,
    async stop() {
      try {
        await gateway?.stop();
        await http.close();
      } finally {
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
        await runtime.close();
      }
    },
  };
}
