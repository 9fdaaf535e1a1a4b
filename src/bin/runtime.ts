// Composition root shared by every entry point: database, Steam client, renderer, scheduler, built once.
import type { Billing } from '../billing/billing.js';
import { billingAnnounceJob } from '../billing/announce.job.js';
import { billingReconcileJob } from '../billing/reconcile.job.js';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { IngestContext } from '../ingest/ingest-context.js';
import type { AnyJobDefinition } from '../ingest/jobs/job.js';
import { matchSeqJob } from '../ingest/jobs/match-seq.job.js';
import { playerHistoryJob } from '../ingest/jobs/player-history.job.js';
import { pollPlayersJob } from '../ingest/jobs/poll-players.job.js';
import { sequenceScanJob } from '../ingest/jobs/sequence-scan.job.js';
import { heroesJob } from '../ingest/jobs/heroes.job.js';
import { integrityJob } from '../ingest/jobs/integrity.job.js';
import { opendotaParseJob } from '../ingest/jobs/opendota-parse.job.js';
import { createOpenDotaClient } from '../ingest/opendota/opendota-client.js';
import { leagueHistoryJob } from '../ingest/jobs/league-history.job.js';
import { leaguesJob } from '../ingest/jobs/leagues.job.js';
import { playerSummariesJob } from '../ingest/jobs/player-summaries.job.js';
import { pollLeaguesJob } from '../ingest/jobs/poll-leagues.job.js';
import { teamInfoJob } from '../ingest/jobs/team-info.job.js';
import { createScheduler, DEFAULT_RETRY, type Scheduler } from '../ingest/scheduler.js';
import { createDota2WebApiRequest } from '../ingest/steam/dota2-webapi.js';
import { createSteamClient, type SteamClient } from '../ingest/steam/steam-client.js';
import type { Logger } from '../log.js';
import { notifyDeliverJob } from '../notify/deliver.job.js';
import type { Notifier } from '../notify/notifier.js';
import { assertFontsAvailable, registerFonts } from '../render/fonts.js';
import { createRenderer, type Renderer } from '../render/renderer.js';
import { locateDatabase } from '../store/database.js';
import { createDb, createPgPool, type Db } from '../store/db.js';
import { migrateLatest } from '../store/migrate.js';

export interface Runtime {
  config: Config;
  log: Logger;
  clock: Clock;
  db: Db;
  steam: SteamClient;
  ingest: IngestContext;
  render: Renderer;
  scheduler: Scheduler;
  /** The job definitions this process runs (and can re-queue by name). */
  jobs: readonly AnyJobDefinition[];
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Ingest's notion of now (the demo replays old matches as fresh); defaults to the system clock. */
  clock?: Clock;
  /** Present in processes that post alerts; enables the notify.deliver job here. */
  notifier?: (parts: { db: Db; render: Renderer }) => Notifier | Promise<Notifier>;
  /** Present when Stripe is configured; enables the billing.reconcile job here. */
  billing?: Billing;
  /** Checks fonts at start-up: Skia draws nothing, silently, without them. */
  needsFonts?: boolean;
}

/** Every ingest job; which ones run periodically is decided in service.ts. */
export const INGEST_JOBS: readonly AnyJobDefinition[] = [
  playerHistoryJob,
  matchSeqJob,
  pollPlayersJob,
  sequenceScanJob,
  playerSummariesJob,
  heroesJob,
  teamInfoJob,
  leaguesJob,
  leagueHistoryJob,
  pollLeaguesJob,
  integrityJob,
  opendotaParseJob,
];

/** Every Steam call fails with the missing key's name, whatever endpoint is asked for. */
function unconfiguredSteam(): SteamClient {
  const missing = () =>
    Promise.reject(
      new AppError('config_missing', 'STEAM_API_KEYS is not set: this process cannot call Valve'),
    );
  return new Proxy({} as SteamClient, { get: () => missing });
}

export async function openRuntime(
  config: Config,
  log: Logger,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  if (options.needsFonts) {
    const fonts = registerFonts();
    assertFontsAvailable();
    log.info({ files: fonts.filesRegistered, ms: Math.round(fonts.durationMs) }, 'fonts registered');
  }
  const location = await locateDatabase(config);
  const db = createDb(location.url);
  const pool = createPgPool(location.url, (error) =>
    log.warn({ err: error }, 'idle database connection lost'),
  );
  try {
    await migrateLatest(db);
  } catch (error) {
    await Promise.allSettled([db.destroy(), pool.end(), location.stop()]);
    throw error;
  }
  const steam =
    config.STEAM_API_KEYS.length > 0
      ? createSteamClient(
          {
            baseUrl: config.STEAM_API_BASE_URL,
            keys: config.STEAM_API_KEYS,
            requestsPerSecond: config.STEAM_REQUESTS_PER_SECOND,
            sequenceSecondsPerCall: config.STEAM_SEQUENCE_SECONDS_PER_CALL,
            timeoutMs: config.STEAM_TIMEOUT_MS,
          },
          {
            log,
            clock,
            db,
            extras: {
              // League names live on www.dota2.com: its own base URL, and never our Steam key.
              dota2WebApi: createDota2WebApiRequest({
                baseUrl: config.DOTA2_WEBAPI_BASE_URL,
                timeoutMs: config.STEAM_TIMEOUT_MS,
                clock,
                log,
              }),
            },
          },
        )
      : unconfiguredSteam();
  const ingest: IngestContext = {
    db,
    steam,
    log,
    clock,
    alertMaxAgeMs: config.ALERT_MAX_MATCH_AGE_MINUTES * 60_000,
    ...(config.OPENDOTA_ENABLED
      ? {
          openDota: createOpenDotaClient({
            baseUrl: config.OPENDOTA_API_BASE_URL,
            timeoutMs: config.STEAM_TIMEOUT_MS,
            clock,
            log,
          }),
        }
      : {}),
  };
  // Processes that post charts draw them on worker threads, started now so the first recap does not wait.
  const render = createRenderer({
    pool: options.needsFonts
      ? {
          warm: true,
          onWorkerExit: ({ error, ...event }) => log.warn({ ...event, err: error }, 'render worker stopped'),
        }
      : false,
  });
  let notifier: Notifier | undefined;
  try {
    notifier = await options.notifier?.({ db, render });
  } catch (error) {
    // e.g. Slack refused SLACK_BOT_TOKEN at start-up: nothing may be left running.
    await Promise.allSettled([render.close(), db.destroy(), pool.end(), location.stop()]);
    throw error;
  }
  const { billing } = options;
  const jobs = [
    ...INGEST_JOBS,
    ...(notifier ? [notifyDeliverJob] : []),
    ...(billing ? [billingReconcileJob] : []),
    ...(billing && notifier ? [billingAnnounceJob] : []),
  ];
  const scheduler = createScheduler({
    pool,
    jobs,
    context: { ...ingest, ...(notifier ? { notifier } : {}), ...(billing ? { billing } : {}) },
    log,
    retry: { ...DEFAULT_RETRY, maxRetries: config.JOB_MAX_RETRIES },
  });
  return {
    config,
    log,
    clock,
    db,
    steam,
    ingest,
    render,
    scheduler,
    jobs,
    async close() {
      await scheduler.stop();
      await render.close();
      await db.destroy();
      await pool.end();
      await location.stop();
    },
  };
}
