// Renders how often a hero was picked and banned in drafts, overall and per draft phase, Radiant/Dire stacked.
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
import { COLORS, FONT_SIZES } from './theme.js';

export const PICKS_BANS_CHART_WIDTH = 800;
export const PICKS_BANS_CHART_HEIGHT = 420;
/** Segments narrower than this carry no count inside; the total after the bar still shows. */
const MIN_SEGMENT_LABEL_WIDTH = 18;

export interface DraftSideCounts {
  picks: number;
  bans: number;
}

export interface PicksBansChartInput {
  title: string;
  /** A second, muted line, e.g. "4 league drafts · picked 2, won 0". */
  subtitle?: string;
  byTeam: { radiant: DraftSideCounts; dire: DraftSideCounts };
  /** Draft phases in order (1-based); each gets a bans row and a picks row, zeros included. */
  byPhase: { phase: number; radiant: DraftSideCounts; dire: DraftSideCounts }[];
}

interface Row {
  label: string;
  radiant: number;
  dire: number;
}

type BarValues = number[];
type PicksBansConfig = ChartConfiguration<'bar', BarValues, string>;

/** Draws the picks/bans rows and returns the PNG bytes; with no draft step at all the plot says so. */
export function renderPicksBans(input: PicksBansChartInput): Promise<Buffer> {
  return renderChartPng(PICKS_BANS_CHART_WIDTH, PICKS_BANS_CHART_HEIGHT, (ctx) => buildConfig(input, ctx));
}

/** Totals first, then per phase bans before picks, the order Captains Mode drafts in. */
export function picksBansRows(input: Pick<PicksBansChartInput, 'byTeam' | 'byPhase'>): Row[] {
  const { radiant, dire } = input.byTeam;
  const rows: Row[] = [
    { label: 'Picks', radiant: radiant.picks, dire: dire.picks },
    { label: 'Bans', radiant: radiant.bans, dire: dire.bans },
  ];
  for (const phase of [...input.byPhase].sort((a, b) => a.phase - b.phase)) {
    rows.push({ label: `Phase ${phase.phase} bans`, radiant: phase.radiant.bans, dire: phase.dire.bans });
    rows.push({ label: `Phase ${phase.phase} picks`, radiant: phase.radiant.picks, dire: phase.dire.picks });
  }
  return rows;
}

function buildConfig(input: PicksBansChartInput, ctx: SKRSContext2D): PicksBansConfig {
  const rows = picksBansRows(input);
  const tickFont = { family: FONT_STACK, size: FONT_SIZES.tick };
  return {
    type: 'bar',
    platform: BasicPlatform,
    data: {
      labels: rows.map((r) => r.label),
      datasets: [
        { label: 'Radiant', data: rows.map((r) => r.radiant), backgroundColor: COLORS.radiant },
        { label: 'Dire', data: rows.map((r) => r.dire), backgroundColor: COLORS.dire },
      ],
    },
    options: {
      indexAxis: 'y',
      ...STILL_IMAGE_OPTIONS,
      datasets: { bar: { categoryPercentage: 0.8, barPercentage: 0.9 } },
      scales: {
        x: {
          stacked: true,
          beginAtZero: true,
          // An all-zero chart still gets a 0–1 axis instead of a degenerate one.
          suggestedMax: 1,
          // Headroom so the total printed after the longest bar stays inside the canvas.
          grace: '12%',
          grid: { color: COLORS.grid },
          border: { color: COLORS.grid },
          ticks: { color: COLORS.mutedText, font: tickFont, precision: 0 },
          title: axisTitleOptions('Drafts'),
        },
        y: { ...rowLabelAxisOptions(), stacked: true },
      },
      plugins: {
        title: titleOptions(input.title, input.subtitle ? 2 : 8),
        subtitle: {
          display: Boolean(input.subtitle),
          text: input.subtitle ?? '',
          color: COLORS.mutedText,
          font: { family: FONT_STACK, size: FONT_SIZES.label },
          padding: { top: 0, bottom: 8 },
        },
        legend: legendOptions(),
      },
    },
    plugins: [
      backgroundPlugin(ctx),
      separatorPlugin(ctx),
      countLabelPlugin(ctx, rows),
      emptyPlugin(ctx, rows),
    ],
  };
}

// A rule between the two total rows and the per-phase rows, which break the same drafts down.
function separatorPlugin(ctx: SKRSContext2D): Plugin<'bar'> {
  return {
    id: 'dddSeparator',
    beforeDatasetsDraw: (chart) => {
      const scale = chart.scales.y;
      if (!scale || (chart.data.labels ?? []).length <= 2) return;
      const y = Math.round((scale.getPixelForValue(1) + scale.getPixelForValue(2)) / 2) + 0.5;
      ctx.save();
      ctx.strokeStyle = COLORS.mutedText;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(chart.chartArea.left - 8, y);
      ctx.lineTo(chart.chartArea.right, y);
      ctx.stroke();
      ctx.restore();
    },
  };
}

// Counts inside each team's segment (dark on the team colour) and the row total after the bar.
function countLabelPlugin(ctx: SKRSContext2D, rows: readonly Row[]): Plugin<'bar'> {
  return {
    id: 'dddCountLabels',
    afterDatasetsDraw: (chart) => {
      ctx.save();
      ctx.font = `bold ${FONT_SIZES.value}px ${FONT_STACK}`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'center';
      ctx.fillStyle = COLORS.background;
      const ends: number[] = [];
      const inside: number[] = [];
      (['radiant', 'dire'] as const).forEach((side, datasetIndex) => {
        chart.getDatasetMeta(datasetIndex).data.forEach((bar, index) => {
          const value = rows[index]?.[side] ?? 0;
          const { x, base } = bar.getProps(['x', 'base'], true) as { x: number; base: number };
          ends[index] = Math.max(ends[index] ?? chart.chartArea.left, x);
          if (value > 0 && x - base >= MIN_SEGMENT_LABEL_WIDTH) {
            ctx.fillText(String(value), (x + base) / 2, bar.y);
            inside[index] = (inside[index] ?? 0) + value;
          }
        });
      });
      ctx.font = `${FONT_SIZES.value}px ${FONT_STACK}`;
      ctx.fillStyle = COLORS.text;
      ctx.textAlign = 'left';
      const meta = chart.getDatasetMeta(0);
      rows.forEach((row, index) => {
        const bar = meta.data[index];
        const total = row.radiant + row.dire;
        // A one-team bar already shows its count inside; the total would only repeat it.
        const oneTeam = row.radiant === 0 || row.dire === 0;
        if (!bar || (total > 0 && oneTeam && inside[index] === total)) return;
        ctx.fillText(String(total), (ends[index] ?? chart.chartArea.left) + 6, bar.y);
      });
      ctx.restore();
    },
  };
}

function emptyPlugin(ctx: SKRSContext2D, rows: readonly Row[]): Plugin<'bar'> {
  return {
    id: 'dddEmpty',
    afterDraw: (chart) => {
      if (rows.some((row) => row.radiant + row.dire > 0)) return;
      const { left, right, top, bottom } = chart.chartArea;
      ctx.save();
      ctx.font = `${FONT_SIZES.label}px ${FONT_STACK}`;
      ctx.fillStyle = COLORS.mutedText;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('No picks or bans recorded', (left + right) / 2, (top + bottom) / 2);
      ctx.restore();
    },
  };
}
