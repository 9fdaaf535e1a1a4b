// Loopback Stripe (the /v1 calls our billing makes, hosted pages, signed webhooks) that the real stripe SDK talks to.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../http/listen.js';
import { handleApi, type ApiContext } from './stripe-standin/api.js';
import { FormSyntaxError, parseStripeForm, type FormValue } from './stripe-standin/form.js';
import { IdempotencyStore, type SavedResponse } from './stripe-standin/idempotency.js';
import {
  CHECKOUT_EVENT_TYPES,
  changeSubscription,
  ordered,
  payCheckout,
  type LifecycleContext,
  type SubscriptionChange,
} from './stripe-standin/lifecycle.js';
import type { StandinSubscription } from './stripe-standin/objects.js';
import { checkoutPage, notFoundPage, portalPage } from './stripe-standin/pages.js';
import { WebhookSender, type SendOptions, type WebhookDelivery } from './stripe-standin/webhooks.js';
import { readBody, sendJson } from './standin-http.js';
import { StripeApiError, sendHtml, stripeId } from './stripe-standin/wire.js';
import { StripeWorld, type SubscriptionSeed } from './stripe-standin/world.js';

export type { StandinEvent } from './stripe-standin/events.js';
export type { SubscriptionChange } from './stripe-standin/lifecycle.js';
export type {
  StandinCheckoutSession,
  StandinCustomer,
  StandinPortalSession,
  StandinPrice,
  StandinSubscription,
  StandinSubscriptionItem,
  SubscriptionStatus,
} from './stripe-standin/objects.js';
export type { SendOptions, WebhookDelivery } from './stripe-standin/webhooks.js';
export type { SubscriptionSeed } from './stripe-standin/world.js';

/** The API version stripe@23.2.0 pins; the stand-in refuses requests that ask for another. */
export const STANDIN_STRIPE_API_VERSION = '2026-11-18.endive';

/** One /v1 request as the stand-in answered it (refusals included). */
export interface StripeStandinRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  /** The parameters as Stripe read them (query for GET, form body for POST), brackets already nested. */
  params: Record<string, FormValue>;
  idempotencyKey?: string;
  stripeVersion?: string;
  /** True when an earlier response was replayed for the Idempotency-Key. */
  replayed: boolean;
}

export interface StripeStandinOptions {
  /** Defaults to a random `sk_test_…`; must start with `sk_test_` (the stand-in is test mode only). */
  secretKey?: string;
  /** Defaults to a random `whsec_…`. */
  webhookSecret?: string;
  /** The only Stripe-Version accepted, and the events' `api_version`; default STANDIN_STRIPE_API_VERSION. */
  apiVersion?: string;
  /** The one recurring price that exists; default `price_premium_monthly` at 5.00 USD a month. */
  price?: { id?: string; unitAmount?: number; currency?: string };
  /** Clock (epoch ms) for created timestamps, billing periods and signature times; defaults to Date.now. */
  now?: () => number;
}

