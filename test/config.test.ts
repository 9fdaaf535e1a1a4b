// Tests for loadConfig: defaults, per-role required secrets named on failure, and no secret values in errors.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  billingEnabled,
  configSchema,
  discordEnabled,
  loadConfig,
  slackMode,
  type Role,
} from '../src/config.js';
import { AppError } from '../src/errors.js';

function failure(env: NodeJS.ProcessEnv, role: Role): AppError {
  try {
    loadConfig(env, role);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`loadConfig succeeded for role ${role}`);
}

const DISCORD = { DISCORD_TOKEN: 'tok', DISCORD_APPLICATION_ID: '123' };

describe('loadConfig defaults', () => {
  it('when the cli role gets an empty environment, then every default is filled in', () => {
    const config = loadConfig({}, 'cli');

    expect(config).toMatchObject({
      DATA_DIR: './.data',
      STEAM_API_KEYS: [],
      STEAM_API_BASE_URL: 'https://api.steampowered.com',
      STEAM_REQUESTS_PER_SECOND: 1,
      STEAM_TIMEOUT_MS: 10_000,
      ALERT_MAX_MATCH_AGE_MINUTES: 360,
      PLAYER_POLL_INTERVAL: '5 minutes',
      DISCORD_API_BASE_URL: 'https://discord.com/api',
      DISCORD_MODE: 'gateway',
      HTTP_PORT: 8080,
      LOG_LEVEL: 'info',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DISCORD_TOKEN).toBeUndefined();
  });

  it('when an operator reads .env.example or the schema, then every key is listed and documented', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    for (const [key, schema] of Object.entries(configSchema.shape)) {
      expect(example, key).toMatch(new RegExp(`^${key}=`, 'm'));
      expect(schema.description, key).toBeTruthy();
    }
  });

  it('when numbers arrive as env strings, then they are coerced', () => {
    const config = loadConfig(
      { STEAM_REQUESTS_PER_SECOND: '0.5', STEAM_TIMEOUT_MS: '2500', HTTP_PORT: '0' },
      'cli',
    );
    expect(config.STEAM_REQUESTS_PER_SECOND).toBe(0.5);
    expect(config.STEAM_TIMEOUT_MS).toBe(2500);
    expect(config.HTTP_PORT).toBe(0);
  });

  it('when an optional secret is blank, then it counts as unset', () => {
    expect(loadConfig({ DATABASE_URL: '   ', DISCORD_TOKEN: '' }, 'cli')).toMatchObject({
      DATABASE_URL: undefined,
      DISCORD_TOKEN: undefined,
    });
  });
});

describe('STEAM_API_KEYS', () => {
  it('when given " a, b ,,", then the keys are trimmed and empties dropped', () => {
    expect(loadConfig({ STEAM_API_KEYS: ' a, b ,,' }, 'worker').STEAM_API_KEYS).toEqual(['a', 'b']);
  });

  it('when the worker role has no STEAM_API_KEYS, then it fails naming STEAM_API_KEYS', () => {
    const error = failure({}, 'worker');
    expect(error.code).toBe('config_missing');
    expect(error.message).toContain('STEAM_API_KEYS');
    expect(error.message).toContain('"worker"');
  });

  it('when STEAM_API_KEYS holds only commas and spaces, then it is missing for the worker', () => {
    expect(failure({ STEAM_API_KEYS: ' , ,' }, 'worker').message).toContain('STEAM_API_KEYS');
  });
});

