// Stripe stand-in: delivers events to the app's webhook endpoint, signed like Stripe (or deliberately not).
import { randomBytes } from 'node:crypto';
import { signStripePayload } from '../stripe-signature.js';
import { isRecord } from './wire.js';

/** One POST to the webhook endpoint and how the app answered it. */
export interface WebhookDelivery {
  eventId: string;
  type: string;
  /** The app's HTTP status; 0 when the request failed (connection refused, timeout). */
  status: number;
  /** The app's response body, or the network error's message. */
  body: string;
  /** The exact bytes sent and the `Stripe-Signature` header sent with them. */
  payload: string;
  signature: string;
}

export interface SendOptions {
  /** Sign with a secret other than the endpoint's (what an attacker without the secret can do). */
  forge?: boolean;
  /** The signature's `t=`; e.g. ten minutes ago for a replayed, stale delivery. Defaults to now. */
  timestampSeconds?: number;
  /** Sign the event, then send a body that differs from what was signed. */
  tamper?: boolean;
}

/** Stripe gives up on an endpoint that has not answered within a few seconds and retries later. */
const DELIVERY_TIMEOUT_MS = 10_000;

export class WebhookSender {
  url: string | undefined;
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly secret: string,
    private readonly nowSeconds: () => number,
  ) {}

  async send(event: object, options: SendOptions = {}): Promise<WebhookDelivery> {
    const url = this.url;
    if (url === undefined) throw new Error('Stripe stand-in: setWebhookUrl() before sending events');
    const record = isRecord(event) ? event : {};
    const signed = JSON.stringify(event, null, 2);
    const secret = options.forge ? `whsec_${randomBytes(24).toString('hex')}` : this.secret;
    const signature = signStripePayload(secret, signed, options.timestampSeconds ?? this.nowSeconds());
    const payload = options.tamper
      ? JSON.stringify({ ...record, livemode: !record.livemode }, null, 2)
      : signed;
    const delivery: WebhookDelivery = {
      eventId: typeof record.id === 'string' ? record.id : '',
      type: typeof record.type === 'string' ? record.type : '',
      status: 0,
      body: '',
      payload,
      signature,
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Stripe-Signature': signature,
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      delivery.status = response.status;
      delivery.body = await response.text();
    } catch (error) {
      delivery.body = error instanceof Error ? error.message : String(error);
    }
    this.deliveries.push(delivery);
    return delivery;
  }
}
