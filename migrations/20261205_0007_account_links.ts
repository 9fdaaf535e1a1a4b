// Chat users linked to a Dota account (`/dota link`), so player commands default to the caller.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_links', (t) => {
    t.text('platform').notNullable(); // 'discord' | 'slack'
    t.text('user_id').notNullable();
    t.bigInteger('account_id').notNullable();
    t.timestamp('linked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['platform', 'user_id']);
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
