// Draws charts on worker threads so a render never blocks the bot's event loop: a bounded queue, crash recovery.
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import type { ChartInput, ChartName } from '../chart-registry.js';
import { renderWorkerSource, type WorkerSource } from './worker-source.js';
import {
  deserializeError,
  isWorkerMessage,
  type RenderRequest,
  type RenderWorkerData,
  type WorkerMemory,
  type WorkerMessage,
} from './worker-messages.js';

/**
 * Workers by default: one per core, at most two. On the 2-core production box two workers draw a 3-chart
 * recap in ~38 ms against ~52 ms for one (bench/render.bench.ts); the bot's own thread mostly waits on
 * sockets, and a render costs it ~0.3 ms. More workers than cores only add memory (each holds Chart.js,
 * its fonts and Skia caches) and contention.
 */
export function defaultWorkerCount(cpus: number = availableParallelism()): number {
  return Math.max(1, Math.min(2, cpus));
}

/**
 * Charts a worker draws at once. A render is ~6 ms of drawing on the worker's thread, then ~10 ms of PNG
 * encoding on libuv's thread pool; with two in flight the worker draws the next chart while the last one
 * encodes instead of sitting idle.
 */
export const DEFAULT_JOBS_PER_WORKER = 2;
export const DEFAULT_MAX_QUEUE = 32;
export const DEFAULT_JOB_TIMEOUT_MS = 10_000;
/** V8 heap cap per worker: charts use ~10–20 MB of heap, so only a runaway input gets near it (and dies alone). */
export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256 };

export interface RenderPoolOptions {
  /** Worker threads; default {@link defaultWorkerCount}. Workers start on the first job (or `start()`). */
  workers?: number;
  /** Jobs each worker runs concurrently; default {@link DEFAULT_JOBS_PER_WORKER}. */
  jobsPerWorker?: number;
  /**
   * Jobs allowed to wait for a free worker; one more is refused at once with `render_overloaded` rather
   * than queued behind seconds of work (memory stays bounded, the user hears "busy" instead of a timeout).
   */
  maxQueue?: number;
  /** A job running longer than this kills its worker (it is replaced) and fails with `render_timeout`. */
  jobTimeoutMs?: number;
  /** Per-worker V8 limits; a worker that exceeds them dies alone, its jobs fail and the worker is replaced. */
  resourceLimits?: ResourceLimits;
  /**
   * Start the workers now instead of on the first job, so the first chart does not wait ~1 s for a worker
   * to load and register its fonts. A failed start is reported through `onWorkerExit` and the next render.
   */
  warm?: boolean;
  /** Called when a worker stops other than by `close()`: a crash, a timeout, a failed start. */
  onWorkerExit?: (event: WorkerExitEvent) => void;
  /** Where the worker's code is; default {@link renderWorkerSource}. */
  source?: WorkerSource;
}

export interface WorkerExitEvent {
  threadId: number;
  reason: 'crashed' | 'timeout' | 'start_failed';
  /** The charts it was drawing when it died. */
  charts: string[];
  error: Error;
}

export interface WorkerStats {
  threadId: number;
  state: 'starting' | 'ready';
  /** Jobs it is drawing now. */
  running: number;
  renders: number;
  /** Memory the worker reported after its last job. */
  memory?: WorkerMemory;
}

export interface RenderPoolStats {
  queued: number;
  completed: number;
  failed: number;
  /** Workers that died unexpectedly (crash, timeout, failed start) since the pool was created. */
  workerExits: number;
  workers: WorkerStats[];
}

export interface RenderPool {
  /** Draws `chart` on a worker; rejects with an {@link AppError} (`render_*` codes) when it cannot. */
  render<N extends ChartName>(chart: N, input: ChartInput<N>): Promise<Buffer>;
  /** Starts every worker and waits until each has its fonts; rejects (fonts_missing, …) if one cannot start. */
  start(): Promise<void>;
  stats(): RenderPoolStats;
  /** Fails queued and running jobs with `render_pool_closed` and terminates every worker. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  chart: string;
  input: unknown;
  resolve: (png: Buffer) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  threadId: number;
  state: 'starting' | 'ready';
  jobs: Map<number, Job>;
  renders: number;
  memory: WorkerMemory | undefined;
  /** Why we are stopping it, when we are (so 'exit' is not taken for a crash). */
  stopping: { reason: 'close' } | { reason: 'timeout'; job: Job } | undefined;
  error: Error | undefined;
  started: Promise<void>;
  markStarted: () => void;
  markStartFailed: (error: Error) => void;
}

