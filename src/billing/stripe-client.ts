// The Stripe SDK, pointed at api.stripe.com or a stand-in, on the API version this code was written against.
import Stripe from 'stripe';

/** The version stripe 23.2 pins; webhook payloads and subscription shapes below assume it. */
export const STRIPE_API_VERSION = '2026-11-18.endive';

export function createStripe(secretKey: string, apiUrl: string): Stripe {
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(secretKey, {
    apiVersion: STRIPE_API_VERSION,
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
    // The SDK sends an Idempotency-Key with every POST it retries, so a retried Checkout creation is one session.
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
  });
}
