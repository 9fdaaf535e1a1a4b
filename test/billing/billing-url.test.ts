// Where Stripe sends customers back: below the operator's public URL, whatever path it has.
import { describe, expect, it } from 'vitest';
import { billingUrl, type Billing } from '../../src/billing/billing.js';

const at = (publicBaseUrl: string) => ({ publicBaseUrl }) as Billing;

describe('billingUrl', () => {
  it('when the public URL has a path, then the billing page stays under it, with or without a trailing slash', () => {
    expect(billingUrl(at('https://ddd.example.org/bot'), '/billing/success')).toBe(
      'https://ddd.example.org/bot/billing/success',
    );
    expect(billingUrl(at('https://ddd.example.org/bot/'), '/billing/cancel')).toBe(
      'https://ddd.example.org/bot/billing/cancel',
    );
  });

  it('when the public URL is an origin, then the page is at its root', () => {
    expect(billingUrl(at('http://127.0.0.1:8080'), '/billing/return')).toBe(
      'http://127.0.0.1:8080/billing/return',
    );
  });
});
