// Handles one Discord interaction for both transports: decide the immediate response, then do the work.
import {
  ApplicationCommandOptionType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOptionChoice,
  type APIInteraction,
  type APIInteractionResponse,
  type REST,
} from 'discord.js';
import { isAppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AnyCommand, OptionDeclaration } from '../core/command.js';
import type { CommandContext, Invocation } from '../core/command-context.js';
import type { Reply } from '../core/reply.js';
import { runCommand } from '../core/run-command.js';
import { ROOT_COMMAND } from './command-data.js';
import { toDiscordMessage } from './discord-message.js';

export interface InteractionDeps {
  commands: readonly AnyCommand[];
  ctx: CommandContext;
  rest: REST;
  applicationId: string;
  log: Logger;
  /** Autocomplete answers slower than this get no choices, inside Discord's 3 s; default 2000 ms. */
  autocompleteTimeoutMs?: number;
}

export interface InteractionOutcome {
  /**
   * The first response, due within Discord's 3 seconds: sent as the HTTP body or to the callback route.
   * Commands get it at once (a deferral); autocomplete cannot be deferred, so its choices are computed first.
   */
  response: APIInteractionResponse;
  /** The slow part, run after the response is sent; never rejects. */
  followUp?: () => Promise<void>;
}

type RawOption = APIApplicationCommandInteractionDataOption;

/** Walks `/dota group sub …` down to the leaf subcommand: its path and its own options. */
function commandPath(options: readonly RawOption[] | undefined): {
  path: string[];
  leaf: readonly RawOption[];
} {
  const first = options?.[0];
  if (first?.type === ApplicationCommandOptionType.SubcommandGroup) {
    const sub = first.options[0];
    return { path: [first.name, sub?.name ?? ''], leaf: sub?.options ?? [] };
  }
  if (first?.type === ApplicationCommandOptionType.Subcommand)
    return { path: [first.name], leaf: first.options ?? [] };
  return { path: [], leaf: [] };
}

function readArgs(command: AnyCommand, leaf: readonly RawOption[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const declared of command.options as readonly OptionDeclaration[]) {
    const given = leaf.find((option) => option.name === declared.name);
    if (given && 'value' in given) args[declared.name] = given.value;
  }
  return args;
}

function ephemeralMessage(text: string): APIInteractionResponse {
  return {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { content: text, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
  };
}

function canManageGuild(interaction: APIInteraction): boolean {
  const permissions = interaction.member?.permissions;
  if (!permissions) return false;
  const bits = BigInt(permissions);
  return (bits & PermissionFlagsBits.ManageGuild) !== 0n || (bits & PermissionFlagsBits.Administrator) !== 0n;
}

function findCommand(
  deps: InteractionDeps,
  options: readonly RawOption[] | undefined,
): { path: string[]; leaf: readonly RawOption[]; command: AnyCommand | undefined } {
  const { path, leaf } = commandPath(options);
  const command = deps.commands.find((candidate) => candidate.path.join(' ') === path.join(' '));
  return { path, leaf, command };
}

/** Decides the first response; never rejects (a failing autocomplete answers with no choices). */
export async function handleInteraction(
  deps: InteractionDeps,
  interaction: APIInteraction,
): Promise<InteractionOutcome> {
  if (interaction.type === InteractionType.Ping) return { response: { type: InteractionResponseType.Pong } };
  if (interaction.type === InteractionType.ApplicationCommandAutocomplete) {
    // Type 8 is the only answer Discord takes for autocomplete: another command's gets an empty list.
    const choices =
      interaction.data.name === ROOT_COMMAND ? await autocompleteChoices(deps, interaction.data.options) : [];
    return {
      response: { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } },
    };
  }
  if (interaction.type !== InteractionType.ApplicationCommand || interaction.data.name !== ROOT_COMMAND) {
    return { response: ephemeralMessage('This interaction is not supported.') };
  }
  const data = interaction.data as { options?: RawOption[] };
  const { path, leaf, command } = findCommand(deps, data.options);
  if (!command)
    return { response: ephemeralMessage(`Unknown command /dota ${path.join(' ')}. Try /dota help.`) };
  const invocation: Invocation = {
    platform: 'discord',
    userId: interaction.member?.user.id ?? interaction.user?.id ?? 'unknown',
    guildId: interaction.guild_id ?? null,
    channelId: interaction.channel?.id ?? '',
    canManageGuild: canManageGuild(interaction),
  };
  if (command.adminOnly && !invocation.canManageGuild) {
    return { response: ephemeralMessage(`/dota ${path.join(' ')} needs the Manage Server permission.`) };
  }
  const args = readArgs(command, leaf);
  // Acknowledge first: database, Valve and rendering work happen after Discord has its answer.
  return {
    response: {
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: command.ephemeral ? { flags: MessageFlags.Ephemeral } : {},
    },
    followUp: () => {
      const work = runAndEdit(deps, interaction, command, args, invocation);
      return deps.ctx.inFlight?.track(work) ?? work;
    },
  };
}

