// Stripe as the service uses it: the client, the one plan, where customers come back to, and how syncs apply.
import type Stripe from 'stripe';
import type { CommandSettings } from '../bots/core/command-context.js';
import { systemClock, type Clock } from '../clock.js';
import { billingEnabled, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { createStripe } from './stripe-client.js';
import type { BillingSyncDeps } from './subscription-sync.js';

export interface Billing {
  stripe: Stripe;
  /** The recurring price `/dota premium` sells. */
  priceId: string;
  webhookSecret: string;
  /** Our public origin: Checkout and the portal send customers back to its /billing pages. */
  publicBaseUrl: string;
  sync: BillingSyncDeps;
  /** Real time: Stripe's periods and signatures are in it, whatever clock ingest replays. */
  clock: Clock;
}

export const BILLING_SUCCESS_PATH = '/billing/success';
export const BILLING_CANCEL_PATH = '/billing/cancel';
export const BILLING_RETURN_PATH = '/billing/return';
export const STRIPE_WEBHOOK_PATH = '/stripe/webhook';

/** `path` below the public URL, keeping any path the operator's URL has (a bot served under /ddd/). */
export function billingUrl(billing: Billing, path: string): string {
  const base = billing.publicBaseUrl.endsWith('/') ? billing.publicBaseUrl : `${billing.publicBaseUrl}/`;
  return new URL(path.replace(/^\//, ''), base).toString();
}

/** The service's Billing from config, or undefined when the operator does not sell premium. */
export function billingFromConfig(
  config: Config,
  settings: CommandSettings,
  log: Logger,
): Billing | undefined {
  if (!billingEnabled(config)) return undefined;
  const required = (value: string | undefined, key: string): string => {
    if (!value) throw new Error(`${key} is required when STRIPE_SECRET_KEY is set`);
    return value;
  };
  return {
    stripe: createStripe(required(config.STRIPE_SECRET_KEY, 'STRIPE_SECRET_KEY'), config.STRIPE_API_URL),
    priceId: required(config.STRIPE_PREMIUM_PRICE_ID, 'STRIPE_PREMIUM_PRICE_ID'),
    webhookSecret: required(config.STRIPE_WEBHOOK_SECRET, 'STRIPE_WEBHOOK_SECRET'),
    publicBaseUrl: required(config.PUBLIC_BASE_URL, 'PUBLIC_BASE_URL'),
    sync: { settings, graceDays: config.PREMIUM_GRACE_DAYS, log },
    clock: systemClock,
  };
}
