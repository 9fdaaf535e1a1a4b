// What ingest code needs from the outside world, passed in by a composition root (never imported).
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import type { OpenDotaClient } from './opendota/opendota-client.js';
import type { SteamClient } from './steam/steam-client.js';

export interface IngestContext {
  db: Db;
  steam: SteamClient;
  log: Logger;
  clock: Clock;
  /** Matches that started longer ago than this are stored silently: no alert for a backfilled old game. */
  alertMaxAgeMs: number;
  /** Parsed timelines (gold/XP advantage); present only when OPENDOTA_ENABLED. */
  openDota?: OpenDotaClient;
}
