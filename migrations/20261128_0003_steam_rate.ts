// Steam pacing shared by every worker process (one row per key: next free slots, 429 penalty) and call counts.
import type { Knex } from 'knex';

/** Keys are stored only as 16 hex digits of their sha256 (see src/ingest/steam/key-id.ts); a raw key fails this. */
const KEY_ID_CHECK = `key_id ~ '^[0-9a-f]{16}$'`;

export async function up(knex: Knex): Promise<void> {
  // One row per key rather than per bucket: a sequence call takes a general slot too, and one row makes that a
  // single-row update. Null means "no constraint" (GREATEST ignores nulls).
  await knex.schema.createTable('steam_key_pacing', (t) => {
    t.text('key_id').primary();
    t.timestamp('general_next_at', { useTz: true });
    t.timestamp('sequence_next_at', { useTz: true });
    t.timestamp('penalized_until', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `ALTER TABLE steam_key_pacing ADD CONSTRAINT steam_key_pacing_key_id_check CHECK (${KEY_ID_CHECK})`,
  );
  // Hour buckets: ≈1 call/s/key makes per-call rows pointless, and a year of them stays small without pruning.
  await knex.schema.createTable('steam_call_stats', (t) => {
    t.text('key_id').notNullable();
    t.text('endpoint').notNullable();
    t.timestamp('hour', { useTz: true }).notNullable();
    t.integer('ok').notNullable().defaultTo(0);
    t.integer('rate_limited').notNullable().defaultTo(0);
    t.integer('failed').notNullable().defaultTo(0);
    t.timestamp('last_success_at', { useTz: true });
    t.primary(['key_id', 'endpoint', 'hour']);
    t.index(['hour']);
  });
  await knex.raw(
    `ALTER TABLE steam_call_stats ADD CONSTRAINT steam_call_stats_key_id_check CHECK (${KEY_ID_CHECK})`,
  );
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
