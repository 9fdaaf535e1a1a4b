// Captains Mode / league drafts: every pick and ban of a match in Valve's draft order.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('match_picks_bans', (t) => {
    t.bigInteger('match_id').notNullable().references('matches.match_id').onDelete('CASCADE');
    t.smallint('order').notNullable(); // 0-based position in the draft, as Valve numbers it
    t.boolean('is_pick').notNullable();
    t.integer('hero_id').notNullable(); // no FK, like match_players: Valve ships heroes before dotaconstants
    t.smallint('team').notNullable(); // 0 Radiant, 1 Dire
    t.primary(['match_id', 'order']);
    t.index(['hero_id']);
  });
  await knex.raw(
    `ALTER TABLE match_picks_bans ADD CONSTRAINT match_picks_bans_team_check CHECK (team IN (0, 1))`,
  );
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