describe('required keys per role', () => {
  it('when the all role misses everything, then each missing key is named', () => {
    const error = failure({}, 'all');
    expect(error.code).toBe('config_missing');
    for (const key of ['STEAM_API_KEYS', 'DISCORD_TOKEN', 'DISCORD_APPLICATION_ID']) {
      expect(error.message).toContain(key);
    }
    expect(error.message).not.toContain('DISCORD_PUBLIC_KEY'); // gateway mode does not need it
  });

  it('when the all role has only the Steam keys, then only the Discord names are reported', () => {
    const error = failure({ STEAM_API_KEYS: 'k' }, 'all');
    expect(error.message).toMatch(/DISCORD_TOKEN, DISCORD_APPLICATION_ID$/);
    expect(error.message).not.toContain('STEAM_API_KEYS');
  });

  it('when the discord role has a blank token, then DISCORD_TOKEN is missing', () => {
    const error = failure({ ...DISCORD, DISCORD_TOKEN: '  ' }, 'discord');
    expect(error.message).toContain('DISCORD_TOKEN');
    expect(error.message).not.toContain('DISCORD_APPLICATION_ID');
  });

  it('when every required key is set for all, then it loads', () => {
    expect(loadConfig({ ...DISCORD, STEAM_API_KEYS: 'k' }, 'all').DISCORD_TOKEN).toBe('tok');
  });
});

describe('DISCORD_MODE', () => {
  it.each(['http', 'both'] as const)(
    'when DISCORD_MODE is %s without DISCORD_PUBLIC_KEY, then the discord role fails naming it',
    (mode) => {
      const error = failure({ ...DISCORD, DISCORD_MODE: mode }, 'discord');
      expect(error.code).toBe('config_missing');
      expect(error.message).toContain('DISCORD_PUBLIC_KEY');
    },
  );

  it('when DISCORD_MODE is http without DISCORD_PUBLIC_KEY, then the all role fails naming it too', () => {
    expect(failure({ ...DISCORD, STEAM_API_KEYS: 'k', DISCORD_MODE: 'http' }, 'all').message).toContain(
      'DISCORD_PUBLIC_KEY',
    );
  });

  it('when DISCORD_MODE is http with a public key, then the discord role loads', () => {
    const config = loadConfig({ ...DISCORD, DISCORD_MODE: 'http', DISCORD_PUBLIC_KEY: 'ab12' }, 'discord');
    expect(config.DISCORD_MODE).toBe('http');
    expect(config.DISCORD_PUBLIC_KEY).toBe('ab12');
  });

  it('when DISCORD_MODE is http for the worker role, then no public key is needed', () => {
    expect(loadConfig({ STEAM_API_KEYS: 'k', DISCORD_MODE: 'http' }, 'worker').DISCORD_MODE).toBe('http');
  });

  it('when DISCORD_MODE is not one of the modes, then config_invalid names DISCORD_MODE', () => {
    const error = failure({ DISCORD_MODE: 'webhook' }, 'cli');
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('DISCORD_MODE');
  });
});

describe('invalid values', () => {
  it('when STEAM_API_BASE_URL is not a URL, then config_invalid names the key', () => {
    const error = failure({ STEAM_API_BASE_URL: 'api.steampowered' }, 'cli');
    expect(error.code).toBe('config_invalid');
    expect(error.message).toMatch(/STEAM_API_BASE_URL/);
  });

  it.each([
    ['HTTP_PORT', '70000'],
    ['HTTP_PORT', 'eighty'],
    ['STEAM_REQUESTS_PER_SECOND', '0'],
    ['STEAM_TIMEOUT_MS', '1.5'],
    ['LOG_LEVEL', 'loud'],
  ])('when %s is %s, then config_invalid names that key', (key, value) => {
    const error = failure({ [key]: value }, 'cli');
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain(key);
  });

  it('when several values are invalid, then every key is named', () => {
    const error = failure({ HTTP_PORT: 'x', DISCORD_API_BASE_URL: 'nope' }, 'cli');
    expect(error.message).toContain('HTTP_PORT');
    expect(error.message).toContain('DISCORD_API_BASE_URL');
  });

  it('when start-up fails, then no secret value appears in the error', () => {
    const secrets = {
      DISCORD_TOKEN: 'SECRET-discord-token-7f3a9c',
      STEAM_API_KEYS: 'SECRET-steam-key-1,SECRET-steam-key-2',
      DATABASE_URL: 'postgres://u:SECRET-db-password@db/ddd',
      DISCORD_PUBLIC_KEY: 'SECRET-public-key',
    };
    const errors = [
      failure({ ...secrets, HTTP_PORT: 'not-a-port' }, 'all'),
      failure({ ...secrets, STEAM_API_BASE_URL: 'not a url' }, 'all'),
      failure({ ...secrets, DISCORD_APPLICATION_ID: '' }, 'all'),
    ];

    for (const error of errors) {
      const everything = [error.message, error.userMessage, String(error.stack), JSON.stringify(error)].join(
        '\n',
      );
      expect(everything).not.toMatch(/SECRET/);
    }
  });
});

