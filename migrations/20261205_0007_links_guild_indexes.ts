// Chat users linked to a Dota account (`/dota link`), and the per-guild indexes /dota status and the cap use.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_links', (t) => {
    t.text('platform').notNullable(); // 'discord' | 'slack'
    t.text('user_id').notNullable();
    t.bigInteger('account_id').notNullable();
    t.timestamp('linked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['platform', 'user_id']);
  });
  // The free-tier cap and /dota subscriptions read a guild's subscriptions; /dota status its failed deliveries.
  await knex.schema.alterTable('subscriptions', (t) => t.index(['platform', 'guild_id']));
  await knex.raw(
    `CREATE INDEX deliveries_failed_idx ON deliveries (platform, channel_id, id DESC) WHERE status = 'failed'`,
  );
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