// All render errors are transient: the notifier reads a permanent AppError as "this destination refused"
// and pauses the channel's subscriptions, which a failed drawing must never do.
function renderError(code: string, message: string, cause?: unknown, userMessage?: string): AppError {
  return new AppError(code, message, {
    kind: 'transient',
    cause,
    userMessage: userMessage ?? 'The chart could not be drawn right now. Please try again shortly.',
  });
}

const closedError = () => renderError('render_pool_closed', 'the render pool was closed');

export function createRenderPool(options: RenderPoolOptions = {}): RenderPool {
  const size = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`render pool needs ≥ 1 worker, got ${size}`);
  const jobsPerWorker = options.jobsPerWorker ?? DEFAULT_JOBS_PER_WORKER;
  if (!Number.isInteger(jobsPerWorker) || jobsPerWorker < 1) {
    throw new RangeError(`render pool needs ≥ 1 job per worker, got ${jobsPerWorker}`);
  }
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  const jobTimeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
  const resourceLimits = options.resourceLimits ?? DEFAULT_RESOURCE_LIMITS;
  const source = options.source ?? renderWorkerSource();
  const workerData: RenderWorkerData = { concurrency: jobsPerWorker };

  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;
  let completed = 0;
  let failed = 0;
  let workerExits = 0;

  function fail(job: Job, error: Error): void {
    clearTimeout(job.timer);
    failed += 1;
    job.reject(error);
  }

  function spawn(): Slot {
    const worker =
      source.kind === 'file'
        ? new Worker(source.url, { resourceLimits, workerData })
        : new Worker(source.code, { eval: true, resourceLimits, workerData });
    let markStarted!: () => void;
    let markStartFailed!: (error: Error) => void;
    const started = new Promise<void>((resolve, reject) => {
      markStarted = resolve;
      markStartFailed = reject;
    });
    // Observed through start() or not at all; a failed start is also reported to the queued jobs.
    started.catch(() => undefined);
    const slot: Slot = {
      worker,
      threadId: worker.threadId,
      state: 'starting',
      jobs: new Map(),
      renders: 0,
      memory: undefined,
      stopping: undefined,
      error: undefined,
      started,
      markStarted,
      markStartFailed,
    };
    slots.add(slot);
    worker.on('message', (message: unknown) => {
      if (isWorkerMessage(message)) onMessage(slot, message);
    });
    worker.on('error', (error) => {
      slot.error = error;
    });
    worker.on('exit', (code) => onExit(slot, code));
    return slot;
  }

  function onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'ready') {
      slot.state = 'ready';
      slot.markStarted();
      pump(true);
      return;
    }
    const job = slot.jobs.get(message.id);
    if (!job) return;
    slot.jobs.delete(message.id);
    slot.memory = message.memory;
    slot.renders += 1;
    if (message.type === 'done') {
      clearTimeout(job.timer);
      completed += 1;
      job.resolve(Buffer.from(message.png));
    } else {
      const cause = deserializeError(message.error);
      fail(job, renderError('render_failed', `chart "${job.chart}" failed: ${cause.message}`, cause));
    }
    pump(true);
  }

  function onExit(slot: Slot, code: number): void {
    slots.delete(slot);
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    const stopping = slot.stopping;
    if (stopping?.reason === 'close') {
      for (const job of jobs) fail(job, closedError());
      slot.markStartFailed(closedError());
      return;
    }
    workerExits += 1;
    const detail = slot.error?.message ?? `exit code ${code}`;
    const charts = jobs.map((job) => job.chart);
    if (slot.state === 'starting') {
      const error = renderError(
        'render_worker_start_failed',
        `render worker failed to start: ${detail}`,
        slot.error,
        'Charts are unavailable right now.',
      );
      slot.markStartFailed(error);
      options.onWorkerExit?.({ threadId: slot.threadId, reason: 'start_failed', charts, error });
      // Whatever broke this start (missing fonts, a bad build) breaks the next one too: fail the waiting jobs
      // now rather than respawning in a loop; the next render() tries again.
      if (![...slots].some((s) => s.state === 'ready')) {
        for (const waiting of queue.splice(0)) fail(waiting, error);
      }
      return;
    }
    const error =
      stopping?.reason === 'timeout'
        ? renderError(
            'render_timeout',
            `chart "${stopping.job.chart}" took longer than ${jobTimeoutMs} ms; its worker was restarted`,
          )
        : renderError(
            'render_worker_crashed',
            `render worker died${charts.length > 0 ? ` while drawing "${charts.join('", "')}"` : ''}: ${detail}`,
            slot.error,
          );
    options.onWorkerExit?.({
      threadId: slot.threadId,
      reason: stopping?.reason === 'timeout' ? 'timeout' : 'crashed',
      charts,
      error,
    });
    // Jobs sharing the worker with a crashing or stuck chart go down with it; they are transient failures.
    for (const job of jobs) fail(job, error);
    // The replacement starts only if work is waiting; otherwise on the next render().
    pump(true);
  }

  function dispatch(slot: Slot, job: Job): void {
    const request: RenderRequest = { type: 'render', id: job.id, chart: job.chart, input: job.input };
    try {
      slot.worker.postMessage(request);
    } catch (cause) {
      // Structured clone refused the input (a function, a class instance with private state…): the caller's bug.
      fail(
        job,
        renderError(
          'render_bad_input',
          `chart "${job.chart}" input is not plain data: ${String(cause)}`,
          cause,
        ),
      );
      return;
    }
    slot.jobs.set(job.id, job);
    slot.worker.ref();
    job.timer = setTimeout(() => {
      if (slot.stopping) return;
      slot.stopping = { reason: 'timeout', job };
      void slot.worker.terminate();
    }, jobTimeoutMs);
  }

  /** The ready worker with the most free capacity, so two jobs go to two workers rather than queue on one. */
  function freeSlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of slots) {
      if (slot.state !== 'ready' || slot.stopping || slot.jobs.size >= jobsPerWorker) continue;
      if (!best || slot.jobs.size < best.jobs.size) best = slot;
    }
    return best;
  }

  /** Hands waiting jobs to workers; starts workers (up to the pool size) when `mayStart` and work waits. */
  function pump(mayStart: boolean): void {
    for (let slot = freeSlot(); slot && queue.length > 0; slot = freeSlot()) {
      const job = queue.shift();
      if (job) dispatch(slot, job);
    }
    if (mayStart && queue.length > 0) {
      const starting = [...slots].filter((s) => s.state === 'starting').length;
      const wanted = Math.min(size - slots.size, Math.ceil(queue.length / jobsPerWorker) - starting);
      for (let i = 0; i < wanted; i += 1) spawn();
    }
    // An idle pool must not keep the process alive (a forgotten close() would otherwise hang exit).
    for (const slot of slots) {
      if (slot.state === 'ready' && slot.jobs.size === 0) slot.worker.unref();
    }
  }

  async function start(): Promise<void> {
    if (closed) throw closedError();
    while (slots.size < size) spawn();
    // Wait for every start to settle, so a failure leaves no worker still booting behind the rejection.
    const results = await Promise.allSettled([...slots].map((slot) => slot.started));
    for (const result of results) {
      if (result.status === 'rejected') throw result.reason as Error;
    }
    pump(false);
  }

  // The failure is reported through onWorkerExit and to the jobs that were waiting.
  if (options.warm) start().catch(() => undefined);

  return {
    start,

    render(chart, input) {
      if (closed) return Promise.reject(closedError());
      if (queue.length >= maxQueue) {
        return Promise.reject(
          renderError(
            'render_overloaded',
            `render queue full (${maxQueue} waiting for ${size} workers): chart "${chart}" refused`,
            undefined,
            'Charts are busy right now. Please try again in a moment.',
          ),
        );
      }
      return new Promise<Buffer>((resolve, reject) => {
        queue.push({ id: nextId++, chart, input, resolve, reject });
        pump(true);
      });
    },

    stats() {
      return {
        queued: queue.length,
        completed,
        failed,
        workerExits,
        workers: [...slots].map((slot) => ({
          threadId: slot.threadId,
          state: slot.state,
          running: slot.jobs.size,
          renders: slot.renders,
          ...(slot.memory ? { memory: slot.memory } : {}),
        })),
      };
    },

    async close() {
      closed = true;
      for (const job of queue.splice(0)) fail(job, closedError());
      await Promise.all(
        [...slots].map(
          (slot) =>
            new Promise<void>((resolve) => {
              slot.stopping = { reason: 'close' };
              slot.worker.once('exit', () => resolve());
              void slot.worker.terminate();
            }),
        ),
      );
    },
  };
}
