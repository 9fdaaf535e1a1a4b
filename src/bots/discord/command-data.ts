// Builds the one `/dota` application command (subcommands and groups) from the platform-neutral definitions.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type APIApplicationCommandSubcommandGroupOption,
} from 'discord.js';
import type { AnyCommand, OptionDeclaration } from '../core/command.js';

export const ROOT_COMMAND = 'dota';

function toOption(option: OptionDeclaration): APIApplicationCommandBasicOption {
  const base = { name: option.name, description: option.description, required: option.required };
  // Discord then sends what the user types as AUTOCOMPLETE interactions; only string and number options take it.
  const autocomplete = option.autocomplete ? { autocomplete: true as const } : {};
  switch (option.type) {
    case 'integer':
      return { ...base, ...autocomplete, type: ApplicationCommandOptionType.Integer, min_value: 1 };
    case 'channel':
      return { ...base, type: ApplicationCommandOptionType.Channel, channel_types: [ChannelType.GuildText] };
    case 'string':
      return option.choices
        ? {
            ...base,
            type: ApplicationCommandOptionType.String,
            choices: option.choices.map((choice) => ({ name: choice, value: choice })),
          }
        : { ...base, ...autocomplete, type: ApplicationCommandOptionType.String, max_length: 200 };
  }
}

function toSubcommand(name: string, command: AnyCommand): APIApplicationCommandSubcommandOption {
  const options = command.options as readonly OptionDeclaration[];
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name,
    description: command.description.slice(0, 100),
    options: options.map(toOption),
  };
}

/**
 * Discord sets default_member_permissions per top-level command, not per subcommand, so `/dota` stays open
 * to everyone and admin-only subcommands are checked at run time against the member's Manage Server bit.
 */
export function buildCommandData(
  commands: readonly AnyCommand[],
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const options: (APIApplicationCommandSubcommandOption | APIApplicationCommandSubcommandGroupOption)[] = [];
  for (const command of commands) {
    const [first, second] = command.path;
    if (second === undefined) {
      options.push(toSubcommand(first, command));
      continue;
    }
    let group = options.find(
      (option): option is APIApplicationCommandSubcommandGroupOption =>
        option.type === ApplicationCommandOptionType.SubcommandGroup && option.name === first,
    );
    if (!group) {
      group = {
        type: ApplicationCommandOptionType.SubcommandGroup,
        name: first,
        description: `${first} …`,
        options: [],
      };
      options.push(group);
    }
    group.options?.push(toSubcommand(second, command));
  }
  return {
    type: ApplicationCommandType.ChatInput,
    name: ROOT_COMMAND,
    description: 'Dota 2 stats and match alerts',
    options,
  };
}
