// Real parts for billing tests: a test database, the Stripe stand-in, the real SDK, and our webhook and pages served.
import { billingPageRoutes } from '../../src/billing/billing-pages.route.js';
import { STRIPE_WEBHOOK_PATH, type Billing } from '../../src/billing/billing.js';
import { createStripe } from '../../src/billing/stripe-client.js';
import { stripeWebhookRoute } from '../../src/billing/stripe-webhook.route.js';
import type { CommandContext, CommandSettings, Invocation } from '../../src/bots/core/command-context.js';
import type { Clock } from '../../src/clock.js';
import { startStripeStandin, type StripeStandin } from '../../src/fakes/stripe-standin.server.js';
import { startHttpServer, type HttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { createRenderer } from '../../src/render/renderer.js';
import { fakeClock, type FakeClock } from './fake-clock.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface BillingHarness {
  database: TestDatabase;
  standin: StripeStandin;
  billing: Billing;
  /** Shared by the stand-in (periods, signature times) and our billing (grace periods, signature checks). */
  clock: FakeClock;
  http: HttpServer;
  url(path: string): string;
  /** What commands run with: the harness's database and billing; no Valve behind it. */
  ctx: CommandContext;
  close(): Promise<void>;
}

export const FREE_CAP = 2;
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/** A Discord admin in `guildId`, as the adapter would describe them. */
export const adminIn = (guildId: string): Invocation => ({
  platform: 'discord',
  userId: '300000000000000001',
  guildId,
  channelId: '400000000000000001',
  canManageGuild: true,
});

/** Our billing on the real SDK, pointed at `standin`; customers return to `publicBaseUrl`. */
export function standinBilling(
  standin: StripeStandin,
  settings: CommandSettings,
  clock: Clock,
  publicBaseUrl = 'http://127.0.0.1:1/',
): Billing {
  return {
    stripe: createStripe(standin.secretKey, standin.baseUrl),
    priceId: standin.priceId,
    webhookSecret: standin.webhookSecret,
    publicBaseUrl,
    sync: { settings, graceDays: 7, log },
    clock,
  };
}

export async function startBillingHarness(): Promise<BillingHarness> {
  const database = await createTestDatabase();
  // Stripe's clock is real time: start the fake one now, so periods and signatures look current.
  const clock = fakeClock(Date.now());
  const standin = await startStripeStandin({ now: () => clock.now() });
  const settings = { freeSubscriptionsPerGuild: FREE_CAP, premiumSubscriptionsPerGuild: 10 };
  const billing = standinBilling(standin, settings, clock);
  const http = await startHttpServer(
    [stripeWebhookRoute(billing, database.db, log), ...billingPageRoutes(billing, database.db, log)],
    0,
    log,
  );
  const url = (path: string) => `http://127.0.0.1:${http.port}${path}`;
  billing.publicBaseUrl = url('/');
  standin.setWebhookUrl(url(STRIPE_WEBHOOK_PATH));
  const ctx = {
    db: database.db,
    render: createRenderer(),
    enqueue: () => Promise.resolve(),
    log,
    clock,
    settings,
    billing,
  } as Omit<CommandContext, 'ingest'> as CommandContext;
  return {
    database,
    standin,
    billing,
    clock,
    http,
    url,
    ctx,
    async close() {
      await http.close();
      await standin.close();
      await ctx.render.close();
      await database.drop();
    },
  };
}
