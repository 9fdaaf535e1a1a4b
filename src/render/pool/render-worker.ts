// Body of one render worker thread: registers and asserts fonts, then draws the chart jobs the pool sends.
import { parentPort, workerData } from 'node:worker_threads';
import { isChartName, renderChart, type ChartInput, type ChartName } from '../chart-registry.js';
import { assertFontsAvailable, registerFonts } from '../fonts.js';
import {
  isRenderRequest,
  readWorkerData,
  serializeError,
  type RenderDone,
  type RenderFailed,
  type RenderRequest,
  type WorkerMemory,
  type WorkerReady,
} from './worker-messages.js';

if (!parentPort) throw new Error('render-worker.js runs only as a worker thread of the render pool');
const port = parentPort;

// Fonts first, synchronously at load: a worker without them throws here (the pool sees an 'error' before
// 'ready' and fails loudly) instead of drawing charts with no text. Skia's font collection is process-wide,
// so families another thread registered are visible here too; registering anyway costs ~0.5 s and a few MB
// per worker, but skipping "when already present" would race with a thread still halfway through
// registering a family's unicode-range files, and silently lose those glyphs.
const fonts = registerFonts();
assertFontsAvailable();

function memory(): WorkerMemory {
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

function ownArrayBuffer(png: Buffer): ArrayBuffer {
  // @napi-rs/canvas hands back a Buffer owning its whole ArrayBuffer; a slice of a shared one must be copied,
  // or transferring it would detach bytes that are not ours.
  if (png.byteOffset === 0 && png.byteLength === png.buffer.byteLength && png.buffer instanceof ArrayBuffer) {
    return png.buffer;
  }
  const copy = new ArrayBuffer(png.byteLength);
  new Uint8Array(copy).set(png);
  return copy;
}

async function run(job: RenderRequest): Promise<void> {
  const start = performance.now();
  try {
    if (!isChartName(job.chart)) throw new Error(`unknown chart "${job.chart}"`);
    const png = await renderChart(job.chart, job.input as ChartInput<ChartName>);
    const buffer = ownArrayBuffer(png);
    const done: RenderDone = {
      type: 'done',
      id: job.id,
      png: buffer,
      ms: performance.now() - start,
      memory: memory(),
    };
    port.postMessage(done, [buffer]);
  } catch (error) {
    const failed: RenderFailed = {
      type: 'failed',
      id: job.id,
      error: serializeError(error),
      memory: memory(),
    };
    port.postMessage(failed);
  }
}

// The pool sends at most `concurrency` jobs at once; each lane draws one chart, then lets the loop turn.
// Two lanes let one chart be drawn while the previous one is PNG-encoded on libuv's threads.
const { concurrency } = readWorkerData(workerData);
const queue: RenderRequest[] = [];
let lanes = 0;

async function lane(): Promise<void> {
  lanes += 1;
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      await run(job);
      // Skia frees a chart's surfaces only once the event loop turns: yield between renders so 200 charts in
      // a row cost one chart's memory, not 200.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    lanes -= 1;
  }
}

port.on('message', (message: unknown) => {
  if (!isRenderRequest(message)) return;
  queue.push(message);
  if (lanes < concurrency) void lane();
});

const ready: WorkerReady = { type: 'ready', fontFiles: fonts.filesRegistered, fontMs: fonts.durationMs };
port.postMessage(ready);
