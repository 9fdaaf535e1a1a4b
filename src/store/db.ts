// Knex on pg for our data, plus the pg.Pool Agenda shares; 64-bit columns come back as JS numbers when safe.
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

export type Db = Knex;

const INT8_OID = 20;

/** bigint columns hold match ids and account ids, all far below 2^53; anything larger is a bug we want loud. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new RangeError(`bigint ${text} does not fit a JS number; store it as text`);
  return value;
}

/** Satisfies both pg's and knex's declarations of a custom type parser set. */
const types = {
  getTypeParser(oid: number, format: string): unknown {
    return oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig & { getTypeParser(oid: number, format: string): unknown };

export function createDb(databaseUrl: string, options: { poolMax?: number } = {}): Db {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: databaseUrl, types },
    pool: { min: 0, max: options.poolMax ?? 10 },
  });
}

/**
 * A plain pg.Pool for Agenda's backend (it needs pg, not knex), on the same database.
 * An idle client dropped by the server (restart, failover) emits 'error' on the pool; unhandled, that kills
 * the process, so it is reported instead and the pool reconnects on next use.
 */
export function createPgPool(databaseUrl: string, onIdleError: (error: Error) => void, max = 5): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, types });
  pool.on('error', onIdleError);
  return pool;
}
