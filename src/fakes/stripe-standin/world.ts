// Stripe stand-in: what the account holds — prices, customers, subscriptions, sessions — and Stripe's list paging.
import {
  SUBSCRIPTION_STATUSES,
  itemList,
  subscriptionItem,
  type CheckoutSessionState,
  type StandinCustomer,
  type StandinPortalSession,
  type StandinPrice,
  type StandinSubscription,
  type SubscriptionStatus,
} from './objects.js';
import { StripeApiError, invalidParam, noSuch, stripeId } from './wire.js';

export interface SubscriptionListQuery {
  status: SubscriptionStatus | 'all' | 'ended' | undefined;
  customer: string | undefined;
  limit: number;
  startingAfter: string | undefined;
  endingBefore: string | undefined;
}

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** Seed for `putSubscription`: any subscription field, plus the id and metadata a replayed event names. */
export type SubscriptionSeed = Partial<Omit<StandinSubscription, 'items'>> & {
  id: string;
  metadata: Record<string, string>;
  items?: StandinSubscription['items'];
};

export class StripeWorld {
  readonly prices = new Map<string, StandinPrice>();
  readonly customers = new Map<string, StandinCustomer>();
  readonly checkoutSessions = new Map<string, CheckoutSessionState>();
  readonly portalSessions = new Map<string, StandinPortalSession>();
  readonly invoices = new Map<string, Record<string, unknown>>();
  /** Creation order breaks ties between subscriptions created in the same second, as Stripe's ordering does. */
  private readonly subscriptions = new Map<string, { subscription: StandinSubscription; sequence: number }>();
  private sequence = 0;

  constructor(private readonly nowSeconds: () => number) {}

  price(id: string, param: string): StandinPrice {
    const price = this.prices.get(id);
    if (!price) throw noSuch('price', id, param);
    return price;
  }

  customer(id: string, param = 'id'): StandinCustomer {
    const customer = this.customers.get(id);
    if (!customer) throw noSuch('customer', id, param);
    return customer;
  }

  createCustomer(id: string = stripeId('cus'), email: string | null = null): StandinCustomer {
    const customer: StandinCustomer = {
      id,
      object: 'customer',
      created: this.nowSeconds(),
      email,
      metadata: {},
      livemode: false,
    };
    this.customers.set(id, customer);
    return customer;
  }

  subscription(id: string, param = 'id'): StandinSubscription {
    const entry = this.subscriptions.get(id);
    if (!entry) throw noSuch('subscription', id, param);
    return entry.subscription;
  }

  /** A new active subscription to `price`, its first period starting now. */
  createSubscription(
    customer: string,
    price: StandinPrice,
    quantity: number,
    metadata: Record<string, string>,
  ) {
    const id = stripeId('sub');
    const now = this.nowSeconds();
    return this.store({
      id,
      object: 'subscription',
      status: 'active',
      customer,
      metadata: { ...metadata },
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      items: itemList(id, [subscriptionItem(id, price, quantity, now)]),
      latest_invoice: null,
      created: now,
      start_date: now,
      currency: price.currency,
      collection_method: 'charge_automatically',
      livemode: false,
    });
  }

  /** Seeds (or replaces) a subscription; missing fields get an active one-item subscription to `defaultPrice`. */
  putSubscription(seed: SubscriptionSeed, defaultPrice: StandinPrice): StandinSubscription {
    const now = this.nowSeconds();
    const customer = seed.customer ?? stripeId('cus');
    if (!this.customers.has(customer)) this.createCustomer(customer);
    const subscription: StandinSubscription = {
      object: 'subscription',
      status: 'active',
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      latest_invoice: null,
      created: now,
      start_date: seed.created ?? now,
      currency: defaultPrice.currency,
      collection_method: 'charge_automatically',
      livemode: false,
      ...seed,
      customer,
      metadata: { ...seed.metadata },
      items:
        seed.items ?? itemList(seed.id, [subscriptionItem(seed.id, defaultPrice, 1, seed.created ?? now)]),
    };
    this.subscriptions.delete(seed.id);
    return this.store(subscription);
  }

  private store(subscription: StandinSubscription): StandinSubscription {
    this.subscriptions.set(subscription.id, { subscription, sequence: this.sequence++ });
    return subscription;
  }

  /** Newest first, cursor-paged by `starting_after` / `ending_before`; without `status`, canceled ones are left out. */
  listSubscriptions(query: SubscriptionListQuery): ListPage<StandinSubscription> {
    const { status } = query;
    if (
      status !== undefined &&
      status !== 'all' &&
      status !== 'ended' &&
      !SUBSCRIPTION_STATUSES.includes(status)
    ) {
      throw invalidParam(
        'status',
        `Invalid status: must be one of all, ended, ${SUBSCRIPTION_STATUSES.join(', ')}`,
      );
    }
    if (query.startingAfter !== undefined && query.endingBefore !== undefined) {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        'You may only specify one of these parameters: starting_after, ending_before.',
      );
    }
    const matches = (subscription: StandinSubscription): boolean => {
      if (query.customer !== undefined && subscription.customer !== query.customer) return false;
      if (status === undefined) return subscription.status !== 'canceled';
      if (status === 'all') return true;
      if (status === 'ended')
        return subscription.status === 'canceled' || subscription.status === 'incomplete_expired';
      return subscription.status === status;
    };
    // Cursors are positions in the whole newest-first order, so a cursor the filter would hide still works.
    const ordered = [...this.subscriptions.values()]
      .sort((a, b) => b.subscription.created - a.subscription.created || b.sequence - a.sequence)
      .map((entry) => entry.subscription);
    const position = (id: string, param: string) => {
      this.subscription(id, param);
      return ordered.findIndex((subscription) => subscription.id === id);
    };
    if (query.endingBefore !== undefined) {
      const before = ordered.slice(0, position(query.endingBefore, 'ending_before')).filter(matches);
      const data = before.slice(Math.max(0, before.length - query.limit));
      return { object: 'list', data, has_more: before.length > query.limit, url: '/v1/subscriptions' };
    }
    const from = query.startingAfter === undefined ? 0 : position(query.startingAfter, 'starting_after') + 1;
    const after = ordered.slice(from).filter(matches);
    return {
      object: 'list',
      data: after.slice(0, query.limit),
      has_more: after.length > query.limit,
      url: '/v1/subscriptions',
    };
  }
}
