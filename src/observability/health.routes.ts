// /healthz (the process answers), /readyz (it can do its job: database, scheduler, fonts) and /metrics.
import type { Route } from '../http/server.js';
import { sendJson } from '../http/server.js';
import type { Logger } from '../log.js';
import { assertFontsAvailable } from '../render/fonts.js';
import type { Db } from '../store/db.js';
import { metricsRegistry, refreshDatabaseGauges } from './metrics.js';

export interface ReadinessSources {
  db: Db;
  /** Present in processes that take jobs: ready only while the scheduler runs. */
  schedulerRunning?: () => boolean;
  /** Processes that draw charts are not ready without their fonts (Skia would draw blank text). */
  needsFonts: boolean;
  /** True from the first shutdown signal: load balancers stop sending work before the server closes. */
  stopping: () => boolean;
}

const DATABASE_CHECK_TIMEOUT_MS = 2_000;

/** True when `work` settles well within the database timeout; false when it fails or takes longer. */
async function withinDatabaseTimeout(work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), DATABASE_CHECK_TIMEOUT_MS);
  });
  const done = work.then(
    () => true,
    () => false,
  );
  const settled = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return settled;
}

function fontsLoaded(): boolean {
  try {
    assertFontsAvailable();
    return true;
  } catch {
    return false;
  }
}

/** Each check by name, true when it passes; a check a process does not need is left out. */
async function readinessChecks(sources: ReadinessSources): Promise<Record<string, boolean>> {
  return {
    accepting_work: !sources.stopping(),
    database: await withinDatabaseTimeout(sources.db.raw('SELECT 1')),
    ...(sources.schedulerRunning ? { scheduler: sources.schedulerRunning() } : {}),
    ...(sources.needsFonts ? { fonts: fontsLoaded() } : {}),
  };
}

export function healthRoutes(sources: ReadinessSources, log: Logger): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      handler: (_request, response) => Promise.resolve(sendJson(response, 200, { ok: true })),
    },
    {
      method: 'GET',
      path: '/readyz',
      async handler(_request, response) {
        const checks = await readinessChecks(sources);
        const ready = Object.values(checks).every(Boolean);
        sendJson(response, ready ? 200 : 503, { ready, checks });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      async handler(_request, response) {
        // Counters from this process are still worth serving when the database is down or slow.
        if (!(await withinDatabaseTimeout(refreshDatabaseGauges(sources.db))))
          log.warn('metrics: database gauges not refreshed');
        const body = await metricsRegistry.metrics();
        response.writeHead(200, { 'content-type': metricsRegistry.contentType });
        response.end(body);
      },
    },
  ];
}
