// Agenda's job table, owned by our migrations: two workers creating it at once crash one of them.
import {
  getCreateIndexesSQL,
  getCreateTableSQL,
  getUpdateTimestampTriggerSQL,
} from '@agendajs/postgres-backend';
import type { Knex } from 'knex';

export const AGENDA_TABLE = 'agenda_jobs';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(getCreateTableSQL(AGENDA_TABLE));
  for (const statement of getCreateIndexesSQL(AGENDA_TABLE)) await knex.raw(statement);
  await knex.raw(getUpdateTimestampTriggerSQL(AGENDA_TABLE));
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Migrations are forward-only.'));
}
