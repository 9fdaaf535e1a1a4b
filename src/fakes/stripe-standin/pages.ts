// Stripe stand-in: the hosted Checkout and customer-portal pages, as tiny HTML a browser (or a demo) can open.
import type { CheckoutSessionState, StandinPortalSession, StandinPrice } from './objects.js';
import { escapeHtml } from './wire.js';

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>${body}</body></html>\n`;
}

export function checkoutPage(state: CheckoutSessionState, price: StandinPrice | undefined): string {
  const { session } = state;
  const amount = price
    ? `${(price.unit_amount / 100).toFixed(2)} ${price.currency.toUpperCase()} / month`
    : '';
  if (session.status !== 'open') {
    return page('Checkout', `<h1>This checkout session is ${escapeHtml(session.status)}.</h1>`);
  }
  const cancel = session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Back</a></p>` : '';
  return page(
    'Subscribe',
    `<h1>Subscribe</h1><p data-price="${escapeHtml(state.priceId)}">${escapeHtml(amount)}</p>` +
      `<p>Test mode: the test calls completeCheckout('${escapeHtml(session.id)}') to pay.</p>${cancel}`,
  );
}

export function portalPage(session: StandinPortalSession): string {
  const back = session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return</a></p>` : '';
  return page(
    'Billing portal',
    `<h1>Billing portal</h1><p>Customer ${escapeHtml(session.customer)}</p>${back}`,
  );
}

export function notFoundPage(): string {
  return page('Not found', '<h1>Not found</h1>');
}
