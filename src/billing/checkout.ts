// The links /dota premium replies with: a Checkout Session bound to the guild, or the customer portal.
import type { Db } from '../store/db.js';
import {
  BILLING_CANCEL_PATH,
  BILLING_RETURN_PATH,
  BILLING_SUCCESS_PATH,
  billingUrl,
  type Billing,
} from './billing.js';
import { clientReference, guildMetadata, type GuildRef } from './guild-ref.js';
import { findPremiumAccount } from './premium-accounts.repo.js';

/**
 * A Checkout Session in subscription mode for `guild`. The guild is written three times: `client_reference_id`
 * and metadata on the session, and metadata on the subscription it creates, which every later event carries.
 * A guild that paid before reuses its customer, so the portal shows one history.
 */
export async function checkoutUrl(
  billing: Billing,
  db: Db,
  guild: GuildRef,
  userId: string,
): Promise<string> {
  const account = await findPremiumAccount(db, guild);
  const session = await billing.stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: billing.priceId, quantity: 1 }],
    client_reference_id: clientReference(guild),
    metadata: { ...guildMetadata(guild), requested_by: userId },
    subscription_data: { metadata: guildMetadata(guild) },
    // Stripe fills in {CHECKOUT_SESSION_ID}: the success page reads the session back from Stripe, not from the URL.
    success_url: `${billingUrl(billing, BILLING_SUCCESS_PATH)}?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: billingUrl(billing, BILLING_CANCEL_PATH),
    ...(account?.stripe_customer_id ? { customer: account.stripe_customer_id } : {}),
  });
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  return session.url;
}

/** A customer-portal link for the guild's Stripe customer, or undefined when it never paid. */
export async function portalUrl(billing: Billing, db: Db, guild: GuildRef): Promise<string | undefined> {
  const customer = (await findPremiumAccount(db, guild))?.stripe_customer_id;
  if (!customer) return undefined;
  const session = await billing.stripe.billingPortal.sessions.create({
    customer,
    return_url: billingUrl(billing, BILLING_RETURN_PATH),
  });
  return session.url;
}
