// What a command handler may use: our database, ingest for data we lack, the renderer, a logger and a clock.
import type { Billing } from '../../billing/billing.js';
import type { Clock } from '../../clock.js';
import type { IngestContext } from '../../ingest/ingest-context.js';
import type { Enqueue } from '../../ingest/jobs/job.js';
import type { Logger } from '../../log.js';
import type { Renderer } from '../../render/renderer.js';
import type { Db } from '../../store/db.js';
import type { InFlight } from './in-flight.js';

export interface CommandContext {
  db: Db;
  /** Fetches what we do not have yet (a match not stored): the same code the ingest jobs run. */
  ingest: IngestContext;
  render: Renderer;
  /** Queues background work (e.g. a newly tracked player's history). */
  enqueue: Enqueue;
  log: Logger;
  clock: Clock;
  settings: CommandSettings;
  /** Stripe, when the operator sells premium; /dota premium says it is not offered otherwise. */
  billing?: Billing;
  /** Where work finishing after the acknowledgement is counted, so a shutdown waits for it (the service's). */
  inFlight?: InFlight;
}

/** Operator settings commands enforce (from config). */
export interface CommandSettings {
  /** Active subscriptions a guild may hold on the free tier. */
  freeSubscriptionsPerGuild: number;
  /** Active subscriptions a guild may hold while it has premium. */
  premiumSubscriptionsPerGuild: number;
}

/** Who asked and where: platform-neutral, filled by the adapters. */
export interface Invocation {
  platform: 'discord' | 'slack';
  userId: string;
  guildId: string | null;
  channelId: string;
  /** The adapter checked the platform's "Manage Server" permission (Discord) for admin-only commands. */
  canManageGuild: boolean;
}
