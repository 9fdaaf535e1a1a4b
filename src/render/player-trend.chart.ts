// Renders a player's last matches as a PNG: K/D/A bars, GPM/XPM lines on a second axis, a win/loss strip.
import type { SKRSContext2D } from '@napi-rs/canvas';
import { BasicPlatform, Chart, type ChartConfiguration, type Plugin } from 'chart.js';
import {
  axisTitleOptions,
  backgroundPlugin,
  legendOptions,
  renderChartPng,
  STILL_IMAGE_OPTIONS,
  titleOptions,
} from './draw/chart-canvas.js';
import { FONT_STACK } from './fonts.js';
import { fitToWidth } from './labels.js';
import { COLORS, FONT_SIZES, PADDING } from './theme.js';

export const PLAYER_TREND_CHART_WIDTH = 800;
export const PLAYER_TREND_CHART_HEIGHT = 520;
/** Widest a hero name under a match may be; the axis rotates names, so this bounds the axis height. */
export const MAX_TREND_LABEL_WIDTH = 110;

/**
 * Series colours: Okabe–Ito hues distinct from the win/loss pair, which reuses the theme's Radiant/Dire
 * sky-blue/orange. XPM is also dashed, so the two lines differ by shape and not only by colour.
 */
export const TREND_COLORS = {
  kills: '#009e73',
  deaths: '#d55e00',
  assists: '#cc79a7',
  gpm: '#f0e442',
  xpm: '#a99cf0',
  win: COLORS.radiant,
  loss: COLORS.dire,
} as const;

/** Most matches drawn (the newest ones): beyond this the W/L letters no longer fit their squares. */
export const MAX_TREND_MATCHES = 30;
/** Size of one win/loss square under its match, in pixels. */
export const STRIP_SQUARE = 18;
const STRIP_GAP = 6;

/** One match from the player's seat. */
export interface PlayerTrendMatch {
  hero: string;
  won: boolean;
  kills: number;
  deaths: number;
  assists: number;
  /** Null when Valve did not report it for that match. */
  gpm: number | null;
  xpm: number | null;
}

export interface PlayerTrendInput {
  title: string;
  /** Oldest first: drawn left to right in the order given; only the last {@link MAX_TREND_MATCHES} are drawn. */
  matches: PlayerTrendMatch[];
}

type Values = (number | null)[];
type TrendConfig = ChartConfiguration<'bar' | 'line', Values, string>;

/** Draws the trend chart of `input.matches` (oldest first) and returns the PNG bytes. */
export function renderPlayerTrend(input: PlayerTrendInput): Promise<Buffer> {
  return renderChartPng(PLAYER_TREND_CHART_WIDTH, PLAYER_TREND_CHART_HEIGHT, (ctx) =>
    buildConfig(input, ctx),
  );
}

const tickStyle = { color: COLORS.mutedText, font: { family: FONT_STACK, size: FONT_SIZES.tick } };

