// Chart.js plumbing every chart file shares: one-time setup, canvas → PNG, and the option blocks they all repeat.
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  SubTitle,
  Title,
  type ChartConfiguration,
  type ChartType,
  type DefaultDataPoint,
  type Plugin,
} from 'chart.js';
import { assertFontsAvailable, FONT_STACK, registerFonts } from '../fonts.js';
import { COLORS, FONT_SIZES, PADDING } from '../theme.js';

let fontsPrepared = false;
let chartsPrepared = false;

// Deferred to the first render so importing a chart module costs nothing (font registration takes ~0.5 s).
export function prepareFonts(): void {
  if (fontsPrepared) return;
  registerFonts();
  assertFontsAvailable();
  fontsPrepared = true;
}

// Chart.register is global, so one union of every component the charts use; Filler before Title, SubTitle and
// Legend keeps the plugin order each chart registered before.
function prepareCharts(): void {
  if (chartsPrepared) return;
  prepareFonts();
  Chart.register(
    BarController,
    BarElement,
    LineController,
    LineElement,
    PointElement,
    CategoryScale,
    LinearScale,
    Filler,
    Title,
    SubTitle,
    Legend,
  );
  chartsPrepared = true;
}

/** Draws the chart `buildConfig` describes on a `width`×`height` canvas and returns the PNG bytes. */
export async function renderChartPng<
  TType extends ChartType,
  TData = DefaultDataPoint<TType>,
  TLabel = unknown,
>(
  width: number,
  height: number,
  buildConfig: (ctx: SKRSContext2D) => ChartConfiguration<TType, TData, TLabel>,
): Promise<Buffer> {
  prepareCharts();
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  // Chart.js's item type names DOM classes, which lib ES2023 lacks, so any context type-checks here; at run
  // time its BasicPlatform only needs getContext/canvas/width/height, which @napi-rs/canvas provides.
  const chart = new Chart(ctx, buildConfig(ctx));
  try {
    // Chart.js drew synchronously (animation off); encoding runs off the main thread and yields the loop.
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

// The canvas starts transparent; Discord would show its own background through it, so paint ours.
export function backgroundPlugin<TType extends ChartType>(ctx: SKRSContext2D): Plugin<TType> {
  return {
    id: 'dddBackground',
    beforeDraw: (chart) => {
      ctx.save();
      ctx.fillStyle = COLORS.background;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
}

/**
 * Option settings every chart shares: still images of a fixed size, drawn at once (no animation, no resizing),
 * one canvas pixel per chart pixel, with the theme's padding.
 */
export const STILL_IMAGE_OPTIONS = {
  animation: false,
  responsive: false,
  devicePixelRatio: 1,
  layout: { padding: PADDING },
} as const;

/** The bold chart title every chart shows; `bottom` is the gap to what follows (a subtitle sits closer). */
export function titleOptions(text: string, bottom = 8) {
  return {
    display: true,
    text,
    color: COLORS.text,
    font: { family: FONT_STACK, size: FONT_SIZES.title, weight: 'bold' as const },
    padding: { top: 0, bottom },
  };
}

/** Right-aligned legend with square swatches; `color` is the legend text colour. */
export function legendOptions(color: string = COLORS.mutedText) {
  return {
    display: true,
    align: 'end' as const,
    labels: {
      color,
      font: { family: FONT_STACK, size: FONT_SIZES.label },
      boxWidth: 14,
      boxHeight: 14,
    },
  };
}

/** A muted axis title in the axis-title size. */
export function axisTitleOptions(text: string) {
  return {
    display: true,
    text,
    color: COLORS.mutedText,
    font: { family: FONT_STACK, size: FONT_SIZES.axisTitle },
  };
}

/** The category axis of a horizontal bar chart: one readable label per row, none skipped, no gridlines. */
export function rowLabelAxisOptions() {
  return {
    grid: { display: false },
    border: { color: COLORS.grid },
    ticks: { autoSkip: false, color: COLORS.text, font: { family: FONT_STACK, size: FONT_SIZES.label } },
  };
}

/**
 * Text just right of each bar's end, for horizontal bar charts. `place` gets a bar's value and end x and says
 * what to print and where its left edge goes (before the 6 px gap), or null to print nothing.
 */
export function barValueLabelPlugin(
  ctx: SKRSContext2D,
  fontSize: number,
  place: (value: unknown, barX: number, chart: Chart<'bar'>) => { text: string; x: number } | null,
): Plugin<'bar'> {
  return {
    id: 'dddValueLabels',
    afterDatasetsDraw: (chart) => {
      ctx.save();
      ctx.font = `${fontSize}px ${FONT_STACK}`;
      ctx.fillStyle = COLORS.text;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      chart.data.datasets.forEach((dataset, datasetIndex) => {
        chart.getDatasetMeta(datasetIndex).data.forEach((bar, index) => {
          const label = place(dataset.data[index], bar.x, chart);
          if (label) ctx.fillText(label.text, label.x + 6, bar.y);
        });
      });
      ctx.restore();
    },
  };
}
