// What each `ddd start --role` runs. Every role also serves /healthz, /readyz and /metrics on HTTP_PORT.
import type { ServiceRole } from '../config.js';

export interface RoleParts {
  /** Takes jobs: ingest, alert delivery (with the configured chat senders), billing reconcile. */
  jobs: boolean;
  /** Holds the Discord gateway connection (when DISCORD_MODE allows it). */
  gateway: boolean;
  /** Serves Discord's interactions endpoint (when DISCORD_MODE allows it). */
  discordHttp: boolean;
  /** Serves Slack's events, commands and OAuth install pages. */
  slackHttp: boolean;
  /** Serves Stripe's webhook and the checkout return pages. */
  stripeHttp: boolean;
}

export const ROLE_PARTS: Record<ServiceRole, RoleParts> = {
  worker: { jobs: true, gateway: false, discordHttp: false, slackHttp: false, stripeHttp: false },
  discord: { jobs: false, gateway: true, discordHttp: true, slackHttp: false, stripeHttp: false },
  slack: { jobs: false, gateway: false, discordHttp: false, slackHttp: true, stripeHttp: false },
  web: { jobs: false, gateway: false, discordHttp: true, slackHttp: true, stripeHttp: true },
  all: { jobs: true, gateway: true, discordHttp: true, slackHttp: true, stripeHttp: true },
};

export const SERVICE_ROLES = Object.keys(ROLE_PARTS) as ServiceRole[];
