// Handles one Discord interaction for both transports: decide the immediate response, then do the work.
import {
  ApplicationCommandOptionType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type APIApplicationCommandInteractionDataOption,
  type APIInteraction,
  type APIInteractionResponse,
  type REST,
} from 'discord.js';
import { isAppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AnyCommand, OptionDeclaration } from '../core/command.js';
import type { CommandContext, Invocation } from '../core/command-context.js';
import type { Reply } from '../core/reply.js';
import { ROOT_COMMAND } from './command-data.js';
import { toDiscordMessage } from './discord-message.js';

export interface InteractionDeps {
  commands: readonly AnyCommand[];
  ctx: CommandContext;
  rest: REST;
  applicationId: string;
  log: Logger;
}

export interface InteractionOutcome {
  /** The first response, due within Discord's 3 seconds: sent as the HTTP body or to the callback route. */
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

export function handleInteraction(deps: InteractionDeps, interaction: APIInteraction): InteractionOutcome {
  if (interaction.type === InteractionType.Ping) return { response: { type: InteractionResponseType.Pong } };
  if (interaction.type !== InteractionType.ApplicationCommand || interaction.data.name !== ROOT_COMMAND) {
    return { response: ephemeralMessage('This interaction is not supported.') };
  }
  const data = interaction.data as { options?: RawOption[] };
  const { path, leaf } = commandPath(data.options);
  const command = deps.commands.find((candidate) => candidate.path.join(' ') === path.join(' '));
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
    followUp: () => runAndEdit(deps, interaction, command, args, invocation),
  };
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
      // readArgs built `args` from this command's own declarations, which is what ArgsOf describes.
      reply = await command.run(deps.ctx, args as never, invocation);
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
