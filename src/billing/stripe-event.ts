// Applies one verified Stripe event, once: it names a subscription, and the subscription's current state decides.
import Stripe from 'stripe';
import type { Db } from '../store/db.js';
import type { Billing } from './billing.js';
import { idOf } from './stripe-ref.js';
import { syncSubscription } from './subscription-sync.js';

export type EventOutcome = 'applied' | 'duplicate' | 'ignored';

/** The events that can change a guild's premium; any other type is acknowledged and left alone. */
const HANDLED = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'invoice.paid',
  'invoice.payment_failed',
]);

type Reference = string | { id: string } | null | undefined;

/**
 * The subscription an event is about. Invoices name it under `parent.subscription_details` since API 2025-03-31
 * and at their top level before (older endpoints and the shipped fixtures still send that shape).
 */
export function subscriptionIdOf(event: Stripe.Event): string | undefined {
  const object = event.data.object as unknown as Record<string, unknown>;
  if (event.type.startsWith('customer.subscription.')) return object.id as string;
  if (event.type === 'checkout.session.completed') return idOf(object.subscription as Reference);
  if (event.type.startsWith('invoice.')) {
    const parent = object.parent as
      { subscription_details?: { subscription?: Reference } } | null | undefined;
    return idOf(parent?.subscription_details?.subscription) ?? idOf(object.subscription as Reference);
  }
  return undefined;
}

/** The object, or undefined when Stripe says this account has none with that id; other failures throw. */
export async function unlessMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing')
      return undefined;
    throw error;
  }
}

/** The subscription as Stripe has it now; undefined when this account has no such subscription. */
export const fetchSubscription = (billing: Billing, id: string): Promise<Stripe.Subscription | undefined> =>
  unlessMissing(billing.stripe.subscriptions.retrieve(id));

/**
 * Applies `event` unless its id was applied before. The subscription is fetched first (outside the transaction:
 * no connection held across a network call); the event id is stored in the same transaction as the sync, so a
 * crash leaves neither and Stripe's retry applies it. A failure to reach Stripe throws: the webhook answers 500
 * and Stripe delivers again later.
 */
export async function applyStripeEvent(billing: Billing, db: Db, event: Stripe.Event): Promise<EventOutcome> {
  if (!HANDLED.has(event.type)) return 'ignored';
  if (await db('stripe_events').where({ id: event.id }).first('id')) return 'duplicate';
  const subscriptionId = subscriptionIdOf(event);
  const fetchedAt = new Date(billing.clock.now());
  const subscription = subscriptionId ? await fetchSubscription(billing, subscriptionId) : undefined;
  return db.transaction(async (trx) => {
    const stored = await trx('stripe_events')
      .insert({ id: event.id, type: event.type })
      .onConflict('id')
      .ignore()
      .returning('id');
    // A concurrent delivery of the same event got here first.
    if (stored.length === 0) return 'duplicate';
    if (!subscription) return 'ignored';
    const guild = await syncSubscription(trx, billing.sync, subscription, {
      fetchedAt,
      now: new Date(billing.clock.now()),
    });
    return guild ? 'applied' : 'ignored';
  });
}
