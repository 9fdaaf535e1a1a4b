// Builds `/dota …` APPLICATION_COMMAND and AUTOCOMPLETE interactions shaped like Discord's, for the demo and tests.
import { randomBytes } from 'node:crypto';

export interface SlashInteractionInput {
  applicationId: string;
  guildId: string;
  channelId: string;
  userId: string;
  username: string;
  /** Member permission bits as Discord sends them (a decimal string); 0x20 is Manage Server. */
  permissions: string;
  /** Subcommand path after /dota, e.g. ['subscribe', 'player']. */
  path: readonly string[];
  options: { name: string; type: number; value: string | number; focused?: boolean }[];
}

let counter = 0;
function snowflake(): string {
  counter += 1;
  return ((BigInt(Date.now() - 1420070400000) << 22n) + BigInt(counter)).toString();
}

export function slashInteraction(
  input: SlashInteractionInput,
): Record<string, unknown> & { id: string; token: string } {
  const [first, second] = input.path;
  const leaf = { type: 1, name: second ?? first, options: input.options };
  const options = second === undefined ? [leaf] : [{ type: 2, name: first, options: [leaf] }];
  const user = {
    id: input.userId,
    username: input.username,
    discriminator: '0',
    global_name: input.username,
    avatar: null,
  };
  return {
    id: snowflake(),
    application_id: input.applicationId,
    type: 2,
    data: { id: snowflake(), name: 'dota', type: 1, options },
    guild_id: input.guildId,
    guild: { id: input.guildId, locale: 'en-US', features: [] },
    channel_id: input.channelId,
    channel: { id: input.channelId, type: 0, guild_id: input.guildId, name: 'dota' },
    member: {
      user,
      roles: [],
      permissions: input.permissions,
      joined_at: '2025-01-01T00:00:00.000000+00:00',
      deaf: false,
      mute: false,
      flags: 0,
    },
    token: `aW50ZXJhY3Rpb246${randomBytes(24).toString('hex')}`,
    version: 1,
    app_permissions: '2248473465835073',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': input.guildId },
    context: 0,
    attachment_size_limit: 10485760,
  };
}

/**
 * The AUTOCOMPLETE interaction (type 4) Discord sends while the user types into option `focused`: the same
 * shape as the command, every value a string as typed so far, and `focused: true` on the option being typed.
 */
export function autocompleteInteraction(
  input: SlashInteractionInput & { focused: string },
): Record<string, unknown> & { id: string; token: string } {
  const options = input.options.map((option) => ({
    ...option,
    value: String(option.value),
    ...(option.name === input.focused ? { focused: true } : {}),
  }));
  return { ...slashInteraction({ ...input, options }), type: 4 };
}
