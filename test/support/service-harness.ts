// A real service (`startService`) on a test database, pointed at loopback stand-ins, and what tests do with it.
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config, type ServiceRole } from '../../src/config.js';
import type { DiscordStandin } from '../../src/fakes/discord-standin.server.js';
import type { SlackStandin } from '../../src/fakes/slack-standin.server.js';
import type { StripeStandin } from '../../src/fakes/stripe-standin.server.js';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { matchSeqJob } from '../../src/ingest/jobs/match-seq.job.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import { queueDeliveries } from '../../src/notify/deliveries.repo.js';
import type { Db } from '../../src/store/db.js';
import { upsertSubscription } from '../../src/store/subscriptions.repo.js';

export const PRO_MATCH = 8591933650;
const PRO_MATCH_SEQ = 7215564751;
export const VITALITY = 9048057;

/** Environment for a service on `databaseUrl`, the Valve replay and the Discord stand-in (HTTP interactions). */
export function serviceEnv(
  databaseUrl: string,
  valve: ValveReplay,
  discord: DiscordStandin,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    STEAM_API_KEYS: 'test-key',
    STEAM_API_BASE_URL: valve.baseUrl,
    DOTA2_WEBAPI_BASE_URL: valve.baseUrl,
    STEAM_REQUESTS_PER_SECOND: '50',
    DISCORD_TOKEN: discord.botToken,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_PUBLIC_KEY: '0'.repeat(64),
    DISCORD_API_BASE_URL: discord.restBaseUrl,
    DISCORD_MODE: 'http',
    HTTP_PORT: '0',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** Slack in multi-workspace (OAuth) mode and Stripe billing, both on their stand-ins. */
export interface SlackStripeEnv {
  /** The secret values alone (state secret and token-sealing key fresh on each call): what no log may show. */
  secrets: Record<string, string>;
  /** Everything to merge into `serviceEnv`'s `extra`, the secrets included. */
  env: Record<string, string>;
}

/**
 * Serves /slack/events, /slack/install, /slack/oauth_redirect, /stripe/webhook and the billing pages. Customers
 * would return to a port nothing listens on: no test here follows Checkout back.
 */
export function slackStripeEnv(slack: SlackStandin, stripe: StripeStandin): SlackStripeEnv {
  const secrets = {
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_CLIENT_SECRET: slack.clientSecret,
    SLACK_STATE_SECRET: randomBytes(16).toString('hex'),
    SLACK_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
  };
  return {
    secrets,
    env: {
      ...secrets,
      SLACK_CLIENT_ID: slack.clientId,
      SLACK_API_URL: slack.apiUrl,
      STRIPE_PREMIUM_PRICE_ID: stripe.priceId,
      STRIPE_API_URL: stripe.baseUrl,
      PUBLIC_BASE_URL: 'http://127.0.0.1:1',
    },
  };
}

export const serviceConfig = (env: Record<string, string>, role: ServiceRole): Config =>
  loadConfig(env, role);

export const alertChannel = (n: number): string => String(1300000000000000000n + BigInt(n));

/**
 * Stores the shipped pro match and queues one alert for each of `channels` following its winning team, as a
 * new match does: what a worker then fans out.
 */
export async function queueFanOut(db: Db, ingest: IngestContext, channels: readonly string[]): Promise<void> {
  await matchSeqJob.run(
    { ...ingest, enqueue: () => Promise.resolve() },
    { start_at_match_seq_num: PRO_MATCH_SEQ, matches_requested: 1 },
  );
  for (const channelId of channels) {
    await upsertSubscription(db, {
      platform: 'discord',
      guild_id: '1200000000000000000',
      channel_id: channelId,
      target_kind: 'team',
      target_id: VITALITY,
      created_by: '1200000000000000009',
    });
  }
  await db.transaction((trx) => queueDeliveries(trx, [PRO_MATCH], new Date(0)));
}

/** Deliveries by status, e.g. `{ sent: 12, pending: 48 }`. */
export async function deliveryStatuses(db: Db): Promise<Record<string, number>> {
  const rows = await db('deliveries')
    .select('status')
    .count<{ status: string; count: string }[]>('* as count')
    .groupBy('status');
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
