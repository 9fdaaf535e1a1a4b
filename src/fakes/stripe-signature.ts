// Signs a webhook payload the way Stripe does, so stripe.webhooks.constructEvent accepts (or rejects) it.
import { createHmac } from 'node:crypto';

/**
 * The `Stripe-Signature` header value for `payload`: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`.
 * The payload must be the exact bytes that are sent: Stripe signs the raw body, not a re-serialisation of it.
 */
export function signStripePayload(
  secret: string,
  payload: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): string {
  const signature = createHmac('sha256', secret)
    .update(`${timestampSeconds}.${payload}`, 'utf8')
    .digest('hex');
  return `t=${timestampSeconds},v1=${signature}`;
}
