// Renders two players side by side as a PNG: grouped bars per metric, each scaled to the higher of the two.
import type { SKRSContext2D } from '@napi-rs/canvas';
import { BasicPlatform, type ChartConfiguration, type Plugin } from 'chart.js';
import {
  axisTitleOptions,
  backgroundPlugin,
  legendOptions,
  renderChartPng,
  STILL_IMAGE_OPTIONS,
  titleOptions,
} from './draw/chart-canvas.js';
import { FONT_STACK } from './fonts.js';
import { fitToWidth, MAX_NAME_GRAPHEMES, truncateGraphemes } from './labels.js';
import { COLORS, FONT_SIZES, PADDING } from './theme.js';

export const PLAYER_COMPARE_CHART_WIDTH = 800;
export const PLAYER_COMPARE_CHART_HEIGHT = 480;
/** Widest a player name may be in the legend: two of them plus swatches fit one legend row. */
export const MAX_COMPARE_NAME_WIDTH = 320;

/** First and second player; the theme's sky-blue/orange pair, which colour-blind readers can tell apart. */
export const COMPARE_COLORS = [COLORS.radiant, COLORS.dire] as const;

/** One player's averages over their stored matches; null where there is nothing to average. */
export interface PlayerCompareSide {
  name: string;
  games: number;
  wins: number;
  avgKills: number | null;
  avgDeaths: number | null;
  avgAssists: number | null;
  avgGpm: number | null;
  avgXpm: number | null;
}

export interface PlayerCompareInput {
  /** Defaults to "<first> vs <second>", each name cut to half the width so neither one pushes out the other. */
  title?: string;
  players: readonly [PlayerCompareSide, PlayerCompareSide];
}

interface Metric {
  label: string;
  value: (side: PlayerCompareSide) => number | null;
  format: (value: number) => string;
}

const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The metrics compared, left to right. */
export const COMPARE_METRICS: readonly Metric[] = [
  { label: 'Kills', value: (s) => s.avgKills, format: (v) => oneDecimal.format(v) },
  { label: 'Deaths', value: (s) => s.avgDeaths, format: (v) => oneDecimal.format(v) },
  { label: 'Assists', value: (s) => s.avgAssists, format: (v) => oneDecimal.format(v) },
  { label: 'GPM', value: (s) => s.avgGpm, format: (v) => whole.format(v) },
  { label: 'XPM', value: (s) => s.avgXpm, format: (v) => whole.format(v) },
  {
    label: 'Win rate',
    value: (s) => (s.games > 0 ? (100 * s.wins) / s.games : null),
    format: (v) => `${whole.format(v)}%`,
  },
  { label: 'Games', value: (s) => s.games, format: (v) => whole.format(v) },
];

/**
 * Kills are single digits, GPM hundreds and games anything up to thousands, so one shared axis would flatten
 * most bars. Each metric is scaled to the higher of the two players instead (that one reaches 100 %), which
 * shows who leads and by how much; the printed numbers are the real values.
 */
export function normalise(a: number | null, b: number | null): [number | null, number | null] {
  const top = Math.max(a ?? 0, b ?? 0);
  const scale = (v: number | null) => (v === null ? null : top > 0 ? (100 * v) / top : 0);
  return [scale(a), scale(b)];
}

type Values = (number | null)[];
type CompareConfig = ChartConfiguration<'bar', Values, string>;

/** Draws the two players' metrics as grouped bars with their real values on top, and returns the PNG bytes. */
export function renderPlayerCompare(input: PlayerCompareInput): Promise<Buffer> {
  return renderChartPng(PLAYER_COMPARE_CHART_WIDTH, PLAYER_COMPARE_CHART_HEIGHT, (ctx) =>
    buildConfig(input, ctx),
  );
}

function buildConfig(input: PlayerCompareInput, ctx: SKRSContext2D): CompareConfig {
  const [first, second] = input.players;
  ctx.font = `${FONT_SIZES.label}px ${FONT_STACK}`;
  const names = input.players.map((p) =>
    fitToWidth(ctx, truncateGraphemes(p.name, MAX_NAME_GRAPHEMES), MAX_COMPARE_NAME_WIDTH),
  );
  ctx.font = `bold ${FONT_SIZES.title}px ${FONT_STACK}`;
  const titleWidth = PLAYER_COMPARE_CHART_WIDTH - 4 * PADDING;
  const halfWidth = (titleWidth - ctx.measureText(' vs ').width) / 2;
  const title = fitToWidth(
    ctx,
    input.title ?? input.players.map((p) => fitToWidth(ctx, p.name.trim(), halfWidth)).join(' vs '),
    titleWidth,
  );
  const raw = COMPARE_METRICS.map((m) => [m.value(first), m.value(second)] as const);
  const scaled = raw.map(([a, b]) => normalise(a, b));
  const tick = { color: COLORS.mutedText, font: { family: FONT_STACK, size: FONT_SIZES.tick } };

  return {
    type: 'bar',
    platform: BasicPlatform,
    data: {
      labels: COMPARE_METRICS.map((m) => m.label),
      datasets: [0, 1].map((side) => ({
        label: names[side] ?? '',
        data: scaled.map((pair) => pair[side] ?? null),
        backgroundColor: COMPARE_COLORS[side],
      })),
    },
    options: {
      ...STILL_IMAGE_OPTIONS,
      datasets: { bar: { categoryPercentage: 0.75, barPercentage: 0.9 } },
      scales: {
        x: {
          grid: { display: false },
          border: { color: COLORS.grid },
          ticks: { color: COLORS.text, font: { family: FONT_STACK, size: FONT_SIZES.label } },
        },
        y: {
          min: 0,
          // Headroom above 100 % for the value printed over the leading bar.
          max: 112,
          grid: { color: COLORS.grid },
          border: { color: COLORS.grid },
          ticks: { ...tick, stepSize: 25, callback: (value) => (Number(value) <= 100 ? `${value}%` : null) },
          title: axisTitleOptions('% of the higher player'),
        },
      },
      plugins: {
        title: titleOptions(title, 4),
        subtitle: {
          display: true,
          text: 'Each metric scaled to the higher of the two · numbers are actual values',
          color: COLORS.mutedText,
          font: { family: FONT_STACK, size: FONT_SIZES.tick },
          padding: { bottom: 8 },
        },
        // Centred (Chart.js's default), unlike the other charts' right-aligned legends.
        legend: { ...legendOptions(COLORS.text), align: 'center' },
      },
    },
    plugins: [backgroundPlugin(ctx), valueLabelPlugin(ctx, raw)],
  };
}

// The real value over each bar: the bar heights are relative, the numbers are what the player averaged.
function valueLabelPlugin(
  ctx: SKRSContext2D,
  raw: readonly (readonly [number | null, number | null])[],
): Plugin<'bar'> {
  return {
    id: 'dddCompareValues',
    afterDatasetsDraw: (chart) => {
      ctx.save();
      ctx.font = `${FONT_SIZES.value}px ${FONT_STACK}`;
      ctx.fillStyle = COLORS.text;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      const baseline = chart.chartArea.bottom;
      [0, 1].forEach((side) => {
        chart.getDatasetMeta(side).data.forEach((bar, index) => {
          const metric = COMPARE_METRICS[index];
          const value = raw[index]?.[side];
          if (!metric) return;
          const text = value === null || value === undefined ? '–' : metric.format(value);
          // A null value has no bar (y is NaN): print the dash on the axis instead.
          const top = Number.isFinite(bar.y) ? Math.min(bar.y, baseline) : baseline;
          ctx.fillText(text, bar.x, top - 4);
        });
      });
      ctx.restore();
    },
  };
}
