// Benchmarks the net worth chart against a plain canvas fill+encode of the same size, in the same process.
import { createCanvas } from '@napi-rs/canvas';
import { registerFonts } from '../src/render/fonts.js';
import {
  NET_WORTH_CHART_HEIGHT,
  NET_WORTH_CHART_WIDTH,
  renderNetWorthChart,
} from '../src/render/net-worth.chart.js';
import { COLORS } from '../src/render/theme.js';
import { SAMPLE_NET_WORTH_INPUT } from '../test/render/sample-match.js';

const WARM_UP = 5;
const RUNS = 60;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function time(label: string, work: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < WARM_UP; i += 1) await work();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const result = { median: percentile(samples, 50), p95: percentile(samples, 95) };
  console.log(
    `${label}: median ${result.median.toFixed(2)} ms, p95 ${result.p95.toFixed(2)} ms (${RUNS} runs)`,
  );
  return result;
}

// Same pixel count and PNG encoder as the chart, without Chart.js or text: the floor a chart cannot beat.
async function plainCanvas(): Promise<Buffer> {
  const canvas = createCanvas(NET_WORTH_CHART_WIDTH, NET_WORTH_CHART_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, NET_WORTH_CHART_WIDTH, NET_WORTH_CHART_HEIGHT);
  return canvas.encode('png');
}

const fonts = registerFonts();
console.log(`font registration: ${fonts.filesRegistered} files in ${fonts.durationMs.toFixed(0)} ms`);
const coldStart = performance.now();
await renderNetWorthChart(SAMPLE_NET_WORTH_INPUT);
console.log(`first render (cold glyph caches): ${(performance.now() - coldStart).toFixed(0)} ms`);

const chart = await time('chart', () => renderNetWorthChart(SAMPLE_NET_WORTH_INPUT));
const baseline = await time('baseline fill+encode', plainCanvas);
const ratio = chart.median / baseline.median;
console.log(
  `RESULT render chart_ms=${chart.median.toFixed(2)} baseline_ms=${baseline.median.toFixed(2)} ratio=${ratio.toFixed(2)}`,
);
