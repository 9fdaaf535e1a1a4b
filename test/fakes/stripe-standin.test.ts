// The Stripe stand-in against the real stripe SDK: API calls, protocol enforcement, and signed webhooks.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../src/http/listen.js';
import { signStripePayload } from '../../src/fakes/stripe-signature.js';
import { parseStripeForm } from '../../src/fakes/stripe-standin/form.js';
import {
  startStripeStandin,
  type StripeStandin,
  type StripeStandinOptions,
} from '../../src/fakes/stripe-standin.server.js';

/** What our billing code pins; the stand-in must agree with it. */
const API_VERSION: Stripe.LatestApiVersion = '2026-11-18.endive';
const GUILD = '1187331042116345876';

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function standinWith(options: StripeStandinOptions = {}): Promise<StripeStandin> {
  const standin = await startStripeStandin(options);
  cleanups.push(() => standin.close());
  return standin;
}

function sdkFor(standin: StripeStandin, key = standin.secretKey, apiVersion: string = API_VERSION): Stripe {
  return new Stripe(key, {
    host: standin.host,
    port: standin.port,
    protocol: 'http',
    apiVersion: apiVersion as Stripe.LatestApiVersion,
    maxNetworkRetries: 0,
    telemetry: false,
  });
}

interface Received {
  body: string;
  signature: string;
}

/** A webhook endpoint like ours: records each raw body and its Stripe-Signature, answers 200. */
async function webhookReceiver(standin: StripeStandin): Promise<Received[]> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const signature = request.headers['stripe-signature'];
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(signature) });
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
    });
  });
  const port = await listen(server, 0, '127.0.0.1');
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  standin.setWebhookUrl(`http://127.0.0.1:${port}/stripe/webhook`);
  return received;
}

async function openCheckout(stripe: Stripe, standin: StripeStandin, options: Stripe.RequestOptions = {}) {
  return stripe.checkout.sessions.create(
    {
      mode: 'subscription',
      line_items: [{ price: standin.priceId, quantity: 1 }],
      success_url: 'http://127.0.0.1:1/billing/success',
      cancel_url: 'http://127.0.0.1:1/billing/cancel',
      client_reference_id: GUILD,
      metadata: { guild_id: GUILD },
      subscription_data: { metadata: { guild_id: GUILD, platform: 'discord' } },
    },
    options,
  );
}

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/stripe/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

describe('stripe form parser', () => {
  it('when a body uses bracket notation, then it nests objects and indexed arrays as Stripe reads them', () => {
    const parsed = parseStripeForm(
      'mode=subscription&line_items[0][price]=price_x&line_items[0][quantity]=1&line_items[1][price]=price_y' +
        '&metadata[guild_id]=42&subscription_data[metadata][platform]=slack&expand[]=a&expand[]=b&note=a+b%26c&empty=',
    );

    expect(parsed).toEqual({
      mode: 'subscription',
      line_items: [{ price: 'price_x', quantity: '1' }, { price: 'price_y' }],
      metadata: { guild_id: '42' },
      subscription_data: { metadata: { platform: 'slack' } },
      expand: ['a', 'b'],
      note: 'a b&c',
      empty: '',
    });
  });

  it('when brackets are percent-encoded, then they parse the same as literal ones', () => {
    expect(parseStripeForm('metadata%5Bguild_id%5D=7')).toEqual({ metadata: { guild_id: '7' } });
  });

  it('when a name is both a value and a hash, or reaches the prototype, or is malformed, then parsing fails', () => {
    expect(() => parseStripeForm('metadata=x&metadata[a]=b')).toThrow(/value and a hash/);
    expect(() => parseStripeForm('a[b]=1&a[0]=2')).not.toThrow();
    expect(() => parseStripeForm('a[0]=1&a[b]=2')).toThrow(/Invalid array/);
    expect(() => parseStripeForm('metadata[__proto__][x]=1')).toThrow(/Invalid parameter name/);
    expect(() => parseStripeForm('a[b=1')).toThrow(/Invalid parameter name/);
    expect(() => parseStripeForm('a=1&a=2')).toThrow(/Duplicate/);
  });
});

