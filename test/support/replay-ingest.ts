// Ingest wired to the Valve replay server: a real Steam client over loopback, a clock the test controls.
import { shiftedClock, type Clock } from '../../src/clock.js';
import { startValveReplay, type ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import { createDota2WebApiRequest } from '../../src/ingest/steam/dota2-webapi.js';
import { createSteamClient } from '../../src/ingest/steam/steam-client.js';
import { createLogger } from '../../src/log.js';
import type { Db } from '../../src/store/db.js';

/** Start of shipped match 8591933650 (2025); tests run "now" an hour later so it counts as a fresh game. */
export const PRO_MATCH_START_MS = 1764977774_000;
export const AN_HOUR_AFTER_PRO_MATCH: Clock = shiftedClock(PRO_MATCH_START_MS + 60 * 60_000);

export async function replayIngest(
  db: Db,
  clock: Clock = AN_HOUR_AFTER_PRO_MATCH,
): Promise<{ ingest: IngestContext; valve: ValveReplay }> {
  const valve = await startValveReplay();
  const log = createLogger('silent');
  // Pacing through the test database, as workers do; 1 ms slots keep it out of the tests' way.
  const steam = createSteamClient(
    {
      baseUrl: valve.baseUrl,
      keys: ['test-key'],
      requestsPerSecond: 1000,
      sequenceSecondsPerCall: 0.001,
      timeoutMs: 5_000,
    },
    {
      log,
      clock,
      db,
      // The replay server also answers www.dota2.com's league list.
      extras: {
        dota2WebApi: createDota2WebApiRequest({
          baseUrl: valve.baseUrl,
          timeoutMs: 5_000,
          requestsPerSecond: 1000,
          clock,
          log,
        }),
      },
    },
  );
  return { ingest: { db, steam, log, clock, alertMaxAgeMs: 6 * 60 * 60_000 }, valve };
}