export interface StripeStandin {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  host: '127.0.0.1';
  port: number;
  secretKey: string;
  webhookSecret: string;
  apiVersion: string;
  /** The one known recurring price. */
  priceId: string;
  /** Where webhooks are POSTed (our /stripe/webhook); set after our server listens. */
  setWebhookUrl(url: string): void;
  /**
   * Pays the checkout session like a customer would: customer (unless the session named one), an active subscription
   * whose metadata is the session's subscription_data.metadata, a paid first invoice, the session complete. Then sends
   * checkout.session.completed, customer.subscription.created and invoice.paid, one after the other, in that order
   * unless `order` lists the event types to send (a type left out is not sent).
   */
  completeCheckout(
    sessionId: string,
    options?: { order?: string[] },
  ): Promise<{ subscription: StandinSubscription; deliveries: WebhookDelivery[] }>;
  /**
   * Changes a subscription as Stripe's billing would and sends the matching events (unless `send: false`):
   * canceled → customer.subscription.deleted; past_due → invoice.payment_failed + customer.subscription.updated;
   * back to active or renewed → invoice.paid + customer.subscription.updated; anything else → customer.subscription.updated.
   */
  updateSubscription(
    id: string,
    change: SubscriptionChange,
    options?: { send?: boolean; order?: string[] },
  ): Promise<WebhookDelivery[]>;
  /** Seeds a subscription with a given id (to replay fixture events that name it); its customer is created if new. */
  putSubscription(subscription: SubscriptionSeed): StandinSubscription;
  /** Sends any event JSON (e.g. a fixture) to the webhook URL, signed correctly unless the options say otherwise. */
  sendEvent(event: object, options?: SendOptions): Promise<WebhookDelivery>;
  /** Every /v1 request, in order. */
  requests: StripeStandinRequest[];
  /** Every webhook delivery, in order. */
  webhooks: WebhookDelivery[];
  close(): Promise<void>;
}

