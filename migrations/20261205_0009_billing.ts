// Premium per Discord guild or Slack workspace from Stripe subscriptions, and the Stripe events already applied.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('premium_accounts', (t) => {
    t.text('platform').notNullable(); // 'discord' | 'slack'
    t.text('guild_id').notNullable();
    t.text('stripe_customer_id');
    t.text('stripe_subscription_id');
    /** Stripe's subscription status as last fetched (active, trialing, past_due, canceled, unpaid, …). */
    t.text('status');
    t.text('price_id');
    /** Premium holds until this time (the paid period's end, or the grace period's after a failed payment). */
    t.timestamp('premium_until', { useTz: true });
    /** When a payment first failed for the current period; the grace period counts from here. */
    t.timestamp('past_due_since', { useTz: true });
    /** The tier whose limits were last applied to the guild's subscriptions (pauses on a downgrade). */
    t.text('tier_applied').notNullable().defaultTo('free');
    /** Set when premium ended and over-limit subscriptions were paused; shown by /dota premium and status. */
    t.text('notice');
    /** The notice last posted to the guild's alert channels: each new notice is announced once. */
    t.text('notice_announced');
    /** When the subscription copy last applied was read from Stripe: an older copy arriving later is skipped. */
    t.timestamp('synced_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['platform', 'guild_id']);
    t.unique(['stripe_subscription_id']);
  });
  // Stripe delivers at least once and in any order: an event id is applied once, in the transaction that stores it.
  await knex.schema.createTable('stripe_events', (t) => {
    t.text('id').primary();
    t.text('type').notNullable();
    t.timestamp('applied_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
