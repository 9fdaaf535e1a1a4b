// Core schema: reference data, players/teams/leagues (stubs until refreshed), matches, subscriptions, deliveries.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('heroes', (t) => {
    t.integer('id').primary();
    t.text('name').notNullable();
    t.text('localized_name').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('items', (t) => {
    t.integer('id').primary();
    t.text('name').notNullable();
    t.text('localized_name').notNullable();
    t.integer('cost');
  });
  // A row with refreshed_at null is a stub: known only by id until a later cycle completes it.
  await knex.schema.createTable('players', (t) => {
    t.bigInteger('account_id').primary();
    t.text('steamid64').notNullable().unique();
    t.text('persona');
    t.text('avatar_url');
    t.text('profile_url');
    t.boolean('tracked').notNullable().defaultTo(false);
    t.boolean('is_private').notNullable().defaultTo(false);
    t.timestamp('history_checked_at', { useTz: true });
    t.timestamp('refreshed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('teams', (t) => {
    t.bigInteger('team_id').primary();
    t.text('name');
    t.text('tag');
    t.text('logo'); // a 64-bit UGC id: text, never a JS number
    t.timestamp('refreshed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('leagues', (t) => {
    t.integer('league_id').primary();
    t.text('name');
    t.integer('tier');
    t.timestamp('refreshed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('matches', (t) => {
    t.bigInteger('match_id').primary();
    t.bigInteger('match_seq_num').notNullable().unique();
    t.timestamp('start_time', { useTz: true }).notNullable();
    t.integer('duration').notNullable();
    t.boolean('radiant_win').notNullable();
    t.integer('radiant_score');
    t.integer('dire_score');
    t.integer('lobby_type').notNullable();
    t.integer('game_mode').notNullable();
    t.integer('leagueid').references('leagues.league_id');
    t.bigInteger('radiant_team_id').references('teams.team_id');
    t.bigInteger('dire_team_id').references('teams.team_id');
    t.bigInteger('series_id');
    t.integer('series_type');
    t.integer('human_players');
    t.timestamp('ingested_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['leagueid']);
    t.index(['radiant_team_id']);
    t.index(['dire_team_id']);
  });
  await knex.schema.createTable('match_players', (t) => {
    t.bigInteger('match_id').notNullable().references('matches.match_id').onDelete('CASCADE');
    t.smallint('player_slot').notNullable();
    t.bigInteger('account_id').references('players.account_id'); // null: anonymous (4294967295 on the wire)
    t.integer('hero_id').notNullable(); // no FK: Valve ships new heroes before dotaconstants knows them
    t.integer('kills').notNullable();
    t.integer('deaths').notNullable();
    t.integer('assists').notNullable();
    t.integer('last_hits');
    t.integer('denies');
    t.integer('gold_per_min');
    t.integer('xp_per_min');
    t.integer('level');
    t.integer('gold');
    t.integer('net_worth'); // absent before ~2020 responses
    t.integer('hero_damage');
    t.integer('tower_damage');
    t.integer('hero_healing');
    t.integer('leaver_status');
    t.specificType('items', 'integer[]').notNullable(); // item_0..item_5, 0 = empty slot
    t.specificType('backpack', 'integer[]').notNullable();
    t.integer('item_neutral');
    t.primary(['match_id', 'player_slot']);
    t.index(['account_id']);
  });
  await knex.schema.createTable('subscriptions', (t) => {
    t.bigIncrements('id');
    t.text('platform').notNullable();
    t.text('guild_id').notNullable();
    t.text('channel_id').notNullable();
    t.text('target_kind').notNullable();
    t.bigInteger('target_id').notNullable();
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('paused_at', { useTz: true });
    t.text('pause_reason');
    t.unique(['platform', 'channel_id', 'target_kind', 'target_id']);
    t.index(['target_kind', 'target_id']); // the fan-out lookup: a match's targets → subscriptions
  });
  await knex.raw(`ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_target_kind_check
    CHECK (target_kind IN ('player', 'team', 'league'))`);
  // One row per match × destination: the ledger that makes delivery exactly once.
  await knex.schema.createTable('deliveries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('match_id').notNullable().references('matches.match_id');
    t.text('platform').notNullable();
    t.text('channel_id').notNullable();
    t.bigInteger('subscription_id').references('subscriptions.id').onDelete('SET NULL');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('claimed_at', { useTz: true });
    t.text('message_id');
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.unique(['match_id', 'platform', 'channel_id']);
  });
  await knex.raw(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'failed'))`);
  await knex.raw(
    `CREATE INDEX deliveries_pending_idx ON deliveries (created_at) WHERE status IN ('pending', 'sending')`,
  );
  await knex.schema.createTable('discord_links', (t) => {
    t.text('discord_user_id').primary();
    t.bigInteger('account_id').notNullable().references('players.account_id');
    t.timestamp('linked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
