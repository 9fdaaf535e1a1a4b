// POST /stripe/webhook: the raw body checked against Stripe-Signature, then the event applied once.
import type Stripe from 'stripe';
import { readBody, sendJson, type Route } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { STRIPE_WEBHOOK_PATH, type Billing } from './billing.js';
import { applyStripeEvent } from './stripe-event.js';

/** Stripe's own default: a signature older than five minutes is a replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
/** Events are a few kilobytes; a subscription with many items stays far below this. */
const MAX_EVENT_BYTES = 512 * 1024;

/** Every event Stripe sends has these, and applyStripeEvent reads them unchecked (without them it threw: a 500). */
function isEventShaped(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const { id, type, data } = event as { id?: unknown; type?: unknown; data?: { object?: unknown } };
  return (
    typeof id === 'string' &&
    id.length > 0 &&
    typeof type === 'string' &&
    typeof data?.object === 'object' &&
    data.object !== null
  );
}

export function stripeWebhookRoute(billing: Billing, db: Db, log: Logger): Route {
  return {
    method: 'POST',
    path: STRIPE_WEBHOOK_PATH,
    async handler(request, response) {
      const body = await readBody(request, MAX_EVENT_BYTES);
      const signature = request.headers['stripe-signature'];
      let event: Stripe.Event;
      try {
        event = billing.stripe.webhooks.constructEvent(
          body,
          typeof signature === 'string' ? signature : '',
          billing.webhookSecret,
          WEBHOOK_TOLERANCE_SECONDS,
          undefined,
          billing.clock.now(),
        );
      } catch (error) {
        // A forged, tampered, stale or unparsable request: nothing is read from it, nothing is stored.
        const reason = error instanceof Error ? error.message : String(error);
        log.warn({ reason }, 'stripe webhook refused');
        return sendJson(response, 400, { error: `webhook refused: ${reason}` });
      }
      // Signed with our secret is not the same as shaped like an event.
      if (!isEventShaped(event)) {
        log.warn('stripe webhook refused: signed body is not an event');
        return sendJson(response, 400, { error: 'webhook refused: not an event (id, type, data.object)' });
      }
      const outcome = await applyStripeEvent(billing, db, event);
      log.info({ event: event.id, type: event.type, outcome }, 'stripe webhook');
      sendJson(response, 200, { received: true, outcome });
    },
  };
}
