// Slack workspaces that installed the app (tokens encrypted), and the workspace each delivery goes to.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('slack_installations', (t) => {
    // Enterprise Grid org-wide installs have no team: they are keyed by the enterprise id instead.
    t.text('install_key').primary(); // team id, or 'E:' + enterprise id for an org-wide install
    t.text('team_id');
    t.text('enterprise_id');
    t.text('team_name');
    t.text('bot_user_id');
    t.text('bot_id');
    t.text('installer_user_id');
    /** The whole Installation object Slack returned, AES-256-GCM encrypted: it holds the bot token. */
    t.binary('installation_sealed').notNullable();
    t.timestamp('installed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('paused_at', { useTz: true });
    t.text('pause_reason');
  });
  await knex.schema.alterTable('deliveries', (t) => {
    // The Slack sender needs the workspace (whose token to use); Discord ignores it.
    t.text('guild_id');
    // A platform's Retry-After: the delivery waits this out without spending one of its attempts.
    t.timestamp('not_before', { useTz: true });
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
