// Per-minute gold/XP timelines from OpenDota's parsed replays: one row per match, one per player slot.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('match_timelines', (t) => {
    t.bigInteger('match_id').primary().references('matches.match_id').onDelete('CASCADE');
    // Index = minute, as OpenDota sends them; arrays keep a 60-minute game to one row instead of 60.
    t.specificType('radiant_gold_adv', 'integer[]').notNullable();
    t.specificType('radiant_xp_adv', 'integer[]');
    t.text('source').notNullable(); // 'opendota' today; names where the numbers came from if that changes
    t.timestamp('fetched_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('match_player_timelines', (t) => {
    t.bigInteger('match_id').notNullable().references('match_timelines.match_id').onDelete('CASCADE');
    t.integer('player_slot').notNullable();
    t.specificType('gold_t', 'integer[]');
    t.specificType('xp_t', 'integer[]');
    t.primary(['match_id', 'player_slot']);
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
