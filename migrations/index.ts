// The static list of migrations: names are recorded without extensions, so tsx, vitest and dist/ agree.
import type { Knex } from 'knex';
import * as core from './20261128_0001_core.js';
import * as agenda from './20261128_0002_agenda.js';
import * as steamRate from './20261128_0003_steam_rate.js';
import * as deadLetters from './20261128_0004_dead_letters.js';
import * as parsedTimelines from './20261128_0005_parsed_timelines.js';
import * as picksBans from './20261128_0006_picks_bans.js';
import * as linksGuildIndexes from './20261205_0007_links_guild_indexes.js';
import * as slack from './20261205_0008_slack.js';
import * as billing from './20261205_0009_billing.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const MIGRATIONS: Record<string, Migration> = {
  '20261128_0001_core': core,
  '20261128_0002_agenda': agenda,
  '20261128_0003_steam_rate': steamRate,
  '20261128_0004_dead_letters': deadLetters,
  '20261128_0005_parsed_timelines': parsedTimelines,
  '20261128_0006_picks_bans': picksBans,
  '20261205_0007_links_guild_indexes': linksGuildIndexes,
  '20261205_0008_slack': slack,
  '20261205_0009_billing': billing,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(MIGRATIONS)),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const migration = MIGRATIONS[name];
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return Promise.resolve(migration);
  },
};
