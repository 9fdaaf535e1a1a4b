// Stripe stand-in: what happens outside the API — a customer paying at Checkout, renewals, failed payments,
// cancellations — as state changes plus the events Stripe would send for them.
import { stripeEvent, type StandinEvent } from './events.js';
import { subscriptionInvoice, type StandinSubscription } from './objects.js';
import { noSuch } from './wire.js';
import type { StripeWorld } from './world.js';

export const CHECKOUT_EVENT_TYPES = [
  'checkout.session.completed',
  'customer.subscription.created',
  'invoice.paid',
];

export interface SubscriptionChange {
  status?: 'active' | 'past_due' | 'unpaid' | 'canceled';
  /** Sets `cancel_at_period_end` (and `cancel_at` to the period end, or null). */
  cancelAtPeriodEnd?: boolean;
  /**
   * New `current_period_end` of the items (unix seconds). Later than the current end is a renewal: the new period
   * starts where the old one ended and a paid invoice is sent with the update.
   */
  currentPeriodEnd?: number;
}

export interface LifecycleContext {
  world: StripeWorld;
  apiVersion: string;
  nowSeconds: () => number;
}

/** Sorts events by `order` (a list of event types); types not listed are dropped, which simulates a lost event. */
export function ordered(events: StandinEvent[], order: string[] | undefined): StandinEvent[] {
  if (order === undefined) return events;
  return order.map((type) => {
    const event = events.find((candidate) => candidate.type === type);
    if (!event)
      throw new Error(
        `Stripe stand-in: no ${type} event to send (have ${events.map((e) => e.type).join(', ')})`,
      );
    return event;
  });
}

/** Pays an open checkout session: customer (unless given), active subscription, paid first invoice, session complete. */
export function payCheckout(
  context: LifecycleContext,
  sessionId: string,
): { subscription: StandinSubscription; events: StandinEvent[] } {
  const { world } = context;
  const state = world.checkoutSessions.get(sessionId);
  if (!state) throw noSuch('checkout.session', sessionId);
  const { session } = state;
  if (session.status !== 'open')
    throw new Error(`Stripe stand-in: checkout session ${sessionId} is ${session.status}`);
  const customer = session.customer ?? world.createCustomer(undefined, session.customer_email).id;
  const price = world.price(state.priceId, 'price');
  const subscription = world.createSubscription(customer, price, state.quantity, state.subscriptionMetadata);
  const invoice = subscriptionInvoice(subscription, 'paid', 'subscription_create', context.nowSeconds());
  world.invoices.set(String(invoice.id), invoice);
  subscription.latest_invoice = String(invoice.id);
  Object.assign(session, {
    status: 'complete',
    payment_status: 'paid',
    customer,
    subscription: subscription.id,
    url: null,
  });
  const now = context.nowSeconds();
  const event = (type: string, object: unknown) => stripeEvent(type, object, context.apiVersion, now);
  return {
    subscription,
    events: [
      event('checkout.session.completed', session),
      event('customer.subscription.created', subscription),
      event('invoice.paid', invoice),
    ],
  };
}

/** Applies `change` and returns the events Stripe would send for it, invoice events before the subscription's. */
export function changeSubscription(
  context: LifecycleContext,
  id: string,
  change: SubscriptionChange,
): StandinEvent[] {
  const { world, apiVersion } = context;
  const now = context.nowSeconds();
  const subscription = world.subscription(id);
  const before = structuredClone(subscription);
  const events: StandinEvent[] = [];
  const invoiceEvent = (status: 'paid' | 'open') => {
    const invoice = subscriptionInvoice(subscription, status, 'subscription_cycle', now);
    world.invoices.set(String(invoice.id), invoice);
    subscription.latest_invoice = String(invoice.id);
    events.push(
      stripeEvent(status === 'paid' ? 'invoice.paid' : 'invoice.payment_failed', invoice, apiVersion, now),
    );
  };

  const oldEnd = subscription.items.data[0]?.current_period_end;
  if (change.currentPeriodEnd !== undefined) {
    for (const item of subscription.items.data) {
      if (change.currentPeriodEnd > item.current_period_end)
        item.current_period_start = item.current_period_end;
      item.current_period_end = change.currentPeriodEnd;
    }
  }
  if (change.cancelAtPeriodEnd !== undefined) {
    subscription.cancel_at_period_end = change.cancelAtPeriodEnd;
    subscription.cancel_at = change.cancelAtPeriodEnd
      ? (subscription.items.data[0]?.current_period_end ?? null)
      : null;
  }
  const renewed =
    oldEnd !== undefined && change.currentPeriodEnd !== undefined && change.currentPeriodEnd > oldEnd;
  const status = change.status ?? subscription.status;
  if (status === 'canceled') {
    Object.assign(subscription, { status, canceled_at: now, ended_at: now, cancel_at_period_end: false });
    return [...events, stripeEvent('customer.subscription.deleted', subscription, apiVersion, now)];
  }
  if (status === 'past_due' && before.status !== 'past_due') invoiceEvent('open');
  else if (status === 'active' && (before.status !== 'active' || renewed)) invoiceEvent('paid');
  subscription.status = status;

  const previous: Record<string, unknown> = {};
  for (const key of ['status', 'cancel_at_period_end', 'cancel_at', 'latest_invoice', 'items'] as const) {
    if (JSON.stringify(before[key]) !== JSON.stringify(subscription[key])) previous[key] = before[key];
  }
  if (Object.keys(previous).length > 0) {
    events.push(stripeEvent('customer.subscription.updated', subscription, apiVersion, now, previous));
  }
  return events;
}
