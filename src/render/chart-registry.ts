// Every chart the bot can draw, by name: the render pool's workers and the in-thread renderer both look charts up here.
import { renderAdvantageChart } from './advantage.chart.js';
import { renderHeroPool } from './hero-pool.chart.js';
import { renderHeroTrend } from './hero-trend.chart.js';
import { renderNetWorthChart } from './net-worth.chart.js';
import { renderPicksBans } from './picks-bans.chart.js';
import { renderPlayerCompare } from './player-compare.chart.js';
import { renderPlayerTrend } from './player-trend.chart.js';
import { renderScoreboard } from './scoreboard.chart.js';
import { renderTeamComparison } from './team-comparison.chart.js';

/**
 * Chart name → `(input) => Promise<Buffer>`. Adding a chart is one line here (plus a sample input in
 * bench/render-inputs.ts, which the type checker asks for); bump {@link RENDERER_VERSION} when any chart's
 * pixels change. Inputs must be plain data (structured-clonable): they cross to a worker thread.
 */
export const CHARTS = {
  'net-worth': renderNetWorthChart,
  scoreboard: renderScoreboard,
  'team-comparison': renderTeamComparison,
  advantage: renderAdvantageChart,
  'player-trend': renderPlayerTrend,
  'hero-pool': renderHeroPool,
  'player-compare': renderPlayerCompare,
  'hero-trend': renderHeroTrend,
  'picks-bans': renderPicksBans,
} as const satisfies Record<string, (input: never) => Promise<Buffer>>;

/**
 * Part of every render-cache key: bump it whenever a chart's output changes (new chart code, theme, fonts,
 * @napi-rs/canvas upgrade) so no cache ever serves a PNG drawn by older code.
 */
export const RENDERER_VERSION = 2;

export type ChartName = keyof typeof CHARTS;

type ChartInputs = { [N in ChartName]: Parameters<(typeof CHARTS)[N]>[0] };

/** The input type of chart `N`, e.g. `ChartInput<'net-worth'>` is `NetWorthChartInput`. */
export type ChartInput<N extends ChartName> = ChartInputs[N];

/** A chart and its input, as one value (what a worker receives). */
export type ChartJob = { [N in ChartName]: { chart: N; input: ChartInput<N> } }[ChartName];

export const CHART_NAMES = Object.keys(CHARTS) as ChartName[];

// The same map seen through a mapped type, which lets TypeScript call CHARTS[chart] with ChartInput<N> for a
// generic N (indexing the literal directly yields a union of functions that accepts no input at all).
const DRAW: { readonly [N in ChartName]: (input: ChartInputs[N]) => Promise<Buffer> } = CHARTS;

export function isChartName(name: unknown): name is ChartName {
  return typeof name === 'string' && Object.hasOwn(CHARTS, name);
}

/** Draws `chart` in the calling thread. */
export function renderChart<N extends ChartName>(chart: N, input: ChartInput<N>): Promise<Buffer> {
  return DRAW[chart](input);
}
