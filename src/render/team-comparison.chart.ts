// Renders both teams' totals (net worth or gold, hero damage, hero healing) side by side as a bar chart PNG.
import type { SKRSContext2D } from '@napi-rs/canvas';
import { BasicPlatform, type ChartConfiguration, type Plugin } from 'chart.js';
import { formatCount } from './draw/fitted-text.js';
import {
  backgroundPlugin,
  barValueLabelPlugin,
  legendOptions,
  renderChartPng,
  STILL_IMAGE_OPTIONS,
  titleOptions,
} from './draw/chart-canvas.js';
import { FONT_STACK } from './fonts.js';
import { fitToWidth } from './labels.js';
import { COLORS, FONT_SIZES, PADDING } from './theme.js';

export const TEAM_COMPARISON_WIDTH = 800;
/** Three groups of two bars with room for the title, legend and axis. */
export const TEAM_COMPARISON_HEIGHT = 360;
/** Longest a team name may be in the legend before it is cut with an ellipsis. */
const MAX_LEGEND_NAME_WIDTH = 300;

/** One team's totals; null when the match's era did not record the figure for anyone on the team. */
export interface TeamComparisonTeam {
  name: string;
  value: number | null;
  heroDamage: number | null;
  heroHealing: number | null;
}

export interface TeamComparisonInput {
  title: string;
  /** Matches before net worth was reported (about 2020) compare end-of-game gold instead. */
  valueMetric: 'net_worth' | 'gold';
  radiant: TeamComparisonTeam;
  dire: TeamComparisonTeam;
}

type BarValues = (number | null)[];
type BarConfig = ChartConfiguration<'bar', BarValues, string>;

const VALUE_LABELS: Record<TeamComparisonInput['valueMetric'], string> = {
  net_worth: 'Net worth',
  gold: 'Gold',
};
const tickFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Draws one group per statistic with a Radiant and a Dire bar, and returns the PNG bytes. */
export function renderTeamComparison(input: TeamComparisonInput): Promise<Buffer> {
  return renderChartPng(TEAM_COMPARISON_WIDTH, TEAM_COMPARISON_HEIGHT, (ctx) => buildConfig(input, ctx));
}

function buildConfig(input: TeamComparisonInput, ctx: SKRSContext2D): BarConfig {
  const values = (team: TeamComparisonTeam): BarValues => [team.value, team.heroDamage, team.heroHealing];
  // Chart.js neither wraps nor cuts titles and legend labels, so long team names are fitted here.
  ctx.font = `bold ${FONT_SIZES.title}px ${FONT_STACK}`;
  const title = fitToWidth(ctx, input.title, TEAM_COMPARISON_WIDTH - 2 * PADDING);
  ctx.font = `${FONT_SIZES.label}px ${FONT_STACK}`;
  const legendName = (team: TeamComparisonTeam): string => fitToWidth(ctx, team.name, MAX_LEGEND_NAME_WIDTH);

  return {
    type: 'bar',
    platform: BasicPlatform,
    data: {
      labels: [VALUE_LABELS[input.valueMetric], 'Hero damage', 'Hero healing'],
      datasets: [
        { label: legendName(input.radiant), data: values(input.radiant), backgroundColor: COLORS.radiant },
        { label: legendName(input.dire), data: values(input.dire), backgroundColor: COLORS.dire },
      ],
    },
    options: {
      indexAxis: 'y',
      ...STILL_IMAGE_OPTIONS,
      datasets: { bar: { categoryPercentage: 0.8, barPercentage: 0.9 } },
      scales: {
        x: {
          beginAtZero: true,
          // Headroom so the value printed after the longest bar stays inside the canvas.
          grace: '18%',
          grid: { color: COLORS.grid },
          border: { color: COLORS.grid },
          ticks: {
            color: COLORS.mutedText,
            font: { family: FONT_STACK, size: FONT_SIZES.tick },
            callback: (value) => tickFormat.format(Number(value)),
          },
        },
        y: {
          grid: { display: false },
          border: { color: COLORS.grid },
          ticks: { color: COLORS.text, font: { family: FONT_STACK, size: FONT_SIZES.label } },
        },
      },
      plugins: {
        title: titleOptions(title),
        legend: legendOptions(COLORS.text),
      },
    },
    plugins: [backgroundPlugin(ctx), valueLabelPlugin(ctx)],
  };
}

// Exact totals beside each bar; a missing figure is printed as a dash at the axis so it is not read as zero.
function valueLabelPlugin(ctx: SKRSContext2D): Plugin<'bar'> {
  return barValueLabelPlugin(ctx, FONT_SIZES.label, (value, barX, chart) =>
    typeof value === 'number'
      ? { text: formatCount(value), x: barX }
      : { text: formatCount(null), x: chart.scales.x?.left ?? chart.chartArea.left },
  );
}
