// POST /discord/interactions: Ed25519-verified HTTP interactions, answered in the HTTP response itself.
import { ApplicationCommandOptionType, InteractionType, type APIInteraction } from 'discord.js';
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A command's option tree as handleInteraction walks it: a subcommand group always carries its subcommands. */
function wellFormedOptions(options: unknown): boolean {
  if (options === undefined) return true;
  return (
    Array.isArray(options) &&
    options.every(
      (option) =>
        isRecord(option) &&
        typeof option.name === 'string' &&
        typeof option.type === 'number' &&
        (option.type !== Number(ApplicationCommandOptionType.SubcommandGroup) ||
          Array.isArray(option.options)) &&
        wellFormedOptions(option.options),
    )
  );
}

/**
 * What handleInteraction reads without checking, because Discord always sends it: a command's or autocomplete's
 * `data`, and a guild member's user and permission bits. A signed body without them threw there (a 500).
 */
function isInteraction(value: unknown): value is APIInteraction {
  if (!isRecord(value) || typeof value.type !== 'number') return false;
  const { member, data } = value;
  if (
    member !== undefined &&
    !(
      isRecord(member) &&
      isRecord(member.user) &&
      typeof member.user.id === 'string' &&
      (member.permissions === undefined ||
        (typeof member.permissions === 'string' && /^\d+$/.test(member.permissions)))
    )
  ) {
    return false;
  }
  const readsData =
    value.type === Number(InteractionType.ApplicationCommand) ||
    value.type === Number(InteractionType.ApplicationCommandAutocomplete);
  return !readsData || (isRecord(data) && typeof data.name === 'string' && wellFormedOptions(data.options));
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
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(response, 400, { error: 'body is not JSON' });
      }
      if (!isInteraction(parsed)) {
        return sendJson(response, 400, { error: 'body is not an interaction' });
      }
      const interaction = parsed;
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
