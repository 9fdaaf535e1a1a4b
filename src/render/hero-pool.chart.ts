// Renders a player's most played heroes as a PNG: one bar of games per hero, split into wins and losses.
import type { SKRSContext2D } from '@napi-rs/canvas';
import { BasicPlatform, type ChartConfiguration, type Plugin } from 'chart.js';
import {
  axisTitleOptions,
  backgroundPlugin,
  legendOptions,
  renderChartPng,
  rowLabelAxisOptions,
  STILL_IMAGE_OPTIONS,
  titleOptions,
} from './draw/chart-canvas.js';
import { FONT_STACK } from './fonts.js';
import { fitToWidth } from './labels.js';
import { COLORS, FONT_SIZES, PADDING } from './theme.js';

export const HERO_POOL_CHART_WIDTH = 800;
/** Heroes beyond this many are left out: the input is expected most played first. */
export const MAX_POOL_HEROES = 10;
/** Widest a hero name may be in the row labels. */
export const MAX_HERO_LABEL_WIDTH = 180;

/** Wins and losses reuse the theme's colour-blind-safe sky-blue/orange pair (also used by the trend strip). */
export const HERO_POOL_COLORS = { wins: COLORS.radiant, losses: COLORS.dire } as const;

const ROW_HEIGHT = 34;
// Title, legend, x axis and padding around the rows.
const FRAME_HEIGHT = 150;

/** Image height for `heroCount` rows, so a two-hero pool is not a tall, empty picture. */
export function heroPoolChartHeight(heroCount: number): number {
  return FRAME_HEIGHT + ROW_HEIGHT * Math.max(1, Math.min(heroCount, MAX_POOL_HEROES));
}

export interface HeroPoolEntry {
  hero: string;
  games: number;
  wins: number;
  /** (kills + assists) / deaths on the hero; shown after the win rate when given. */
  kda?: number | null;
}

export interface HeroPoolInput {
  title: string;
  /** Most played first; the first {@link MAX_POOL_HEROES} are drawn, top to bottom. */
  heroes: HeroPoolEntry[];
}

type BarConfig = ChartConfiguration<'bar', number[], string>;

const countFormat = new Intl.NumberFormat('en-US');
const kdaFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Draws one stacked wins/losses bar per hero with its win rate beside it, and returns the PNG bytes. */
export function renderHeroPool(input: HeroPoolInput): Promise<Buffer> {
  return renderChartPng(HERO_POOL_CHART_WIDTH, heroPoolChartHeight(input.heroes.length), (ctx) =>
    buildConfig(input, ctx),
  );
}

/** "58% won · 12 games · KDA 3.4": the row's summary, printed in a column right of the bars. */
export function heroSummary(entry: HeroPoolEntry): string {
  const rate = entry.games > 0 ? Math.round((100 * entry.wins) / entry.games) : 0;
  const games = `${countFormat.format(entry.games)} ${entry.games === 1 ? 'game' : 'games'}`;
  const kda = entry.kda === undefined || entry.kda === null ? '' : ` · KDA ${kdaFormat.format(entry.kda)}`;
  return `${rate}% won · ${games}${kda}`;
}

function buildConfig(input: HeroPoolInput, ctx: SKRSContext2D): BarConfig {
  const heroes = input.heroes.slice(0, MAX_POOL_HEROES);
  ctx.font = `${FONT_SIZES.label}px ${FONT_STACK}`;
  const labels = heroes.map((h) => fitToWidth(ctx, h.hero, MAX_HERO_LABEL_WIDTH));
  ctx.font = `bold ${FONT_SIZES.title}px ${FONT_STACK}`;
  const title = fitToWidth(ctx, input.title, HERO_POOL_CHART_WIDTH - 2 * PADDING);
  const summaries = heroes.map(heroSummary);
  ctx.font = `${FONT_SIZES.value}px ${FONT_STACK}`;
  // A fixed column right of the plot holds the summaries, so no bar length can push one off the canvas.
  // It is reserved by an empty axis, not layout padding, so the title and legend still span the full width.
  const columnWidth = Math.ceil(Math.max(0, ...summaries.map((s) => ctx.measureText(s).width))) + 12;
  const tick = { color: COLORS.mutedText, font: { family: FONT_STACK, size: FONT_SIZES.tick } };

  return {
    type: 'bar',
    platform: BasicPlatform,
    data: {
      labels,
      datasets: [
        { label: 'Wins', data: heroes.map((h) => h.wins), backgroundColor: HERO_POOL_COLORS.wins },
        {
          label: 'Losses',
          data: heroes.map((h) => Math.max(0, h.games - h.wins)),
          backgroundColor: HERO_POOL_COLORS.losses,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      ...STILL_IMAGE_OPTIONS,
      datasets: { bar: { categoryPercentage: 0.8, barPercentage: 0.9, maxBarThickness: 28 } },
      scales: {
        x: {
          stacked: true,
          beginAtZero: true,
          grid: { color: COLORS.grid },
          border: { color: COLORS.grid },
          ticks: { ...tick, precision: 0 },
          title: axisTitleOptions('Games'),
        },
        y: { ...rowLabelAxisOptions(), stacked: true },
        summaries: {
          type: 'category',
          axis: 'y',
          position: 'right',
          grid: { display: false },
          border: { display: false },
          ticks: { display: false },
          afterFit: (scale) => {
            scale.width = columnWidth;
          },
        },
      },
      plugins: {
        title: titleOptions(title),
        legend: legendOptions(),
      },
    },
    plugins: [backgroundPlugin(ctx), summaryColumnPlugin(ctx, summaries)],
  };
}

// Win rate, games and KDA per row, left-aligned in the column the layout padding reserved.
function summaryColumnPlugin(ctx: SKRSContext2D, summaries: readonly string[]): Plugin<'bar'> {
  return {
    id: 'dddHeroSummaries',
    afterDraw: (chart) => {
      ctx.save();
      ctx.textBaseline = 'middle';
      if (summaries.length === 0) {
        ctx.font = `${FONT_SIZES.label}px ${FONT_STACK}`;
        ctx.fillStyle = COLORS.mutedText;
        ctx.textAlign = 'center';
        const { left, right, top, bottom } = chart.chartArea;
        ctx.fillText('No matches stored yet', (left + right) / 2, (top + bottom) / 2);
        ctx.restore();
        return;
      }
      ctx.font = `${FONT_SIZES.value}px ${FONT_STACK}`;
      ctx.fillStyle = COLORS.text;
      ctx.textAlign = 'left';
      const x = chart.chartArea.right + 10;
      chart.getDatasetMeta(0).data.forEach((bar, index) => {
        const text = summaries[index];
        if (text) ctx.fillText(text, x, bar.y);
      });
      ctx.restore();
    },
  };
}
