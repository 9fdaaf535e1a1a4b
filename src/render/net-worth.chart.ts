// Renders the per-player net worth (or gold) bar chart of one match as a PNG, Radiant first then Dire.
import type { SKRSContext2D } from '@napi-rs/canvas';
import { BasicPlatform, type ChartConfiguration, type Plugin } from 'chart.js';
import {
  axisTitleOptions,
  backgroundPlugin,
  barValueLabelPlugin,
  legendOptions,
  renderChartPng,
  rowLabelAxisOptions,
  STILL_IMAGE_OPTIONS,
  titleOptions,
} from './draw/chart-canvas.js';
import { FONT_STACK } from './fonts.js';
import { fitToWidth, playerLabel } from './labels.js';
import { COLORS, FONT_SIZES } from './theme.js';

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

/** Draws one horizontal bar per player, coloured by team, and returns the PNG bytes. */
export function renderNetWorthChart(input: NetWorthChartInput): Promise<Buffer> {
  return renderChartPng(NET_WORTH_CHART_WIDTH, NET_WORTH_CHART_HEIGHT, (ctx) => buildConfig(input, ctx));
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
      ...STILL_IMAGE_OPTIONS,
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
          title: axisTitleOptions(AXIS_TITLES[input.metric]),
        },
        y: rowLabelAxisOptions(),
      },
      plugins: {
        title: titleOptions(input.title),
        legend: legendOptions(),
      },
    },
    plugins: [backgroundPlugin(ctx), valueLabelPlugin(ctx)],
  };
}

// Exact values beside each bar, because reading 23,456 off a gridline is guesswork.
function valueLabelPlugin(ctx: SKRSContext2D): Plugin<'bar'> {
  return barValueLabelPlugin(ctx, FONT_SIZES.value, (value, barX) =>
    typeof value === 'number' ? { text: valueFormat.format(value), x: barX } : null,
  );
}
