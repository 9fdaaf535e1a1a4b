// Which Discord guild or Slack workspace a Stripe object belongs to: written into Checkout, read back from webhooks.
export interface GuildRef {
  platform: 'discord' | 'slack';
  guildId: string;
}

/** Checkout's `client_reference_id` allows letters, digits, `-` and `_` only (200 characters). */
export const clientReference = ({ platform, guildId }: GuildRef): string => `${platform}-${guildId}`;

/** Metadata copied onto the subscription, so every later event says whose it is. */
export const guildMetadata = ({ platform, guildId }: GuildRef): Record<string, string> => ({
  platform,
  guild_id: guildId,
});

/** The guild named by a subscription's metadata, or undefined for one we did not create. */
export function guildFromMetadata(metadata: Record<string, string> | null | undefined): GuildRef | undefined {
  const platform = metadata?.platform;
  const guildId = metadata?.guild_id;
  if ((platform !== 'discord' && platform !== 'slack') || !guildId) return undefined;
  return { platform, guildId };
}
