// The links /dota premium replies with: a Checkout Session bound to the guild, or the customer portal.
import {
  BILLING_CANCEL_PATH,
  BILLING_RETURN_PATH,
  BILLING_SUCCESS_PATH,
  billingUrl,
  type Billing,
} from './billing.js';
import { clientReference, guildMetadata, type GuildRef } from './guild-ref.js';

/**
 * A Checkout Session in subscription mode for `guild`. The guild is written three times: `client_reference_id`
 * and metadata on the session, and metadata on the subscription it creates, which every later event carries.
 * A guild that paid before reuses its customer (`customerId`), so the portal shows one history.
 */
export async function checkoutUrl(
  billing: Billing,
  guild: GuildRef,
  userId: string,
  customerId: string | null | undefined,
): Promise<string> {
  const session = await billing.stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: billing.priceId, quantity: 1 }],
    client_reference_id: clientReference(guild),
    metadata: { ...guildMetadata(guild), requested_by: userId },
    subscription_data: { metadata: guildMetadata(guild) },
    // Stripe fills in {CHECKOUT_SESSION_ID}: the success page reads the session back from Stripe, not from the URL.
    success_url: `${billingUrl(billing, BILLING_SUCCESS_PATH)}?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: billingUrl(billing, BILLING_CANCEL_PATH),
    ...(customerId ? { customer: customerId } : {}),
  });
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  return session.url;
}

/** A customer-portal link for the guild's Stripe customer. */
export async function portalUrl(billing: Billing, customerId: string): Promise<string> {
  const session = await billing.stripe.billingPortal.sessions.create({
    customer: customerId,
    return_url: billingUrl(billing, BILLING_RETURN_PATH),
  });
  return session.url;
}
