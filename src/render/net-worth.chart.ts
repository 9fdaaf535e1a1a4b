// Renders the per-player net worth (or gold) bar chart of one match as a PNG, Radiant first then Dire.
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  BasicPlatform,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Title,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import { assertFontsAvailable, FONT_STACK, registerFonts } from './fonts.js';
import { fitToWidth, playerLabel } from './labels.js';
import { COLORS, FONT_SIZES, PADDING } from './theme.js';

export const NET_WORTH_CHART_WIDTH = 800;
/** Tall enough for ten readable rows plus title, legend and axis. */
export const NET_WORTH_CHART_HEIGHT = 520;
/** Widest a row label may be; longer ones are cut with an ellipsis so the axis never squeezes the bars away. */
export const MAX_LABEL_WIDTH = 320;

export interface NetWorthChartPlayer {
  name: string;
  hero: string;
  team: 'radiant' | 'dire';
  value: number;
}

export interface NetWorthChartInput {
  title: string;
  metric: 'net_worth' | 'gold';
  players: NetWorthChartPlayer[];
}

type BarValues = (number | null)[];
type BarConfig = ChartConfiguration<'bar', BarValues, string>;

const AXIS_TITLES: Record<NetWorthChartInput['metric'], string> = { net_worth: 'Net worth', gold: 'Gold' };
const valueFormat = new Intl.NumberFormat('en-US');
const tickFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

let prepared = false;

// Deferred to the first render so importing this module costs nothing (font registration takes ~0.5 s).
function prepare(): void {
  if (prepared) return;
  registerFonts();
  assertFontsAvailable();
  Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title, Legend);
  prepared = true;
}

/** Draws one horizontal bar per player, coloured by team, and returns the PNG bytes. */
export async function renderNetWorthChart(input: NetWorthChartInput): Promise<Buffer> {
  prepare();
  const canvas = createCanvas(NET_WORTH_CHART_WIDTH, NET_WORTH_CHART_HEIGHT);
  const ctx = canvas.getContext('2d');
  // Chart.js's item type names DOM classes, which lib ES2023 lacks, so any context type-checks here; at run
  // time its BasicPlatform only needs getContext/canvas/width/height, which @napi-rs/canvas provides.
  const chart = new Chart(ctx, buildConfig(input, ctx));
  try {
    // Chart.js drew synchronously (animation off); encoding runs off the main thread and yields the loop.
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

function buildConfig(input: NetWorthChartInput, ctx: SKRSContext2D): BarConfig {
  const players = [
    ...input.players.filter((p) => p.team === 'radiant'),
    ...input.players.filter((p) => p.team === 'dire'),
  ];
  const labelFont = `${FONT_SIZES.label}px ${FONT_STACK}`;
  ctx.font = labelFont;
  const labels = players.map((p) => fitToWidth(ctx, playerLabel(p.hero, p.name), MAX_LABEL_WIDTH));
  const teamValues = (team: NetWorthChartPlayer['team']): BarValues =>
    players.map((p) => (p.team === team ? p.value : null));

  return {
    type: 'bar',
    platform: BasicPlatform,
    data: {
      labels,
      datasets: [
        { label: 'Radiant', data: teamValues('radiant'), backgroundColor: COLORS.radiant },
        { label: 'Dire', data: teamValues('dire'), backgroundColor: COLORS.dire },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      layout: { padding: PADDING },
      // Each row holds one team's bar only; ungrouped bars use the full row height instead of half.
      datasets: { bar: { grouped: false, categoryPercentage: 0.8, barPercentage: 0.9 } },
      scales: {
        x: {
          beginAtZero: true,
          // Headroom so the value printed after the longest bar stays inside the canvas.
          grace: '15%',
          grid: { color: COLORS.grid },
          border: { color: COLORS.grid },
          ticks: {
            color: COLORS.mutedText,
            font: { family: FONT_STACK, size: FONT_SIZES.tick },
            callback: (value) => tickFormat.format(Number(value)),
          },
          title: {
            display: true,
            text: AXIS_TITLES[input.metric],
            color: COLORS.mutedText,
            font: { family: FONT_STACK, size: FONT_SIZES.axisTitle },
          },
        },
        y: {
          grid: { display: false },
          border: { color: COLORS.grid },
          ticks: {
            autoSkip: false,
            color: COLORS.text,
            font: { family: FONT_STACK, size: FONT_SIZES.label },
          },
        },
      },
      plugins: {
        title: {
          display: true,
          text: input.title,
          color: COLORS.text,
          font: { family: FONT_STACK, size: FONT_SIZES.title, weight: 'bold' },
          padding: { top: 0, bottom: 8 },
        },
        legend: {
          display: true,
          align: 'end',
          labels: {
            color: COLORS.mutedText,
            font: { family: FONT_STACK, size: FONT_SIZES.label },
            boxWidth: 14,
            boxHeight: 14,
          },
        },
      },
    },
    plugins: [backgroundPlugin(ctx), valueLabelPlugin(ctx)],
  };
}

// The canvas starts transparent; Discord would show its own background through it, so paint ours.
function backgroundPlugin(ctx: SKRSContext2D): Plugin<'bar'> {
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

// Exact values beside each bar, because reading 23,456 off a gridline is guesswork.
function valueLabelPlugin(ctx: SKRSContext2D): Plugin<'bar'> {
  return {
    id: 'dddValueLabels',
    afterDatasetsDraw: (chart) => {
      ctx.save();
      ctx.font = `${FONT_SIZES.value}px ${FONT_STACK}`;
      ctx.fillStyle = COLORS.text;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      chart.data.datasets.forEach((dataset, datasetIndex) => {
        chart.getDatasetMeta(datasetIndex).data.forEach((bar, index) => {
          const value = dataset.data[index];
          if (typeof value !== 'number') return;
          ctx.fillText(valueFormat.format(value), bar.x + 6, bar.y);
        });
      });
      ctx.restore();
    },
  };
}
