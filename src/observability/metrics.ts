// The process's Prometheus metrics: one registry, the counters and histograms code records into, and the
// gauges read from the database when /metrics is scraped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../store/db.js';
import { collectStatus } from '../store/status.repo.js';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'ddd_' });

export const steamRequests = new Counter({
  name: 'ddd_steam_requests_total',
  help: 'HTTP attempts to Valve by endpoint, key id (never the key) and HTTP status (0: no response)',
  labelNames: ['endpoint', 'key_id', 'status'] as const,
  registers: [metricsRegistry],
});

export const steamRateLimited = new Counter({
  name: 'ddd_steam_rate_limited_total',
  help: 'HTTP 429 answers from Valve, by key id',
  labelNames: ['key_id'] as const,
  registers: [metricsRegistry],
});

export const jobRuns = new Counter({
  name: 'ddd_job_runs_total',
  help: 'Job runs by job name and outcome: ok, retry, rate_limited, dead_letter',
  labelNames: ['job', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const jobDuration = new Histogram({
  name: 'ddd_job_duration_seconds',
  help: 'Job run time, by job name',
  labelNames: ['job'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [metricsRegistry],
});

export const commandDuration = new Histogram({
  name: 'ddd_command_duration_seconds',
  help: 'Time to answer a /dota command, by platform, command and outcome',
  labelNames: ['platform', 'command', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const renderDuration = new Histogram({
  name: 'ddd_render_duration_seconds',
  help: 'Time to draw one chart (cache hits excluded), by chart',
  labelNames: ['chart'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [metricsRegistry],
});

const jobQueue = new Gauge({
  name: 'ddd_job_queue_depth',
  help: 'Jobs by name and state (due, running, scheduled, failed), shared by every worker',
  labelNames: ['job', 'state'] as const,
  registers: [metricsRegistry],
});

const stubsPending = new Gauge({
  name: 'ddd_stubs_pending',
  help: 'Players, teams and leagues known only by id, waiting to be completed',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

const deliveries = new Gauge({
  name: 'ddd_deliveries',
  help: 'Alert deliveries by state',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
});

const openDeadLetters = new Gauge({
  name: 'ddd_dead_letters_open',
  help: 'Jobs stopped for good (permanent failure or retries exhausted) and not yet resolved',
  registers: [metricsRegistry],
});

/** Scrapes within this long reuse the last reading: /metrics is public and each reading is a few counts. */
const GAUGES_MAX_AGE_MS = 15_000;
const gaugeReadings = new WeakMap<Db, { at: number; reading?: Promise<void> }>();

/**
 * Reads the shared state every worker sees from Postgres, so any one process's /metrics reports it whole; at
 * most one reading at a time and one per GAUGES_MAX_AGE_MS, however often it is scraped.
 */
export function refreshDatabaseGauges(db: Db): Promise<void> {
  const state = gaugeReadings.get(db) ?? { at: 0 };
  gaugeReadings.set(db, state);
  if (Date.now() - state.at < GAUGES_MAX_AGE_MS) return Promise.resolve();
  state.reading ??= readDatabaseGauges(db)
    .then(() => {
      state.at = Date.now();
    })
    .finally(() => {
      state.reading = undefined;
    });
  return state.reading;
}

async function readDatabaseGauges(db: Db): Promise<void> {
  const status = await collectStatus(db);
  jobQueue.reset();
  for (const queue of status.queues) {
    for (const state of ['due', 'running', 'scheduled', 'failed'] as const)
      jobQueue.set({ job: queue.name, state }, queue[state]);
  }
  for (const [kind, count] of Object.entries(status.stubsPending)) stubsPending.set({ kind }, count);
  deliveries.reset();
  for (const [state, count] of Object.entries(status.deliveries)) deliveries.set({ state }, count);
  openDeadLetters.set(status.openDeadLetters);
}
