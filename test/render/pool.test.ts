// The render pool: same PNG as in-thread, flat worker memory, failed and crashed jobs isolated, nothing left running.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { renderChart } from '../../src/render/chart-registry.js';
import type { NetWorthChartInput } from '../../src/render/net-worth.chart.js';
import { createRenderPool, type RenderPool } from '../../src/render/pool/render-pool.js';
import { createRenderer } from '../../src/render/renderer.js';
import { SAMPLE_NET_WORTH_INPUT } from './sample-match.js';

const MiB = 1024 * 1024;

/** OS threads of this process: a worker thread (and its module-loader thread) shows up here while alive. */
function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

function manyPlayers(count: number): NetWorthChartInput {
  return {
    title: 'Huge',
    metric: 'gold',
    players: Array.from({ length: count }, (_, i) => ({
      name: `player ${i}`,
      hero: 'Pudge',
      team: i % 2 === 0 ? ('radiant' as const) : ('dire' as const),
      value: i,
    })),
  };
}

describe('render pool', () => {
  let pool: RenderPool;
  let inThread: Buffer;

  beforeAll(async () => {
    // Also starts this process's libuv threads, so thread counts below move only with workers.
    inThread = await renderChart('net-worth', SAMPLE_NET_WORTH_INPUT);
    pool = createRenderPool({ workers: 1 });
    await pool.start();
  });

  afterAll(async () => {
    await pool.close();
  });

  it('when a chart is drawn on a worker, then its PNG bytes equal the in-thread render', async () => {
    const pooled = await pool.render('net-worth', SAMPLE_NET_WORTH_INPUT);
    expect(pooled.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(pooled.equals(inThread)).toBe(true);
  });

  it('when 200 charts are drawn on one worker, then its memory stays flat between render 20 and 200', async () => {
    const memoryAt = (): { rss: number; heapUsed: number } => {
      const memory = pool.stats().workers[0]?.memory;
      if (!memory) throw new Error('the worker reported no memory');
      return memory;
    };
    const startRenders = pool.stats().workers[0]?.renders ?? 0;
    let at20 = { rss: 0, heapUsed: 0 };
    for (let i = 1; i <= 200; i += 1) {
      const players = SAMPLE_NET_WORTH_INPUT.players.map((p, j) => ({ ...p, value: p.value + i * 10 + j }));
      await pool.render('net-worth', { ...SAMPLE_NET_WORTH_INPUT, players });
      if (i === 20) at20 = memoryAt();
    }
    const at200 = memoryAt();
    expect(pool.stats().workers[0]?.renders).toBe(startRenders + 200);
    // rss is the whole process's; the test runner is idle meanwhile, so its growth is the worker's. One
    // leaked 800×520 RGBA surface is 1.6 MiB: leaking one per render would add ~290 MiB over these 180
    // renders, far above 64 MiB, while allocator and glyph-cache settling stay well below it.
    expect(at200.rss - at20.rss).toBeLessThan(64 * MiB);
    // Leaked Chart.js instances (config, datasets, labels per chart) would show up in the worker's own heap.
    expect(at200.heapUsed - at20.heapUsed).toBeLessThan(16 * MiB);
  }, 120_000);

  it('when a chart throws on bad input, then that job fails with render_failed and the same worker serves the next', async () => {
    const before = pool.stats();
    const bad = { title: 'Bad', metric: 'gold', players: null } as unknown as NetWorthChartInput;
    const error = await rejection(pool.render('net-worth', bad));
    expect(isAppError(error) && error.code).toBe('render_failed');
    expect((error as Error).message).toMatch(/^chart "net-worth" failed: .*filter/);
    expect((error as Error).cause).toBeInstanceOf(Error);

    const png = await pool.render('net-worth', SAMPLE_NET_WORTH_INPUT);
    expect(png.equals(inThread)).toBe(true);
    const after = pool.stats();
    expect(after.workerExits).toBe(before.workerExits);
    expect(after.workers.map((w) => w.threadId)).toEqual(before.workers.map((w) => w.threadId));
  });

  it('when an input is not plain data, then render rejects with render_bad_input and the pool carries on', async () => {
    const withFunction = { ...SAMPLE_NET_WORTH_INPUT, title: () => 'x' } as unknown as NetWorthChartInput;
    const error = await rejection(pool.render('net-worth', withFunction));
    expect(isAppError(error) && error.code).toBe('render_bad_input');
    expect((await pool.render('net-worth', SAMPLE_NET_WORTH_INPUT)).equals(inThread)).toBe(true);
  });

  it('when the queue is full, then the next render is refused at once with render_overloaded', async () => {
    const small = createRenderPool({ workers: 1, maxQueue: 1 });
    try {
      // The worker is still starting, so the first job waits in the queue and fills it.
      const first = small.render('net-worth', SAMPLE_NET_WORTH_INPUT);
      const refused = await rejection(small.render('net-worth', SAMPLE_NET_WORTH_INPUT));
      expect(isAppError(refused) && refused.code).toBe('render_overloaded');
      expect(isAppError(refused) && refused.kind).toBe('transient');
      expect((await first).equals(inThread)).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('when a worker dies mid-render, then that job fails with render_worker_crashed and a new worker serves the next', async () => {
    const exits: string[] = [];
    // A 32 MB heap holds a worker and its charts (~10 MB) but not 300,000 players: V8 kills that worker
    // (ERR_WORKER_OUT_OF_MEMORY), a real crash, with no test hook in the worker.
    const fragile = createRenderPool({
      workers: 1,
      resourceLimits: { maxOldGenerationSizeMb: 32 },
      onWorkerExit: (event) => exits.push(`${event.reason}:${event.charts.join(',')}`),
    });
    try {
      await fragile.start();
      const firstThread = fragile.stats().workers[0]?.threadId;
      const error = await rejection(fragile.render('net-worth', manyPlayers(300_000)));
      expect(isAppError(error) && error.code).toBe('render_worker_crashed');
      expect((error as Error).message).toMatch(/while drawing "net-worth".*memory/);
      expect(exits).toEqual(['crashed:net-worth']);

      const png = await fragile.render('net-worth', SAMPLE_NET_WORTH_INPUT);
      expect(png.equals(inThread)).toBe(true);
      const stats = fragile.stats();
      expect(stats.workerExits).toBe(1);
      expect(stats.workers).toHaveLength(1);
      expect(stats.workers[0]?.threadId).not.toBe(firstThread);
    } finally {
      await fragile.close();
    }
  }, 60_000);

  it('when a render runs past the job timeout, then it fails with render_timeout and a new worker serves the next job', async () => {
    const exits: string[] = [];
    const hasty = createRenderPool({
      workers: 1,
      jobTimeoutMs: 4_000,
      onWorkerExit: (event) => exits.push(`${event.reason}:${event.charts.join(',')}`),
    });
    try {
      await hasty.start();
      const firstThread = hasty.stats().workers[0]?.threadId;
      // 3,000 labelled bars take ~10 s to lay out here; a ten-player chart well under a second, even cold.
      const error = await rejection(hasty.render('net-worth', manyPlayers(3_000)));
      expect(isAppError(error) && error.code).toBe('render_timeout');
      expect(exits).toEqual(['timeout:net-worth']);
      expect((await hasty.render('net-worth', SAMPLE_NET_WORTH_INPUT)).equals(inThread)).toBe(true);
      expect(hasty.stats().workers[0]?.threadId).not.toBe(firstThread);
    } finally {
      await hasty.close();
    }
  }, 60_000);

  it('when a worker cannot start, then start() and the waiting jobs fail loudly and no worker is respawned in a loop', async () => {
    const exits: string[] = [];
    // Stands in for a worker whose font assertion throws while loading.
    const broken = createRenderPool({
      workers: 2,
      source: { kind: 'eval', code: 'throw new Error("Font families not registered: Noto Sans")' },
      onWorkerExit: (event) => exits.push(event.reason),
    });
    try {
      const job = rejection(broken.render('net-worth', SAMPLE_NET_WORTH_INPUT));
      const error = await job;
      expect(isAppError(error) && error.code).toBe('render_worker_start_failed');
      expect((error as Error).message).toContain('Font families not registered: Noto Sans');
      const started = await rejection(broken.start());
      expect(isAppError(started) && started.code).toBe('render_worker_start_failed');
      // One attempt for the job, two for start(): nothing spawned on its own.
      expect(exits).toEqual(['start_failed', 'start_failed', 'start_failed']);
      expect(broken.stats().workers).toHaveLength(0);
    } finally {
      await broken.close();
    }
  });

  it('when close() resolves, then no worker thread is left and later renders are refused', async () => {
    const before = threadCount();
    const closing = createRenderPool({ workers: 2 });
    await closing.start();
    expect(threadCount()).toBeGreaterThan(before);
    const running = rejection(closing.render('net-worth', SAMPLE_NET_WORTH_INPUT));
    await closing.close();
    expect(closing.stats().workers).toHaveLength(0);
    expect(threadCount()).toBe(before);
    // The job was running or queued when the pool closed: it fails rather than hanging forever.
    const error = await running;
    expect(isAppError(error) && error.code).toBe('render_pool_closed');
    const refused = await rejection(closing.render('net-worth', SAMPLE_NET_WORTH_INPUT));
    expect(isAppError(refused) && refused.code).toBe('render_pool_closed');
  });
});

describe('renderer on the pool', () => {
  it('when the renderer is created with a pool, then render() and netWorthChart() draw on it and close() stops it', async () => {
    const inThread = await renderChart('net-worth', SAMPLE_NET_WORTH_INPUT);
    const before = threadCount();
    const renderer = createRenderer({ pool: { workers: 1 } });
    try {
      expect((await renderer.render('net-worth', SAMPLE_NET_WORTH_INPUT)).equals(inThread)).toBe(true);
      expect(threadCount()).toBeGreaterThan(before);
      expect((await renderer.netWorthChart(SAMPLE_NET_WORTH_INPUT)).equals(inThread)).toBe(true);
    } finally {
      await renderer.close();
    }
    expect(threadCount()).toBe(before);
  });

  it('when a chart throws in-thread, then the renderer fails with the same render_failed code as the pool', async () => {
    const renderer = createRenderer();
    const bad = { title: 'Bad', metric: 'gold', players: null } as unknown as NetWorthChartInput;
    const error = await rejection(renderer.render('net-worth', bad));
    expect(isAppError(error) && error.code).toBe('render_failed');
    expect(isAppError(error) && error.kind).toBe('transient');
  });
});