function buildConfig(input: PlayerTrendInput, ctx: SKRSContext2D): TrendConfig {
  const matches = input.matches.slice(-MAX_TREND_MATCHES);
  ctx.font = `${FONT_SIZES.tick}px ${FONT_STACK}`;
  const labels = matches.map((m) => fitToWidth(ctx, m.hero, MAX_TREND_LABEL_WIDTH));
  ctx.font = `bold ${FONT_SIZES.title}px ${FONT_STACK}`;
  const title = fitToWidth(ctx, input.title, PLAYER_TREND_CHART_WIDTH - 2 * PADDING);
  const bar = (label: string, color: string, data: Values) => ({
    type: 'bar' as const,
    label,
    data,
    backgroundColor: color,
    yAxisID: 'y',
    order: 2,
  });
  const line = (label: string, color: string, data: Values, dash: number[]) => ({
    type: 'line' as const,
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 3,
    borderDash: dash,
    pointRadius: 3,
    spanGaps: true,
    yAxisID: 'y1',
    // Lower order draws later: lines stay readable on top of the bars.
    order: 1,
  });

  return {
    type: 'bar',
    platform: BasicPlatform,
    data: {
      labels,
      datasets: [
        bar(
          'Kills',
          TREND_COLORS.kills,
          matches.map((m) => m.kills),
        ),
        bar(
          'Deaths',
          TREND_COLORS.deaths,
          matches.map((m) => m.deaths),
        ),
        bar(
          'Assists',
          TREND_COLORS.assists,
          matches.map((m) => m.assists),
        ),
        line(
          'GPM',
          TREND_COLORS.gpm,
          matches.map((m) => m.gpm),
          [],
        ),
        line(
          'XPM',
          TREND_COLORS.xpm,
          matches.map((m) => m.xpm),
          [8, 5],
        ),
      ],
    },
    options: {
      ...STILL_IMAGE_OPTIONS,
      datasets: { bar: { categoryPercentage: 0.8, barPercentage: 0.9 } },
      scales: {
        x: {
          grid: { display: false },
          border: { color: COLORS.grid },
          // The win/loss strip is drawn in the gap this padding leaves between the bars and the hero names.
          ticks: { ...tickStyle, autoSkip: false, maxRotation: 60, padding: STRIP_GAP + STRIP_SQUARE + 6 },
          title: axisTitleOptions('Hero per match, oldest → newest'),
        },
        y: {
          position: 'left',
          beginAtZero: true,
          grid: { color: COLORS.grid },
          border: { color: COLORS.grid },
          ticks: { ...tickStyle, precision: 0 },
          title: axisTitleOptions('Kills / deaths / assists'),
        },
        y1: {
          position: 'right',
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          border: { color: COLORS.grid },
          ticks: { ...tickStyle, precision: 0 },
          title: axisTitleOptions('Gold / XP per minute'),
        },
      },
      plugins: {
        title: titleOptions(title),
        legend: {
          ...legendOptions(),
          labels: {
            ...legendOptions().labels,
            usePointStyle: true,
            pointStyleWidth: 22,
            // Swatches say what each series is: a box for bars, a (dashed) stroke for lines.
            generateLabels: (chart) =>
              Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
                const isLine = chart.data.datasets[item.datasetIndex ?? 0]?.type === 'line';
                return { ...item, pointStyle: isLine ? 'line' : 'rect', lineWidth: isLine ? 3 : 0 };
              }),
            // Chart.js orders the legend by draw order; keep the reading order K, D, A, GPM, XPM.
            sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
          },
        },
      },
    },
    plugins: [backgroundPlugin(ctx), winLossStripPlugin(ctx, matches)],
  };
}

// One square per match under its bars, lettered W/L so the result never depends on telling colours apart.
function winLossStripPlugin(
  ctx: SKRSContext2D,
  matches: readonly PlayerTrendMatch[],
): Plugin<'bar' | 'line'> {
  return {
    id: 'dddWinLossStrip',
    afterDraw: (chart) => {
      const x = chart.scales.x;
      ctx.save();
      if (!x || matches.length === 0) {
        ctx.font = `${FONT_SIZES.label}px ${FONT_STACK}`;
        ctx.fillStyle = COLORS.mutedText;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        const { left, right, top, bottom } = chart.chartArea;
        ctx.fillText('No matches stored yet', (left + right) / 2, (top + bottom) / 2);
        ctx.restore();
        return;
      }
      const step = matches.length > 1 ? x.getPixelForTick(1) - x.getPixelForTick(0) : chart.chartArea.width;
      const size = Math.max(4, Math.min(STRIP_SQUARE, Math.floor(step) - 4));
      const top = Math.round(chart.chartArea.bottom + STRIP_GAP);
      ctx.font = `bold ${FONT_SIZES.tick}px ${FONT_STACK}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      matches.forEach((match, index) => {
        const left = Math.round(x.getPixelForTick(index) - size / 2);
        ctx.fillStyle = match.won ? TREND_COLORS.win : TREND_COLORS.loss;
        ctx.fillRect(left, top, size, size);
        if (size < 12) return;
        ctx.fillStyle = COLORS.background;
        ctx.fillText(match.won ? 'W' : 'L', left + size / 2, top + size / 2 + 1);
      });
      ctx.restore();
    },
  };
}