/** Discord shows 25 choices at most and refuses names or string values longer than 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

async function autocompleteChoices(
  deps: InteractionDeps,
  options: readonly RawOption[] | undefined,
): Promise<APIApplicationCommandOptionChoice[]> {
  const { path, leaf, command } = findCommand(deps, options);
  const focused = leaf.find((option) => 'focused' in option && option.focused === true);
  if (!command?.complete || !focused || !('value' in focused)) return [];
  const declared = (command.options as readonly OptionDeclaration[]).find((o) => o.name === focused.name);
  if (!declared?.autocomplete) return [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeoutMs = deps.autocompleteTimeoutMs ?? 2000;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`autocomplete took over ${timeoutMs} ms`)), timeoutMs);
    });
    const choices = await Promise.race([
      command.complete(deps.ctx, declared.name, String(focused.value)),
      timedOut,
    ]);
    return choices.slice(0, MAX_CHOICES).map((choice) => ({
      name: choice.name.slice(0, MAX_CHOICE_LENGTH),
      // An integer option's choices must be numbers; a string option's values are capped like names.
      value: declared.type === 'integer' ? Number(choice.value) : choice.value.slice(0, MAX_CHOICE_LENGTH),
    }));
  } catch (error) {
    // Discord shows "Loading options failed" for an error; an empty list lets the user keep typing.
    deps.log.error({ err: error, command: path, option: declared.name }, 'autocomplete failed');
    return [];
  } finally {
    clearTimeout(timer);
  }
}

async function runAndEdit(
  deps: InteractionDeps,
  interaction: APIInteraction,
  command: AnyCommand,
  args: Record<string, unknown>,
  invocation: Invocation,
): Promise<void> {
  const original = Routes.webhookMessage(deps.applicationId, interaction.token, '@original');
  const started = performance.now();
  try {
    let reply: Reply;
    try {
      reply = await runCommand(command, deps.ctx, args, invocation);
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'permanent')
        deps.log.error({ err: error, command: command.path }, 'command failed');
      const message = isAppError(error)
        ? error.userMessage
        : 'Something went wrong on our side. Please try again shortly.';
      // The deferred reply may be public; errors go to the caller alone, so replace it with an ephemeral follow-up.
      // The placeholder may already be gone (deleted by a moderator): the error must still reach the caller.
      await deps.rest
        .delete(original, { auth: false })
        .catch((deleteError: unknown) =>
          deps.log.warn({ err: deleteError }, 'could not delete the deferred reply'),
        );
      await deps.rest.post(Routes.webhook(deps.applicationId, interaction.token), {
        body: { content: message, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
        auth: false,
      });
      return;
    }
    const { body, files } = toDiscordMessage(reply);
    await deps.rest.patch(original, { body, files, auth: false });
    deps.log.info(
      { command: command.path.join(' '), ms: Math.round(performance.now() - started) },
      'command answered',
    );
  } catch (error) {
    deps.log.error({ err: error, command: command.path }, 'could not deliver the command reply');
  }
}
