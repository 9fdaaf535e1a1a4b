// Stripe stand-in: the /v1 endpoints DataDrivenDota's billing uses, with Stripe's validation and refusals.
import type { FormValue } from './form.js';
import type { StandinCheckoutSession, StandinPortalSession } from './objects.js';
import {
  StripeApiError,
  isRecord,
  metadataParam,
  missingParam,
  invalidParam,
  noSuch,
  stringParam,
  stripeId,
} from './wire.js';
import type { StripeWorld, SubscriptionListQuery } from './world.js';

export interface ApiContext {
  world: StripeWorld;
  /** `http://127.0.0.1:PORT`, for the hosted page URLs. */
  origin: () => string;
  nowSeconds: () => number;
}

type Params = Record<string, FormValue>;

/** Checkout sessions expire 24 hours after creation unless told otherwise. */
const CHECKOUT_LIFETIME_SECONDS = 24 * 3600;

/** Stripe refuses parameters an endpoint does not know, which catches typos in our own requests. */
function onlyKnown(params: Params, known: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!known.includes(name)) {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        `Received unknown parameter: ${name}`,
        'parameter_unknown',
        name,
      );
    }
  }
}

function createCheckoutSession(context: ApiContext, params: Params): StandinCheckoutSession {
  onlyKnown(params, [
    'mode',
    'line_items',
    'success_url',
    'cancel_url',
    'client_reference_id',
    'metadata',
    'subscription_data',
    'customer',
    'customer_email',
    'allow_promotion_codes',
    'expand',
  ]);
  const mode = stringParam(params, 'mode');
  if (mode === undefined) throw missingParam('mode');
  if (mode !== 'subscription') {
    throw invalidParam(
      'mode',
      `The stand-in serves only mode=subscription checkout sessions, got '${mode}'.`,
    );
  }
  const lineItems = params.line_items;
  if (!Array.isArray(lineItems) || lineItems.length === 0) {
    throw new StripeApiError(
      400,
      'invalid_request_error',
      'line_items is required in subscription mode.',
      'parameter_missing',
      'line_items',
    );
  }
  if (lineItems.length !== 1) {
    throw invalidParam('line_items', 'The stand-in serves checkout sessions with exactly one line item.');
  }
  const item = lineItems[0];
  if (!isRecord(item)) throw invalidParam('line_items[0]', 'Invalid line_items[0]: must be a hash');
  const priceId = item.price;
  if (typeof priceId !== 'string' || priceId === '') throw missingParam('line_items[0][price]');
  context.world.price(priceId, 'line_items[0][price]');
  if (item.quantity === undefined) {
    throw new StripeApiError(
      400,
      'invalid_request_error',
      'Quantity is required. Add `quantity` to `line_items[0]`',
      'parameter_missing',
      'line_items[0][quantity]',
    );
  }
  const quantity = Number(item.quantity);
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw invalidParam('line_items[0][quantity]', 'Invalid integer: line_items[0][quantity]');
  }
  // Stricter than Stripe (which falls back to a default page): our flow must always say where the customer returns.
  const successUrl = stringParam(params, 'success_url');
  if (!successUrl) throw missingParam('success_url');
  const customer = stringParam(params, 'customer');
  if (customer !== undefined) context.world.customer(customer, 'customer');
  const subscriptionData = params.subscription_data;
  if (subscriptionData !== undefined && !isRecord(subscriptionData)) {
    throw invalidParam('subscription_data', 'Invalid object: subscription_data must be a hash');
  }
  const id = stripeId('cs_test');
  const now = context.nowSeconds();
  const session: StandinCheckoutSession = {
    id,
    object: 'checkout.session',
    mode: 'subscription',
    status: 'open',
    payment_status: 'unpaid',
    url: `${context.origin()}/checkout/${id}`,
    client_reference_id: stringParam(params, 'client_reference_id') ?? null,
    metadata: metadataParam(params.metadata, 'metadata'),
    customer: customer ?? null,
    customer_email: stringParam(params, 'customer_email') ?? null,
    subscription: null,
    success_url: successUrl,
    cancel_url: stringParam(params, 'cancel_url') ?? null,
    created: now,
    expires_at: now + CHECKOUT_LIFETIME_SECONDS,
    livemode: false,
  };
  context.world.checkoutSessions.set(id, {
    session,
    priceId,
    quantity,
    subscriptionMetadata: metadataParam(subscriptionData?.metadata, 'subscription_data[metadata]'),
  });
  return session;
}

function createPortalSession(context: ApiContext, params: Params): StandinPortalSession {
  onlyKnown(params, ['customer', 'return_url', 'configuration', 'locale', 'expand']);
  const customer = stringParam(params, 'customer');
  if (!customer) throw missingParam('customer');
  context.world.customer(customer, 'customer');
  const id = stripeId('bps');
  const session: StandinPortalSession = {
    id,
    object: 'billing_portal.session',
    url: `${context.origin()}/portal/${id}`,
    customer,
    return_url: stringParam(params, 'return_url') ?? null,
    created: context.nowSeconds(),
    livemode: false,
  };
  context.world.portalSessions.set(id, session);
  return session;
}

function listQuery(params: Params): SubscriptionListQuery {
  onlyKnown(params, ['status', 'limit', 'starting_after', 'ending_before', 'customer', 'price', 'expand']);
  const limitText = stringParam(params, 'limit');
  const limit = limitText === undefined ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidParam('limit', 'Invalid integer: limit must be between 1 and 100');
  }
  return {
    status: stringParam(params, 'status') as SubscriptionListQuery['status'],
    customer: stringParam(params, 'customer'),
    limit,
    startingAfter: stringParam(params, 'starting_after'),
    endingBefore: stringParam(params, 'ending_before'),
  };
}

/** Answers one authenticated /v1 call with the object to return; refusals throw StripeApiError. */
export function handleApi(context: ApiContext, method: string, path: string, params: Params): unknown {
  const { world } = context;
  const segments = path.split('/').slice(2).map(decodeURIComponent);
  const [resource, second, third] = segments;
  if (method === 'POST' && path === '/v1/checkout/sessions') return createCheckoutSession(context, params);
  if (
    method === 'GET' &&
    resource === 'checkout' &&
    second === 'sessions' &&
    third &&
    segments.length === 3
  ) {
    onlyKnown(params, ['expand']);
    const state = world.checkoutSessions.get(third);
    if (!state) throw noSuch('checkout.session', third);
    return state.session;
  }
  if (method === 'POST' && path === '/v1/billing_portal/sessions')
    return createPortalSession(context, params);
  if (method === 'GET' && path === '/v1/subscriptions') return world.listSubscriptions(listQuery(params));
  if (method === 'GET' && resource === 'subscriptions' && second && segments.length === 2) {
    onlyKnown(params, ['expand']);
    return world.subscription(second);
  }
  if (method === 'GET' && resource === 'customers' && second && segments.length === 2) {
    onlyKnown(params, ['expand']);
    return world.customer(second);
  }
  throw new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
}
