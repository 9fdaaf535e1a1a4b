// Stripe stand-in: the event envelope Stripe wraps every webhook in.
import { stripeId } from './wire.js';

export interface StandinEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  /** Null ids: these events come from Stripe's own billing, not from an API request of ours. */
  request: { id: null; idempotency_key: null };
  type: string;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
}

export function stripeEvent(
  type: string,
  object: unknown,
  apiVersion: string,
  createdSeconds: number,
  previousAttributes?: Record<string, unknown>,
): StandinEvent {
  return {
    id: stripeId('evt'),
    object: 'event',
    api_version: apiVersion,
    created: createdSeconds,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    // A snapshot: later changes to the stand-in's state must not alter an event already built.
    data: {
      object: structuredClone(object),
      ...(previousAttributes === undefined
        ? {}
        : { previous_attributes: structuredClone(previousAttributes) }),
    },
  };
}
