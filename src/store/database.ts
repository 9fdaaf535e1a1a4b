// Resolves where the database is: DATABASE_URL when configured, else the embedded Postgres in DATA_DIR.
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface DatabaseLocation {
  url: string;
  /** Stops the embedded server; a no-op for an external database. */
  stop(): Promise<void>;
  embedded: boolean;
}

export async function locateDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>,
): Promise<DatabaseLocation> {
  if (config.DATABASE_URL)
    return { url: config.DATABASE_URL, stop: () => Promise.resolve(), embedded: false };
  const embedded = await startEmbeddedPostgres(config.DATA_DIR);
  return { url: embedded.url, stop: () => embedded.stop(), embedded: true };
}