describe('Slack settings', () => {
  const OAUTH = {
    SLACK_SIGNING_SECRET: 's',
    SLACK_CLIENT_ID: 'id',
    SLACK_CLIENT_SECRET: 'secret',
    SLACK_STATE_SECRET: 'state',
    SLACK_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  };

  it('when all has Steam keys and a complete Slack OAuth setup, then it loads without Discord', () => {
    const config = loadConfig({ STEAM_API_KEYS: 'k', ...OAUTH }, 'all');
    expect(slackMode(config)).toBe('multi');
    expect(discordEnabled(config)).toBe(false);
  });

  it('when Slack has a bot token, then it is single-workspace and needs no OAuth keys', () => {
    const config = loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' }, 'slack');
    expect(slackMode(config)).toBe('single');
  });

  it('when Slack OAuth misses its encryption key, then the slack role fails naming exactly that key', () => {
    const error = failure({ ...OAUTH, SLACK_TOKEN_ENCRYPTION_KEY: '' }, 'slack');
    expect(error.message).toMatch(/SLACK_TOKEN_ENCRYPTION_KEY$/);
    expect(error.message).not.toContain('SLACK_CLIENT_ID');
  });

  it('when the encryption key is not 32 bytes, then the config is invalid before anything starts', () => {
    const error = failure({ ...OAUTH, SLACK_TOKEN_ENCRYPTION_KEY: 'hunter2' }, 'slack');
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('SLACK_TOKEN_ENCRYPTION_KEY: must be 32 random bytes');
    expect(error.message).not.toContain('hunter2');
  });

  it('when the slack role has no signing secret, then it fails naming it', () => {
    expect(failure({ SLACK_BOT_TOKEN: 'xoxb-1' }, 'slack').message).toContain('SLACK_SIGNING_SECRET');
  });

  it('when both chats are configured for all, then both sets of keys are checked', () => {
    const error = failure({ STEAM_API_KEYS: 'k', ...OAUTH, DISCORD_TOKEN: 'tok' }, 'all');
    expect(error.message).toMatch(/DISCORD_APPLICATION_ID$/);
  });

  it('when the redirect URI is blank, then it is unset rather than invalid', () => {
    expect(loadConfig({ SLACK_REDIRECT_URI: ' ' }, 'cli').SLACK_REDIRECT_URI).toBeUndefined();
  });
});

describe('Stripe settings', () => {
  const CHAT = { STEAM_API_KEYS: 'k', DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: 'a' };

  it('when no Stripe key is set, then premium is off and nothing Stripe is required', () => {
    expect(billingEnabled(loadConfig(CHAT, 'all'))).toBe(false);
  });

  it('when the secret key is set alone, then all fails naming the webhook secret and the price', () => {
    const error = failure({ ...CHAT, STRIPE_SECRET_KEY: 'sk_test_1' }, 'all');
    expect(error.message).toMatch(/STRIPE_WEBHOOK_SECRET, STRIPE_PREMIUM_PRICE_ID, PUBLIC_BASE_URL$/);
    expect(error.message).not.toContain('sk_test_1');
  });

  it('when Stripe is complete, then premium is on with a seven-day grace period by default', () => {
    const config = loadConfig(
      {
        ...CHAT,
        STRIPE_SECRET_KEY: 'sk_test_1',
        STRIPE_WEBHOOK_SECRET: 'whsec_1',
        STRIPE_PREMIUM_PRICE_ID: 'price_1',
        PUBLIC_BASE_URL: 'https://ddd.example.org/bot',
      },
      'all',
    );
    expect(billingEnabled(config)).toBe(true);
    expect(config.PREMIUM_GRACE_DAYS).toBe(7);
    expect(config.STRIPE_API_URL).toBe('https://api.stripe.com');
  });
});
