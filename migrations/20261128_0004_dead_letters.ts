// Dead letters (work that stopped: permanent failures and exhausted retries) and the sequence scanner's cursor.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dead_letters', (t) => {
    t.bigIncrements('id');
    t.text('job_name').notNullable();
    t.jsonb('job_data').notNullable();
    /** What the work was about, e.g. `match:8591933650`, so a later success can close it. */
    t.text('entity').notNullable();
    t.text('kind').notNullable(); // 'permanent' | 'exhausted'
    t.text('code').notNullable();
    t.integer('attempts').notNullable();
    t.text('last_error').notNullable();
    t.integer('occurrences').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('resolved_at', { useTz: true });
    t.text('resolution'); // 'succeeded' | 'retried'
  });
  // One open letter per job and entity: a failure that repeats every poll counts up instead of piling up.
  await knex.raw(
    `CREATE UNIQUE INDEX dead_letters_open_idx ON dead_letters (job_name, entity) WHERE resolved_at IS NULL`,
  );
  await knex.raw(
    `ALTER TABLE dead_letters ADD CONSTRAINT dead_letters_kind_check CHECK (kind IN ('permanent', 'exhausted'))`,
  );

  await knex.schema.createTable('sequence_cursor', (t) => {
    t.text('name').primary();
    t.bigInteger('next_seq_num').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
