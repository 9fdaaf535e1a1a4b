// Benchmarks every registered chart in-thread and on the worker pool: time, event-loop blocking, throughput, recap.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { CHART_NAMES, renderChart, type ChartInput, type ChartName } from '../src/render/chart-registry.js';
import { registerFonts } from '../src/render/fonts.js';
import { createRenderPool, defaultWorkerCount, type RenderPool } from '../src/render/pool/render-pool.js';
import { BENCH_INPUTS, RECAP_CHARTS } from './render-inputs.js';

const WARM_UP = 5;
const RUNS = 60;
const RECAP_RUNS = 30;
const THROUGHPUT_RENDERS = 120;
const MiB = 1024 * 1024;

type Draw = <N extends ChartName>(chart: N, input: ChartInput<N>) => Promise<Buffer>;

interface Summary {
  median: number;
  p95: number;
  max: number;
}

function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? Number.NaN };
}

const fmt = (s: Summary) =>
  `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;

// A 1 ms timer inside libuv: a stretch of synchronous work shows up as that timer firing late. Its largest
// delay during one render is how long that render kept the event loop from anything else.
const loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const settle = () => new Promise((resolve) => setTimeout(resolve, 3));
// reset() also forgets when the timer last fired, so the first stretch after it would go unrecorded: let the
// timer fire once (a ~1 ms sample, the floor of this measure) before the measured work starts.
async function resetLoopDelay(): Promise<void> {
  loopDelay.reset();
  await settle();
}

interface Measured {
  ms: Summary;
  /** Longest event-loop stall per run (timer lateness: includes ~1 ms floor and OS scheduling delays). */
  block: Summary;
  /** Main-thread busy time per run (event-loop utilization): the CPU our own code spends on this thread. */
  busy: Summary;
}

/** Wall time, the longest event-loop block and main-thread busy time of `work`, over `runs` after WARM_UP. */
async function measure(work: () => Promise<unknown>, runs = RUNS): Promise<Measured> {
  for (let i = 0; i < WARM_UP; i += 1) await work();
  const times: number[] = [];
  const blocks: number[] = [];
  const busy: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    await resetLoopDelay();
    const utilization = performance.eventLoopUtilization();
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
    busy.push(performance.eventLoopUtilization(utilization).active);
    // The late timer records its delay when it finally runs: give it the chance before reading.
    await settle();
    blocks.push(loopDelay.max / 1e6);
  }
  return { ms: summarize(times), block: summarize(blocks), busy: summarize(busy) };
}

const describe = (m: Measured) =>
  `${fmt(m.ms)}\n      loop blocked ${fmt(m.block)}\n      main thread busy ${fmt(m.busy)}`;

/** Charts per second drawing `total` charts with `concurrency` in flight, and the worst loop block meanwhile. */
async function throughput(
  draw: Draw,
  concurrency: number,
): Promise<{ perSecond: number; worstBlock: number }> {
  const jobs = Array.from({ length: THROUGHPUT_RENDERS }, (_, i) => CHART_NAMES[i % CHART_NAMES.length]);
  let next = 0;
  await resetLoopDelay();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let chart = jobs[next++]; chart; chart = jobs[next++]) await draw(chart, BENCH_INPUTS[chart]);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await settle();
  return { perSecond: THROUGHPUT_RENDERS / seconds, worstBlock: loopDelay.max / 1e6 };
}

const recap = (draw: Draw) => () => Promise.all(RECAP_CHARTS.map((job) => draw(job.chart, job.input)));

async function startPool(workers: number): Promise<RenderPool> {
  const pool = createRenderPool({ workers, maxQueue: THROUGHPUT_RENDERS });
  const start = performance.now();
  await pool.start();
  const started = performance.now() - start;
  // Every worker draws every chart a few times, so no timed render pays a cold glyph cache.
  const coldStart = performance.now();
  for (let round = 0; round < 3; round += 1) {
    await Promise.all(
      CHART_NAMES.flatMap((chart) =>
        Array.from({ length: workers }, () => pool.render(chart, BENCH_INPUTS[chart])),
      ),
    );
  }
  console.log(
    `pool of ${workers}: workers started (fonts registered) in ${started.toFixed(0)} ms, ` +
      `warm-up ${(performance.now() - coldStart).toFixed(0)} ms`,
  );
  return pool;
}

function workerMemory(pool: RenderPool): string {
  return pool
    .stats()
    .workers.map(
      (w) =>
        `worker ${w.threadId}: ${w.renders} renders, heap ${((w.memory?.heapUsed ?? 0) / MiB).toFixed(1)} MiB, ` +
        `process rss ${((w.memory?.rss ?? 0) / MiB).toFixed(0)} MiB`,
    )
    .join('; ');
}

const inThread: Draw = (chart, input) => renderChart(chart, input);
const fonts = registerFonts();
const workers = defaultWorkerCount();
console.log(
  `charts: ${CHART_NAMES.join(', ')}; default pool ${workers} workers on ${(await import('node:os')).availableParallelism()} cores; ` +
    `main-thread fonts: ${fonts.filesRegistered} files in ${fonts.durationMs.toFixed(0)} ms`,
);

const pool = await startPool(workers);
const pooled: Draw = (chart, input) => pool.render(chart, input);

console.log('\nper chart (sequential, one at a time):');
let worstPoolBlock = 0;
for (const chart of CHART_NAMES) {
  const input = BENCH_INPUTS[chart];
  const own = await measure(() => renderChart(chart, input));
  const onPool = await measure(() => pool.render(chart, input));
  worstPoolBlock = Math.max(worstPoolBlock, onPool.block.p95);
  console.log(`  ${chart} in-thread: ${describe(own)}`);
  console.log(`  ${chart} pool:      ${describe(onPool)}`);
}

console.log(`\nthroughput (${THROUGHPUT_RENDERS} charts, ${2 * workers} in flight):`);
const one = await throughput(inThread, 2 * workers);
const many = await throughput(pooled, 2 * workers);
const speedup = many.perSecond / one.perSecond;
console.log(
  `  in-thread: ${one.perSecond.toFixed(1)} charts/s, worst loop block ${one.worstBlock.toFixed(1)} ms`,
);
console.log(
  `  pool:      ${many.perSecond.toFixed(1)} charts/s, worst loop block ${many.worstBlock.toFixed(1)} ms`,
);
console.log(`  pool / in-thread: ${speedup.toFixed(2)}×`);

console.log(
  `\n${RECAP_CHARTS.length}-chart recap (${RECAP_CHARTS.map((j) => j.chart).join(', ')}), concurrently:`,
);
const recapInThread = await measure(recap(inThread), RECAP_RUNS);
const recapPool = await measure(recap(pooled), RECAP_RUNS);
console.log(`  in-thread: ${describe(recapInThread)}`);
console.log(`  pool of ${workers}: ${describe(recapPool)}`);
console.log(`  ${workerMemory(pool)}`);
await pool.close();

// The default's alternative on this box, for the record: the other worker count.
const otherCount = workers === 1 ? 2 : 1;
const other = await startPool(otherCount);
const recapOther = await measure(
  recap((chart, input) => other.render(chart, input)),
  RECAP_RUNS,
);
const otherRate = await throughput((chart, input) => other.render(chart, input), 2 * otherCount);
console.log(`  recap on a pool of ${otherCount}: ${describe(recapOther)}`);
console.log(`  throughput on a pool of ${otherCount}: ${otherRate.perSecond.toFixed(1)} charts/s`);
await other.close();
loopDelay.disable();

console.log(
  "\nrecap_ms: median 3-chart recap on the default pool; block_ms: worst chart's p95 of the longest " +
    'event-loop stall per render on the pool; pool_speedup: pool charts/s ÷ in-thread charts/s.',
);
console.log(
  `RESULT render recap_ms=${recapPool.ms.median.toFixed(1)} block_ms=${worstPoolBlock.toFixed(2)} pool_speedup=${speedup.toFixed(2)}`,
);
