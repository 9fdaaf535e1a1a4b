// Renders both teams' totals (net worth or gold, hero damage, hero healing) side by side as a bar chart PNG.
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
import { formatCount } from './draw/fitted-text.js';
import { assertFontsAvailable, FONT_STACK, registerFonts } from './fonts.js';
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

let prepared = false;

// Deferred to the first render so importing this module costs nothing (font registration takes ~0.5 s).
function prepare(): void {
  if (prepared) return;
  registerFonts();
  assertFontsAvailable();
  Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title, Legend);
  prepared = true;
}

/** Draws one group per statistic with a Radiant and a Dire bar, and returns the PNG bytes. */
export async function renderTeamComparison(input: TeamComparisonInput): Promise<Buffer> {
  prepare();
  const canvas = createCanvas(TEAM_COMPARISON_WIDTH, TEAM_COMPARISON_HEIGHT);
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
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      layout: { padding: PADDING },
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
        title: {
          display: true,
          text: title,
          color: COLORS.text,
          font: { family: FONT_STACK, size: FONT_SIZES.title, weight: 'bold' },
          padding: { top: 0, bottom: 8 },
        },
        legend: {
          display: true,
          align: 'end',
          labels: {
            color: COLORS.text,
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

// Exact totals beside each bar; a missing figure is printed as a dash at the axis so it is not read as zero.
function valueLabelPlugin(ctx: SKRSContext2D): Plugin<'bar'> {
  return {
    id: 'dddValueLabels',
    afterDatasetsDraw: (chart) => {
      ctx.save();
      ctx.font = `${FONT_SIZES.label}px ${FONT_STACK}`;
      ctx.fillStyle = COLORS.text;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      const axisLeft = chart.scales.x?.left ?? chart.chartArea.left;
      chart.data.datasets.forEach((dataset, datasetIndex) => {
        chart.getDatasetMeta(datasetIndex).data.forEach((bar, index) => {
          const value = dataset.data[index];
          const known = typeof value === 'number';
          ctx.fillText(formatCount(known ? value : null), (known ? bar.x : axisLeft) + 6, bar.y);
        });
      });
      ctx.restore();
    },
  };
}