describe('stripe stand-in API', () => {
  it('when the SDK creates and retrieves a checkout session, then it sees a hosted URL and the stand-in read the bracketed params', async () => {
    const standin = await standinWith();
    const stripe = sdkFor(standin);

    const created = await openCheckout(stripe, standin);
    const retrieved = await stripe.checkout.sessions.retrieve(created.id);

    expect(created).toMatchObject({
      object: 'checkout.session',
      mode: 'subscription',
      status: 'open',
      client_reference_id: GUILD,
      metadata: { guild_id: GUILD },
      customer: null,
      subscription: null,
      success_url: 'http://127.0.0.1:1/billing/success',
      cancel_url: 'http://127.0.0.1:1/billing/cancel',
    });
    expect(created.id).toMatch(/^cs_test_\w+$/);
    expect(created.url).toBe(`${standin.baseUrl}/checkout/${created.id}`);
    expect(retrieved.id).toBe(created.id);
    expect(standin.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/checkout/sessions',
      status: 200,
      stripeVersion: API_VERSION,
      params: {
        line_items: [{ price: standin.priceId, quantity: '1' }],
        subscription_data: { metadata: { guild_id: GUILD, platform: 'discord' } },
      },
    });
    // stripe 23 keys every POST, even with maxNetworkRetries 0 (a closed connection is still retried once).
    expect(standin.requests[0]?.idempotencyKey).toMatch(/^stripe-node-retry-/);
    expect(standin.requests[1]).toMatchObject({ method: 'GET', status: 200 });
    expect(standin.requests[1]?.idempotencyKey).toBeUndefined();
  });

  it('when a browser opens the session URL, then it gets an HTML checkout page, and a 404 page for an unknown one', async () => {
    const standin = await standinWith();
    const session = await openCheckout(sdkFor(standin), standin);

    const page = await fetch(String(session.url));
    const missing = await fetch(`${standin.baseUrl}/checkout/cs_test_nope`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('5.00 USD / month');
    expect(missing.status).toBe(404);
  });

  it('when a line item has no quantity or an unknown price, then the SDK gets StripeInvalidRequestError naming the param', async () => {
    const standin = await standinWith();
    const stripe = sdkFor(standin);
    const base = { mode: 'subscription' as const, success_url: 'http://127.0.0.1:1/ok' };

    await expect(
      stripe.checkout.sessions.create({ ...base, line_items: [{ price: standin.priceId }] }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'parameter_missing',
      param: 'line_items[0][quantity]',
    });
    await expect(
      stripe.checkout.sessions.create({ ...base, line_items: [{ price: 'price_nope', quantity: 1 }] }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'resource_missing',
      param: 'line_items[0][price]',
      // The SDK prefixes `message` with the request id; `raw` holds Stripe's own wording.
      raw: expect.objectContaining({ message: "No such price: 'price_nope'" }) as unknown,
    });
  });

  it('when a POST repeats an Idempotency-Key with the same body, then the first response is replayed, not a second session', async () => {
    const standin = await standinWith();
    const stripe = sdkFor(standin);

    const first = await openCheckout(stripe, standin, { idempotencyKey: 'checkout-guild-1' });
    const second = await openCheckout(stripe, standin, { idempotencyKey: 'checkout-guild-1' });

    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(standin.requests.map((request) => request.replayed)).toEqual([false, true]);
  });

  it('when an Idempotency-Key is reused with a different body, then the SDK gets StripeIdempotencyError', async () => {
    const standin = await standinWith();
    const stripe = sdkFor(standin);
    await openCheckout(stripe, standin, { idempotencyKey: 'checkout-guild-1' });

    const reuse = stripe.billingPortal.sessions.create(
      { customer: 'cus_x' },
      { idempotencyKey: 'checkout-guild-1' },
    );

    await expect(reuse).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    await expect(reuse).rejects.toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
  });

  it('when the secret key is wrong or missing, then the SDK gets StripeAuthenticationError and the key is redacted', async () => {
    const standin = await standinWith({ secretKey: 'sk_test_rightkey000000000000001234' });

    const wrong = sdkFor(standin, 'sk_test_wrongkey000000000000009876').subscriptions.retrieve('sub_x');
    const none = fetch(`${standin.baseUrl}/v1/subscriptions/sub_x`, {
      headers: { 'Stripe-Version': API_VERSION },
    });

    await expect(wrong).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    await expect(wrong).rejects.toMatchObject({
      statusCode: 401,
      message: expect.stringMatching(/\*+9876$/) as unknown,
    });
    const response = await none;
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        type: 'invalid_request_error',
        message: expect.stringContaining('did not provide an API key') as unknown,
      },
    });
  });

  it('when the SDK is configured for another API version, then every call fails with a 400 naming both versions', async () => {
    const standin = await standinWith();

    const call = sdkFor(standin, standin.secretKey, '2025-03-31.basil').subscriptions.list();

    await expect(call).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(call).rejects.toMatchObject({
      statusCode: 400,
      code: 'api_version_mismatch',
      message: expect.stringMatching(/'2025-03-31\.basil'.*'2026-11-18\.endive'/) as unknown,
    });
    expect(standin.requests[0]).toMatchObject({ status: 400, stripeVersion: '2025-03-31.basil' });
  });

  it('when a POST body is JSON instead of a form, then it is refused', async () => {
    const standin = await standinWith();

    const response = await fetch(`${standin.baseUrl}/v1/billing_portal/sessions`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${standin.secretKey}`,
        'Stripe-Version': API_VERSION,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ customer: 'cus_x' }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('when a subscription id is unknown, then the SDK gets resource_missing with Stripe wording', async () => {
    const standin = await standinWith();

    const call = sdkFor(standin).subscriptions.retrieve('sub_nope');

    await expect(call).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(call).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      raw: expect.objectContaining({ message: "No such subscription: 'sub_nope'" }) as unknown,
    });
  });

  it('when subscriptions span several pages, then list pages newest first and autoPagingEach visits each once', async () => {
    let nowMs = 1_764_000_000_000;
    const standin = await standinWith({ now: () => nowMs });
    const ids = ['sub_a', 'sub_b', 'sub_c', 'sub_d', 'sub_e'];
    for (const id of ids) {
      standin.putSubscription({
        id,
        metadata: { guild_id: id },
        status: id === 'sub_c' ? 'canceled' : 'active',
      });
      nowMs += 1000;
    }
    const stripe = sdkFor(standin);

    const firstPage = await stripe.subscriptions.list({ status: 'all', limit: 2 });
    const visited: string[] = [];
    await stripe.subscriptions.list({ status: 'all', limit: 2 }).autoPagingEach((subscription) => {
      visited.push(subscription.id);
    });
    const notCanceled = await stripe.subscriptions.list({ limit: 100 });
    const active = await stripe.subscriptions.list({ status: 'active', limit: 100 });

    expect(firstPage).toMatchObject({ object: 'list', has_more: true, url: '/v1/subscriptions' });
    expect(firstPage.data.map((subscription) => subscription.id)).toEqual(['sub_e', 'sub_d']);
    expect(visited).toEqual(['sub_e', 'sub_d', 'sub_c', 'sub_b', 'sub_a']);
    expect(standin.requests.slice(1, 4).map((request) => request.params.starting_after)).toEqual([
      undefined,
      'sub_d',
      'sub_b',
    ]);
    expect(notCanceled.data.map((subscription) => subscription.id)).toEqual([
      'sub_e',
      'sub_d',
      'sub_b',
      'sub_a',
    ]);
    expect(active.data).toHaveLength(4);
  });

  it('when a cursor names an unknown subscription, then listing fails with resource_missing on that param', async () => {
    const standin = await standinWith();

    const call = sdkFor(standin).subscriptions.list({ starting_after: 'sub_gone' });

    await expect(call).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'starting_after',
    });
  });

  it('when the SDK opens a portal session for a known customer, then it gets a bps_ id and a page URL that serves HTML', async () => {
    const standin = await standinWith();
    const seeded = standin.putSubscription({ id: 'sub_portal', metadata: {}, customer: 'cus_portal' });
    const stripe = sdkFor(standin);

    const session = await stripe.billingPortal.sessions.create({
      customer: seeded.customer,
      return_url: 'http://127.0.0.1:1/back',
    });
    const customer = await stripe.customers.retrieve('cus_portal');
    const page = await fetch(session.url);
    const unknown = stripe.billingPortal.sessions.create({ customer: 'cus_nope' });

    expect(session).toMatchObject({
      object: 'billing_portal.session',
      customer: 'cus_portal',
      return_url: 'http://127.0.0.1:1/back',
      url: `${standin.baseUrl}/portal/${session.id}`,
    });
    expect(session.id).toMatch(/^bps_/);
    expect(customer).toMatchObject({ id: 'cus_portal', object: 'customer' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('http://127.0.0.1:1/back');
    await expect(unknown).rejects.toMatchObject({ code: 'resource_missing', param: 'customer' });
  });
});

describe('stripe stand-in webhooks', () => {
  it('when a checkout is completed, then three signed events arrive in order and constructEvent accepts each', async () => {
    const standin = await standinWith();
    const received = await webhookReceiver(standin);
    const stripe = sdkFor(standin);
    const session = await openCheckout(stripe, standin);

    const { subscription, deliveries } = await standin.completeCheckout(session.id);

    const events = received.map((delivery) =>
      stripe.webhooks.constructEvent(delivery.body, delivery.signature, standin.webhookSecret),
    );
    expect(events.map((event) => event.type)).toEqual([
      'checkout.session.completed',
      'customer.subscription.created',
      'invoice.paid',
    ]);
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200]);
    expect(standin.webhooks).toEqual(deliveries);
    for (const event of events) {
      expect(event).toMatchObject({
        object: 'event',
        api_version: API_VERSION,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
      });
      expect(event.id).toMatch(/^evt_/);
    }
    const [completed, created, paid] = events;
    expect(completed?.data.object).toMatchObject({
      id: session.id,
      status: 'complete',
      subscription: subscription.id,
      customer: subscription.customer,
      client_reference_id: GUILD,
    });
    expect(created?.data.object).toMatchObject({
      id: subscription.id,
      status: 'active',
      metadata: { guild_id: GUILD, platform: 'discord' },
    });
    const invoice = paid?.data.object as Stripe.Invoice;
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice).not.toHaveProperty('subscription');
    const fetched = await stripe.subscriptions.retrieve(subscription.id);
    const item = fetched.items.data[0];
    expect(fetched).not.toHaveProperty('current_period_end');
    expect(item?.price.id).toBe(standin.priceId);
    expect(item && item.current_period_end > item.current_period_start).toBe(true);
    expect(fetched.latest_invoice).toBe(invoice.id);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('complete');
  });

  it('when an order is given, then events arrive in that order and unlisted ones are not sent', async () => {
    const standin = await standinWith();
    const received = await webhookReceiver(standin);
    const session = await openCheckout(sdkFor(standin), standin);

    await standin.completeCheckout(session.id, { order: ['invoice.paid', 'checkout.session.completed'] });

    expect(received.map((delivery) => (JSON.parse(delivery.body) as { type: string }).type)).toEqual([
      'invoice.paid',
      'checkout.session.completed',
    ]);
  });

  it('when an event is forged, stale or tampered with, then constructEvent rejects it', async () => {
    const standin = await standinWith();
    const received = await webhookReceiver(standin);
    const stripe = sdkFor(standin);
    const event = fixture('supabase_subscription_updated.json');
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;

    await standin.sendEvent(event);
    await standin.sendEvent(event, { forge: true });
    await standin.sendEvent(event, { timestampSeconds: tenMinutesAgo });
    await standin.sendEvent(event, { tamper: true });

    const verify = (index: number) => {
      const delivery = received[index];
      if (!delivery) throw new Error(`no delivery ${index}`);
      return stripe.webhooks.constructEvent(delivery.body, delivery.signature, standin.webhookSecret);
    };
    expect(verify(0)).toEqual(event);
    expect(() => verify(1)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => verify(2)).toThrow(/tolerance/);
    expect(() => verify(3)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(standin.webhooks.map((delivery) => delivery.eventId)).toEqual(Array(4).fill(event.id));
  });

  it('when signStripePayload signs a body, then the real SDK verifies it and a wrong secret does not', () => {
    const stripe = new Stripe('sk_test_unused', { apiVersion: API_VERSION });
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'invoice.paid' });

    const header = signStripePayload('whsec_secret', payload);

    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(stripe.webhooks.constructEvent(payload, header, 'whsec_secret').id).toBe('evt_1');
    expect(() => stripe.webhooks.constructEvent(payload, header, 'whsec_other')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it('when a subscription goes past due, then invoice.payment_failed and customer.subscription.updated follow with previous_attributes', async () => {
    const standin = await standinWith();
    const received = await webhookReceiver(standin);
    const stripe = sdkFor(standin);
    const session = await openCheckout(stripe, standin);
    const { subscription } = await standin.completeCheckout(session.id);

    const deliveries = await standin.updateSubscription(subscription.id, { status: 'past_due' });

    const [failed, updated] = received
      .slice(3)
      .map((delivery) =>
        stripe.webhooks.constructEvent(delivery.body, delivery.signature, standin.webhookSecret),
      );
    expect(deliveries.map((delivery) => delivery.type)).toEqual([
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
    expect((failed?.data.object as Stripe.Invoice).parent?.subscription_details?.subscription).toBe(
      subscription.id,
    );
    expect(updated?.data).toMatchObject({
      object: { id: subscription.id, status: 'past_due' },
      previous_attributes: { status: 'active' },
    });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
  });

  it('when a subscription is canceled or set to cancel at period end, then deleted or updated is sent', async () => {
    const standin = await standinWith();
    await webhookReceiver(standin);
    standin.putSubscription({ id: 'sub_one', metadata: { guild_id: '1' } });
    standin.putSubscription({ id: 'sub_two', metadata: { guild_id: '2' } });

    const ending = await standin.updateSubscription('sub_one', { cancelAtPeriodEnd: true });
    const deleted = await standin.updateSubscription('sub_two', { status: 'canceled' });
    const quiet = await standin.updateSubscription('sub_one', { cancelAtPeriodEnd: false }, { send: false });

    expect(ending.map((delivery) => delivery.type)).toEqual(['customer.subscription.updated']);
    expect(JSON.parse(ending[0]?.payload ?? '{}')).toMatchObject({
      data: { object: { cancel_at_period_end: true }, previous_attributes: { cancel_at_period_end: false } },
    });
    expect(deleted.map((delivery) => delivery.type)).toEqual(['customer.subscription.deleted']);
    expect(quiet).toEqual([]);
    expect(standin.webhooks).toHaveLength(2);
  });

  it('when a fixture event is replayed for a seeded subscription, then it arrives byte-for-byte verifiable and the API knows the id', async () => {
    const standin = await standinWith();
    const received = await webhookReceiver(standin);
    const stripe = sdkFor(standin);
    const event = fixture('supabase_subscription_deleted.json');
    const object = (event.data as { object: { id: string; customer: string } }).object;
    standin.putSubscription({ id: object.id, customer: object.customer, metadata: {}, status: 'canceled' });

    const delivery = await standin.sendEvent(event);

    expect(delivery).toMatchObject({ status: 200, type: 'customer.subscription.deleted', eventId: event.id });
    expect(received[0]?.body).toBe(delivery.payload);
    expect(
      stripe.webhooks.constructEvent(delivery.payload, delivery.signature, standin.webhookSecret),
    ).toEqual(event);
    expect(await stripe.subscriptions.retrieve(object.id)).toMatchObject({
      id: object.id,
      status: 'canceled',
    });
  });

  it('when no webhook URL is set, then sending fails loudly instead of dropping the event', async () => {
    const standin = await standinWith();

    await expect(standin.sendEvent({ id: 'evt_x', type: 'invoice.paid' })).rejects.toThrow(/setWebhookUrl/);
  });
});
