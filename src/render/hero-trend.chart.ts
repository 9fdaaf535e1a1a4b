// Renders a hero's win rate (line, 0–100 %) over games played (bars, second axis) per period as a PNG.
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
import { COLORS, FONT_SIZES } from './theme.js';

export const HERO_TREND_CHART_WIDTH = 800;
export const HERO_TREND_CHART_HEIGHT = 420;
/** With more periods than this, the percentages above the points would collide; the axis must do. */
export const MAX_LABELLED_POINTS = 16;

/** Chart-local series colours: Okabe–Ito yellow for the line, a neutral grey so bars never read as a team. */
export const HERO_TREND_COLORS = {
  winRate: '#f0e442',
  games: '#5c6370',
  reference: '#8e9297',
} as const;

export interface HeroTrendPeriodInput {
  /** Axis label of the period, already formatted (e.g. "5 Aug" or "2019-W32"). */
  label: string;
  games: number;
  wins: number;
}

export interface HeroTrendChartInput {
  title: string;
  /** Oldest first. A period with 0 games leaves a gap in the line. */
  periods: HeroTrendPeriodInput[];
}

type Values = (number | null)[];
type TrendConfig = ChartConfiguration<'bar' | 'line', Values, string>;

const WIN_RATE_AXIS_MAX = 112;
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 });

/** Draws win rate and games per period and returns the PNG bytes; an empty input says so in the plot. */
export function renderHeroTrend(input: HeroTrendChartInput): Promise<Buffer> {
  return renderChartPng(HERO_TREND_CHART_WIDTH, HERO_TREND_CHART_HEIGHT, (ctx) => buildConfig(input, ctx));
}

function buildConfig(input: HeroTrendChartInput, ctx: SKRSContext2D): TrendConfig {
  const { periods } = input;
  const winRates: Values = periods.map((p) => (p.games > 0 ? (100 * p.wins) / p.games : null));
  const tickFont = { family: FONT_STACK, size: FONT_SIZES.tick };

  return {
    type: 'bar',
    platform: BasicPlatform,
    data: {
      labels: periods.map((p) => p.label),
      datasets: [
        {
          type: 'line',
          label: 'Win rate',
          data: winRates,
          yAxisID: 'winRate',
          borderColor: HERO_TREND_COLORS.winRate,
          backgroundColor: HERO_TREND_COLORS.winRate,
          borderWidth: 3,
          // Visible points, so a single period (no line to draw) still shows its win rate.
          pointRadius: periods.length > 60 ? 0 : 5,
          pointHoverRadius: 5,
          spanGaps: false,
          order: 0,
        },
        {
          type: 'bar',
          label: 'Games',
          data: periods.map((p) => p.games),
          yAxisID: 'games',
          backgroundColor: HERO_TREND_COLORS.games,
          maxBarThickness: 56,
          order: 1,
        },
      ],
    },
    options: {
      ...STILL_IMAGE_OPTIONS,
      scales: {
        x: {
          grid: { display: false },
          border: { color: COLORS.grid },
          ticks: { color: COLORS.text, font: tickFont, maxRotation: 0, autoSkip: true, autoSkipPadding: 12 },
        },
        winRate: {
          position: 'left',
          min: 0,
          // Headroom above 100 % for the labels of points at the top; the ticks still stop at 100 %.
          max: WIN_RATE_AXIS_MAX,
          afterBuildTicks: (scale) => {
            scale.ticks = scale.ticks.filter((tick) => tick.value <= 100);
          },
          grid: { color: COLORS.grid },
          border: { color: COLORS.grid },
          ticks: { color: COLORS.mutedText, font: tickFont, stepSize: 25, callback: (v) => `${String(v)}%` },
          title: axisTitleOptions('Win rate'),
        },
        games: {
          position: 'right',
          beginAtZero: true,
          // Headroom above the tallest bar so it never hides a win-rate label at the top.
          grace: '10%',
          grid: { display: false },
          border: { color: COLORS.grid },
          ticks: { color: COLORS.mutedText, font: tickFont, precision: 0 },
          title: axisTitleOptions('Games'),
        },
      },
      plugins: {
        title: titleOptions(input.title),
        legend: legendOptions(),
      },
    },
    plugins: [backgroundPlugin(ctx), referenceLinePlugin(ctx), pointLabelPlugin(ctx), emptyPlugin(ctx)],
  };
}

// 50 % is the line that matters for a win rate: dashed, under the data, across the whole plot.
function referenceLinePlugin(ctx: SKRSContext2D): Plugin<'bar' | 'line'> {
  return {
    id: 'dddFiftyPercent',
    beforeDatasetsDraw: (chart) => {
      const scale = chart.scales.winRate;
      if (!scale || (chart.data.labels ?? []).length === 0) return;
      const y = Math.round(scale.getPixelForValue(50)) + 0.5;
      ctx.save();
      ctx.strokeStyle = HERO_TREND_COLORS.reference;
      ctx.lineWidth = 1;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(chart.chartArea.left, y);
      ctx.lineTo(chart.chartArea.right, y);
      ctx.stroke();
      ctx.restore();
    },
  };
}

// Exact win rates above the points while there is room for them, on a plate so the line never crosses a digit.
function pointLabelPlugin(ctx: SKRSContext2D): Plugin<'bar' | 'line'> {
  return {
    id: 'dddPointLabels',
    afterDatasetsDraw: (chart) => {
      const meta = chart.getDatasetMeta(0);
      const values = chart.data.datasets[0]?.data ?? [];
      if (meta.data.length > MAX_LABELLED_POINTS) return;
      ctx.save();
      ctx.font = `${FONT_SIZES.value}px ${FONT_STACK}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const height = FONT_SIZES.value + 4;
      meta.data.forEach((point, index) => {
        const value = values[index];
        if (typeof value !== 'number') return;
        const text = percent.format(value / 100);
        const width = ctx.measureText(text).width + 6;
        const y = point.y - 8 - height / 2;
        ctx.fillStyle = COLORS.background;
        ctx.fillRect(point.x - width / 2, y - height / 2, width, height);
        ctx.fillStyle = COLORS.text;
        ctx.fillText(text, point.x, y);
      });
      ctx.restore();
    },
  };
}

function emptyPlugin(ctx: SKRSContext2D): Plugin<'bar' | 'line'> {
  return {
    id: 'dddEmpty',
    afterDraw: (chart) => {
      if ((chart.data.labels ?? []).length > 0) return;
      const { left, right, top, bottom } = chart.chartArea;
      ctx.save();
      ctx.font = `${FONT_SIZES.label}px ${FONT_STACK}`;
      ctx.fillStyle = COLORS.mutedText;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('No games recorded', (left + right) / 2, (top + bottom) / 2);
      ctx.restore();
    },
  };
}
