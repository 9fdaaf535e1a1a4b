// The pages Stripe sends customers back to: after paying (premium applied at once), after cancelling, from the portal.
import type { ServerResponse } from 'node:http';
import type { Route } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { BILLING_CANCEL_PATH, BILLING_RETURN_PATH, BILLING_SUCCESS_PATH, type Billing } from './billing.js';
import { findPremiumAccount } from './premium-accounts.repo.js';
import { idOf } from './stripe-ref.js';
import { fetchSubscription, unlessMissing } from './stripe-event.js';
import { syncSubscription } from './subscription-sync.js';

const CHECKOUT_SESSION_ID = /^cs_(test|live)_[A-Za-z0-9]{1,200}$/;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function sendPage(response: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
  });
  response.end(html);
}

/**
 * After Checkout: the session is read back from Stripe (the URL only names it) and its subscription applied now, so
 * the guild has premium before the webhook arrives. Applying it again later changes nothing.
 */
async function successPage(
  billing: Billing,
  db: Db,
  sessionId: string | null,
): Promise<[number, string, string]> {
  if (!sessionId || !CHECKOUT_SESSION_ID.test(sessionId))
    return [
      400,
      'No checkout session',
      'This page is where Stripe Checkout returns; open it from the /dota premium link.',
    ];
  const fetchedAt = new Date(billing.clock.now());
  const session = await unlessMissing(billing.stripe.checkout.sessions.retrieve(sessionId));
  const subscriptionId = session?.subscription && idOf(session.subscription);
  if (!session || session.status !== 'complete' || !subscriptionId)
    return [
      404,
      'Checkout not completed',
      'Stripe has no completed checkout with this id. Run /dota premium again to get a new link.',
    ];
  const subscription = await fetchSubscription(billing, subscriptionId);
  const now = new Date(billing.clock.now());
  const guild =
    subscription &&
    (await db.transaction((trx) => syncSubscription(trx, billing.sync, subscription, { fetchedAt, now })));
  const account = guild && (await findPremiumAccount(db, guild));
  if (!account?.premium_until || account.premium_until <= now)
    return [
      202,
      'Payment received',
      'Stripe has not confirmed the subscription yet. Premium applies as soon as it does; /dota status shows the tier.',
    ];
  return [
    200,
    'Premium is active',
    'Thank you! Premium is on for your server or workspace now. You can close this tab; /dota status shows the tier.',
  ];
}

export function billingPageRoutes(billing: Billing, db: Db, log: Logger): Route[] {
  return [
    {
      method: 'GET',
      path: BILLING_SUCCESS_PATH,
      async handler(request, response) {
        const sessionId = new URL(request.url ?? '/', 'http://local').searchParams.get('session_id');
        // Stripe unreachable: the customer still gets a page; the webhook or the reconcile job applies it later.
        const [status, title, body] = await successPage(billing, db, sessionId).catch(
          (error: unknown): [number, string, string] => {
            log.error({ err: error, sessionId }, 'billing success page could not reach Stripe');
            return [
              502,
              'Payment received',
              'We could not reach Stripe just now. Premium applies within the hour.',
            ];
          },
        );
        if (status !== 200)
          log.warn({ sessionId, status }, 'billing success page without a completed checkout');
        sendPage(response, status, title, body);
      },
    },
    {
      method: 'GET',
      path: BILLING_CANCEL_PATH,
      handler: (_request, response) =>
        Promise.resolve(
          sendPage(
            response,
            200,
            'Checkout cancelled',
            'Nothing was charged. Run /dota premium whenever you want a new link.',
          ),
        ),
    },
    {
      method: 'GET',
      path: BILLING_RETURN_PATH,
      handler: (_request, response) =>
        Promise.resolve(
          sendPage(
            response,
            200,
            'Billing updated',
            'Changes made in the portal reach the bot within a minute; /dota status shows the tier.',
          ),
        ),
    },
  ];
}
