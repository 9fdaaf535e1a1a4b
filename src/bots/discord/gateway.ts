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
  options: { token: string; apiBaseUrl: string },
  log: Logger,
): Promise<GatewayBot> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: options.apiBaseUrl } });
  // The raw packet is the same JSON HTTP mode receives, so both transports share one code path.
  client.ws.on(GatewayDispatchEvents.InteractionCreate, (interaction: APIInteraction) => {
    const outcome = handleInteraction(deps, interaction);
    deps.rest
      .post(Routes.interactionCallback(interaction.id, interaction.token), {
        body: outcome.response,
        auth: false,
      })
      .then(() => outcome.followUp?.())
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
