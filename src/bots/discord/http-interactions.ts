// POST /discord/interactions: Ed25519-verified HTTP interactions, answered in the HTTP response itself.
import type { APIInteraction } from 'discord.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import { readBody, sendJson, type Route } from '../../http/server.js';
import { ed25519PublicKey, verifyDiscordSignature } from './ed25519.js';
import { handleInteraction, type InteractionDeps } from './interactions.js';

export const INTERACTIONS_PATH = '/discord/interactions';
/** Interactions are small; anything bigger is not from Discord. */
const MAX_BODY_BYTES = 64 * 1024;
/** A signed request older than this is a replay: Discord delivers within seconds. */
const MAX_SKEW_SECONDS = 300;

function header(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export function interactionsRoute(
  deps: InteractionDeps,
  publicKeyHex: string,
  clock: Clock,
  log: Logger,
): Route {
  const key = ed25519PublicKey(publicKeyHex);
  return {
    method: 'POST',
    path: INTERACTIONS_PATH,
    async handler(request, response) {
      const body = await readBody(request, MAX_BODY_BYTES);
      const signature = header(request.headers['x-signature-ed25519']);
      const timestamp = header(request.headers['x-signature-timestamp']);
      if (!verifyDiscordSignature(key, signature, timestamp, body)) {
        return sendJson(response, 401, { error: 'invalid request signature' });
      }
      if (!/^\d+$/.test(timestamp) || Math.abs(clock.now() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) {
        return sendJson(response, 401, { error: 'stale request timestamp' });
      }
      let interaction: APIInteraction;
      try {
        interaction = JSON.parse(body.toString('utf8')) as APIInteraction;
      } catch {
        return sendJson(response, 400, { error: 'body is not JSON' });
      }
      if (typeof interaction !== 'object' || interaction === null || typeof interaction.type !== 'number') {
        return sendJson(response, 400, { error: 'body is not an interaction' });
      }
      // Autocomplete answers with its choices in this response, so it is awaited; commands come back deferred at once.
      const outcome = await handleInteraction(deps, interaction);
      sendJson(response, 200, outcome.response);
      if (outcome.followUp) {
        response.once('finish', () => void outcome.followUp?.());
        log.debug({ interaction: interaction.id }, 'interaction deferred');
      }
    },
  };
}