/** Stripe's form bodies are small; this only stops a runaway client. */
const MAX_BODY = 1024 * 1024;

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Stripe shows only the last four characters of a key it refuses. */
function redactKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length - 4))}${key.slice(-4)}`;
}

/** Starts the stand-in on 127.0.0.1 (a free port) and resolves once it listens. */
export async function startStripeStandin(options: StripeStandinOptions = {}): Promise<StripeStandin> {
  const secretKey = options.secretKey ?? `sk_test_${randomBytes(24).toString('hex')}`;
  if (!secretKey.startsWith('sk_test_'))
    throw new Error('Stripe stand-in: secretKey must be a test-mode sk_test_ key');
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const apiVersion = options.apiVersion ?? STANDIN_STRIPE_API_VERSION;
  const now = options.now ?? (() => Date.now());
  const nowSeconds = () => Math.floor(now() / 1000);
  let origin = '';

  const world = new StripeWorld(nowSeconds);
  const price = {
    id: options.price?.id ?? 'price_premium_monthly',
    object: 'price' as const,
    active: true,
    currency: options.price?.currency ?? 'usd',
    unit_amount: options.price?.unitAmount ?? 500,
    type: 'recurring' as const,
    recurring: { interval: 'month' as const, interval_count: 1 },
    product: 'prod_premium',
    livemode: false as const,
  };
  world.prices.set(price.id, price);
  const apiContext: ApiContext = { world, origin: () => origin, nowSeconds };
  const lifecycle: LifecycleContext = { world, apiVersion, nowSeconds };
  const idempotency = new IdempotencyStore();
  const sender = new WebhookSender(webhookSecret, nowSeconds);
  const requests: StripeStandinRequest[] = [];

  /** Authentication, version and body checks, in the order Stripe applies them; a refusal throws. */
  function admit(request: IncomingMessage): void {
    const authorization = headerValue(request, 'authorization');
    if (!authorization) {
      throw new StripeApiError(
        401,
        'invalid_request_error',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    const key = /^Bearer (\S+)$/.exec(authorization)?.[1];
    if (key !== secretKey) {
      throw new StripeApiError(
        401,
        'invalid_request_error',
        `Invalid API Key provided: ${redactKey(key ?? '')}`,
      );
    }
    const version = headerValue(request, 'stripe-version');
    if (version !== apiVersion) {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        `Stripe-Version ${version === undefined ? 'is missing' : `'${version}' is not`} the API version this account serves ('${apiVersion}'): the SDK and its apiVersion setting disagree with the stand-in.`,
        'api_version_mismatch',
      );
    }
    const contentType = (headerValue(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (request.method === 'POST' && contentType !== 'application/x-www-form-urlencoded') {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        `Invalid request: Stripe reads application/x-www-form-urlencoded bodies, got '${contentType ?? ''}'.`,
      );
    }
  }

  async function apiRequest(url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const raw = await readBody(request, MAX_BODY);
    const idempotencyKey = method === 'POST' ? headerValue(request, 'idempotency-key') : undefined;
    const record: StripeStandinRequest = {
      method,
      path: url.pathname,
      status: 0,
      params: {},
      replayed: false,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      ...(headerValue(request, 'stripe-version') === undefined
        ? {}
        : { stripeVersion: headerValue(request, 'stripe-version') }),
    };
    let result: SavedResponse;
    try {
      if (raw === undefined)
        throw new StripeApiError(413, 'invalid_request_error', 'Request body too large.');
      admit(request);
      const text = method === 'GET' ? url.search.slice(1) : raw.toString('utf8');
      try {
        record.params = parseStripeForm(text);
      } catch (error) {
        if (error instanceof FormSyntaxError)
          throw new StripeApiError(400, 'invalid_request_error', error.message);
        throw error;
      }
      const fingerprint = `${method} ${url.pathname} ${text}`;
      const saved =
        idempotencyKey === undefined ? undefined : idempotency.lookup(idempotencyKey, fingerprint);
      if (saved) {
        record.replayed = true;
        result = saved;
      } else {
        result = { status: 200, body: handleApi(apiContext, method, url.pathname, record.params) };
        if (idempotencyKey !== undefined) idempotency.save(idempotencyKey, fingerprint, result);
      }
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      result = { status: error.status, body: error.body() };
    }
    record.status = result.status;
    requests.push(record);
    sendJson(response, result.status, result.body, {
      'Request-Id': stripeId('req'),
      'Stripe-Version': apiVersion,
      ...(idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey }),
      ...(record.replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const [, first, id, extra] = url.pathname.split('/');
    if (url.pathname.startsWith('/v1/')) return apiRequest(url, request, response);
    request.resume();
    if (request.method === 'GET' && first === 'checkout' && id && extra === undefined) {
      const state = world.checkoutSessions.get(id);
      return state
        ? sendHtml(response, 200, checkoutPage(state, world.prices.get(state.priceId)))
        : sendHtml(response, 404, notFoundPage());
    }
    if (request.method === 'GET' && first === 'portal' && id && extra === undefined) {
      const session = world.portalSessions.get(id);
      return session ? sendHtml(response, 200, portalPage(session)) : sendHtml(response, 404, notFoundPage());
    }
    return sendHtml(response, 404, notFoundPage());
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      sendJson(response, 500, {
        error: { type: 'api_error', message: `Stripe stand-in failed: ${String(error)}` },
      });
    });
  });
  const port = await listen(server, 0, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;

  async function deliverAll(events: { type: string }[]): Promise<WebhookDelivery[]> {
    const deliveries: WebhookDelivery[] = [];
    // One at a time, like Stripe's queue for one endpoint: the app sees them in the chosen order.
    for (const event of events) deliveries.push(await sender.send(event));
    return deliveries;
  }

  return {
    baseUrl: origin,
    host: '127.0.0.1',
    port,
    secretKey,
    webhookSecret,
    apiVersion,
    priceId: price.id,
    setWebhookUrl: (url) => {
      sender.url = url;
    },
    completeCheckout: async (sessionId, checkoutOptions = {}) => {
      const { subscription, events } = payCheckout(lifecycle, sessionId);
      const order = checkoutOptions.order ?? CHECKOUT_EVENT_TYPES;
      return { subscription, deliveries: await deliverAll(ordered(events, order)) };
    },
    updateSubscription: async (id, change, updateOptions = {}) => {
      const events = changeSubscription(lifecycle, id, change);
      if (updateOptions.send === false) return [];
      return deliverAll(ordered(events, updateOptions.order));
    },
    putSubscription: (seed) => world.putSubscription(seed, price),
    sendEvent: (event, sendOptions) => sender.send(event, sendOptions),
    requests,
    webhooks: sender.deliveries,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
