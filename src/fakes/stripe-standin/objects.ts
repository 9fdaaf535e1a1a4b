// Stripe stand-in: the API objects it serves, shaped as API version 2026-11-18.endive returns them.
import { stripeId } from './wire.js';

export type SubscriptionStatus =
  'active' | 'past_due' | 'unpaid' | 'canceled' | 'incomplete' | 'incomplete_expired' | 'trialing' | 'paused';

export const SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = [
  'active',
  'past_due',
  'unpaid',
  'canceled',
  'incomplete',
  'incomplete_expired',
  'trialing',
  'paused',
];

export interface StandinPrice {
  id: string;
  object: 'price';
  active: boolean;
  currency: string;
  unit_amount: number;
  type: 'recurring';
  recurring: { interval: 'month'; interval_count: number };
  product: string;
  livemode: false;
}

/** Since API version 2025-03-31.basil the billing period lives on each item, not on the subscription. */
export interface StandinSubscriptionItem {
  id: string;
  object: 'subscription_item';
  price: StandinPrice;
  quantity: number;
  current_period_start: number;
  current_period_end: number;
  subscription: string;
  created: number;
  metadata: Record<string, string>;
}

export interface StandinSubscription {
  id: string;
  object: 'subscription';
  status: SubscriptionStatus;
  customer: string;
  metadata: Record<string, string>;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  ended_at: number | null;
  items: {
    object: 'list';
    data: StandinSubscriptionItem[];
    has_more: boolean;
    total_count: number;
    url: string;
  };
  latest_invoice: string | null;
  created: number;
  start_date: number;
  currency: string;
  collection_method: 'charge_automatically';
  livemode: false;
}

export interface StandinCustomer {
  id: string;
  object: 'customer';
  created: number;
  email: string | null;
  metadata: Record<string, string>;
  livemode: false;
}

export interface StandinCheckoutSession {
  id: string;
  object: 'checkout.session';
  mode: 'subscription';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  url: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  customer: string | null;
  customer_email: string | null;
  subscription: string | null;
  success_url: string;
  cancel_url: string | null;
  created: number;
  expires_at: number;
  livemode: false;
}

export interface StandinPortalSession {
  id: string;
  object: 'billing_portal.session';
  url: string;
  customer: string;
  return_url: string | null;
  created: number;
  livemode: false;
}

/** What the stand-in keeps of a checkout session that the API object does not show (Stripe hides line items). */
export interface CheckoutSessionState {
  session: StandinCheckoutSession;
  priceId: string;
  quantity: number;
  subscriptionMetadata: Record<string, string>;
}

/** Adds calendar months in UTC, as Stripe's monthly billing does (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(seconds: number, months: number): number {
  const date = new Date(seconds * 1000);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return Math.floor(date.getTime() / 1000);
}

export function subscriptionItem(
  subscriptionId: string,
  price: StandinPrice,
  quantity: number,
  periodStart: number,
): StandinSubscriptionItem {
  return {
    id: stripeId('si'),
    object: 'subscription_item',
    price,
    quantity,
    current_period_start: periodStart,
    current_period_end: addMonths(periodStart, price.recurring.interval_count),
    subscription: subscriptionId,
    created: periodStart,
    metadata: {},
  };
}

export function itemList(
  subscriptionId: string,
  items: StandinSubscriptionItem[],
): StandinSubscription['items'] {
  return {
    object: 'list',
    data: items,
    has_more: false,
    total_count: items.length,
    url: `/v1/subscription_items?subscription=${subscriptionId}`,
  };
}

/**
 * The invoice a subscription's billing produced. Current API shape only: since 2025-03-31.basil an invoice names its
 * subscription under `parent.subscription_details.subscription`; the older top-level `subscription` field is gone, so
 * it is deliberately absent here and code that still reads it fails in tests.
 */
export function subscriptionInvoice(
  subscription: StandinSubscription,
  status: 'paid' | 'open',
  billingReason: 'subscription_create' | 'subscription_cycle',
  nowSeconds: number,
): Record<string, unknown> {
  const id = stripeId('in');
  const lines = subscription.items.data.map((item) => ({
    id: stripeId('il'),
    object: 'line_item',
    amount: item.price.unit_amount * item.quantity,
    currency: item.price.currency,
    invoice: id,
    period: { start: item.current_period_start, end: item.current_period_end },
    pricing: {
      type: 'price_details',
      price_details: { price: item.price.id, product: item.price.product },
      unit_amount_decimal: String(item.price.unit_amount),
    },
    parent: {
      type: 'subscription_item_details',
      subscription_item_details: {
        subscription: subscription.id,
        subscription_item: item.id,
        proration: false,
      },
      invoice_item_details: null,
    },
    quantity: item.quantity,
    metadata: {},
  }));
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const first = subscription.items.data[0];
  return {
    id,
    object: 'invoice',
    customer: subscription.customer,
    status,
    currency: subscription.currency,
    amount_due: total,
    amount_paid: status === 'paid' ? total : 0,
    amount_remaining: status === 'paid' ? 0 : total,
    attempt_count: 1,
    attempted: true,
    billing_reason: billingReason,
    collection_method: 'charge_automatically',
    created: nowSeconds,
    period_start: first?.current_period_start ?? nowSeconds,
    period_end: first?.current_period_end ?? nowSeconds,
    next_payment_attempt: status === 'paid' ? null : nowSeconds + 3 * 24 * 3600,
    status_transitions: {
      finalized_at: nowSeconds,
      paid_at: status === 'paid' ? nowSeconds : null,
      marked_uncollectible_at: null,
      voided_at: null,
    },
    lines: {
      object: 'list',
      data: lines,
      has_more: false,
      total_count: lines.length,
      url: `/v1/invoices/${id}/lines`,
    },
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
    },
    metadata: {},
    livemode: false,
  };
}
