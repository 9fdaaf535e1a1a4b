// Gateway mode: a discord.js Client whose raw INTERACTION_CREATE packets go through the shared handler.
import { Client, GatewayDispatchEvents, GatewayIntentBits, Routes, type APIInteraction } from 'discord.js';
import type { Logger } from '../../log.js';
import { handleInteraction, type InteractionDeps } from './interactions.js';

export interface GatewayBot {
  client: Client;
  stop(): Promise<void>;
}

/** Logs in and serves interactions until stopped; a failing handler is logged, never fatal. */
export async function startGatewayBot(
  deps: InteractionDeps,
  options: {
    token: string;
    apiBaseUrl: string;
    /**
     * 'auto': as many shards as GET /gateway/bot recommends; a number: that total, all in this process.
     * Unset: discord.js decides (one shard, or the shard a ShardingManager assigned this process).
     */
    shards?: 'auto' | number;
  },
  log: Logger,
): Promise<GatewayBot> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: options.apiBaseUrl },
    ...(options.shards === undefined
      ? {}
      : options.shards === 'auto'
        ? { shards: 'auto' as const }
        : { shardCount: options.shards }),
  });
  // The raw packet is the same JSON HTTP mode receives, so both transports share one code path.
  client.ws.on(GatewayDispatchEvents.InteractionCreate, (interaction: APIInteraction) => {
    // Autocomplete computes its choices before the callback; commands resolve at once with a deferral.
    handleInteraction(deps, interaction)
      .then(async (outcome) => {
        await deps.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
          body: outcome.response,
          auth: false,
        });
        await outcome.followUp?.();
      })
      .catch((error: unknown) =>
        log.error({ err: error, interaction: interaction.id }, 'interaction callback failed'),
      );
  });
  client.on('error', (error) => log.error({ err: error }, 'discord client error'));
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(options.token);
  await ready;
  log.info({ user: client.user?.tag }, 'discord gateway ready');
  return { client, stop: () => client.destroy() };
}
