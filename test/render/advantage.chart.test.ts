// Checks the advantage chart PNG: who-is-ahead fills in the right team colour and half, zero line, goldens.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADVANTAGE_CHART_HEIGHT,
  ADVANTAGE_CHART_WIDTH,
  ADVANTAGE_FILL_ALPHA,
  renderAdvantageChart,
  type AdvantageChartInput,
} from '../../src/render/advantage.chart.js';
import { COLORS } from '../../src/render/theme.js';
import { compareWithGolden, GOLDEN_TOLERANCE } from './golden.js';
import {
  countPixels,
  decodePng,
  diffPixels,
  hexToRgb,
  rgbAt,
  rowsWith,
  sameRgb,
  type Pixels,
  type Rgb,
} from './pixels.js';

const OPENDOTA_1781962623 = JSON.parse(
  readFileSync(new URL('../../json_files/opendota/odota_matches_1781962623.json', import.meta.url), 'utf8'),
) as { radiant_gold_adv: number[]; radiant_xp_adv: number[] };

/** The real parsed match: Radiant ahead in gold from minute 1 to the end (+47.8K at 37'). */
const REAL_MATCH: AdvantageChartInput = {
  title: 'Match 1781962623 — gold and XP advantage',
  goldAdv: OPENDOTA_1781962623.radiant_gold_adv,
  xpAdv: OPENDOTA_1781962623.radiant_xp_adv,
};

/** Synthetic back-and-forth game: Radiant leads for the first 20 minutes, Dire for the rest. */
const SWING: AdvantageChartInput = {
  title: 'Synthetic swing',
  goldAdv: Array.from({ length: 45 }, (_, i) => Math.round(9000 * Math.sin((i * Math.PI) / 22))),
};

/** Synthetic one-sided game: Dire pulls away from minute 5 on, every value at or below zero. */
const DIRE_STOMP: AdvantageChartInput = {
  title: 'Synthetic one-sided game — Dire stomp',
  goldAdv: Array.from({ length: 31 }, (_, i) => -Math.round(i * i * 25 + 250 * Math.abs(Math.sin(i)))),
  xpAdv: Array.from({ length: 31 }, (_, i) => -Math.round(i * i * 28)),
};

/** A fill pixel over the background: the team colour at the fill's alpha, give or take Skia's rounding. */
function fillOf(hex: string): (rgb: Rgb) => boolean {
  const [bg, colour] = [hexToRgb(COLORS.background), hexToRgb(hex)];
  const expected = bg.map((b, i) => b + ((colour[i] ?? 0) - b) * ADVANTAGE_FILL_ALPHA);
  return (rgb) => rgb.every((value, i) => Math.abs(value - (expected[i] ?? 0)) <= 3);
}

const isRadiantFill = fillOf(COLORS.radiant);
const isDireFill = fillOf(COLORS.dire);
const isBackground = sameRgb(hexToRgb(COLORS.background));
/** The zero line is drawn opaque in the muted text colour, over the fills. */
const isZeroLine = sameRgb(hexToRgb(COLORS.mutedText));
/** A fill spans the plot; the legend swatches are 28 px wide, so a row needs more than that. */
const FILL_ROW = 60;

function columnsWith(pixels: Pixels, matches: (rgb: Rgb) => boolean, minPerColumn: number): number[] {
  const columns: number[] = [];
  for (let x = 0; x < pixels.width; x += 1) {
    const region = { x0: x, y0: 0, x1: x + 1, y1: pixels.height };
    if (countPixels(pixels, matches, region) >= minPerColumn) columns.push(x);
  }
  return columns;
}

async function render(input: AdvantageChartInput): Promise<{ png: Buffer; pixels: Pixels }> {
  const png = await renderAdvantageChart(input);
  return { png, pixels: await decodePng(png) };
}

describe('renderAdvantageChart', () => {
  let real: { png: Buffer; pixels: Pixels };
  let swing: Pixels;

  beforeAll(async () => {
    real = await render(REAL_MATCH);
    swing = (await render(SWING)).pixels;
  });

  it('when rendered, then it returns a PNG of the exported size on the theme background', () => {
    expect(real.png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([real.pixels.width, real.pixels.height]).toEqual([ADVANTAGE_CHART_WIDTH, ADVANTAGE_CHART_HEIGHT]);
    expect(isBackground(rgbAt(real.pixels, 2, 2))).toBe(true);
    expect(isBackground(rgbAt(real.pixels, ADVANTAGE_CHART_WIDTH - 3, ADVANTAGE_CHART_HEIGHT - 3))).toBe(
      true,
    );
  });

  it('when the lead swings, then Radiant fill lies above Dire fill, Radiant early and Dire late', () => {
    const radiantRows = rowsWith(swing, isRadiantFill, FILL_ROW);
    const direRows = rowsWith(swing, isDireFill, FILL_ROW);
    expect(radiantRows.length).toBeGreaterThan(80);
    expect(direRows.length).toBeGreaterThan(80);
    expect(Math.max(...radiantRows)).toBeLessThan(Math.min(...direRows));

    const radiantColumns = columnsWith(swing, isRadiantFill, 20);
    const direColumns = columnsWith(swing, isDireFill, 20);
    expect(Math.max(...radiantColumns)).toBeLessThan(Math.min(...direColumns));
  });

  it('when the lead swings, then a light zero line runs across the plot between the two fills', () => {
    const zeroRows = rowsWith(swing, isZeroLine, 500);
    expect(zeroRows).toHaveLength(2);
    const [radiantLowest, direHighest] = [
      Math.max(...rowsWith(swing, isRadiantFill, FILL_ROW)),
      Math.min(...rowsWith(swing, isDireFill, FILL_ROW)),
    ];
    for (const y of zeroRows) {
      expect(y).toBeGreaterThanOrEqual(radiantLowest - 1);
      expect(y).toBeLessThanOrEqual(direHighest + 1);
    }
  });

  it('when Radiant leads the whole real game, then the plot is filled in the Radiant colour only', () => {
    expect(countPixels(real.pixels, isRadiantFill)).toBeGreaterThan(20_000);
    expect(rowsWith(real.pixels, isDireFill, FILL_ROW)).toEqual([]);
  });

  it('when the XP series is left out, then the picture changes but still renders', async () => {
    const goldOnly = await render({ ...REAL_MATCH, xpAdv: undefined });
    expect(diffPixels(real.pixels, goldOnly.pixels)).toBeGreaterThan(500);
    expect(countPixels(goldOnly.pixels, isRadiantFill)).toBeGreaterThan(20_000);
  });

  it('when minutes are given, then they must match the gold series, and an empty series is refused', async () => {
    await expect(renderAdvantageChart({ ...SWING, minutes: [0, 1] })).rejects.toThrow(RangeError);
    await expect(renderAdvantageChart({ title: 'empty', goldAdv: [] })).rejects.toThrow(RangeError);
    const spaced = await render({ title: 'spaced', goldAdv: [0, 2000, -1000], minutes: [0, 10, 20] });
    expect(countPixels(spaced.pixels, isRadiantFill)).toBeGreaterThan(1_000);
    expect(countPixels(spaced.pixels, isDireFill)).toBeGreaterThan(1_000);
  });

  it('when the real match 1781962623 is drawn, then it matches its reviewed golden image', async () => {
    const result = await compareWithGolden(real.png, 'advantage-1781962623');
    expect(result.sizeMatches).toBe(true);
    expect(result.changedRatio).toBeLessThan(GOLDEN_TOLERANCE);
  });

  it('when a one-sided Dire game is drawn, then it is Dire fill only and matches its reviewed golden image', async () => {
    const stomp = await render(DIRE_STOMP);
    expect(countPixels(stomp.pixels, isDireFill)).toBeGreaterThan(20_000);
    expect(rowsWith(stomp.pixels, isRadiantFill, FILL_ROW)).toEqual([]);
    const result = await compareWithGolden(stomp.png, 'advantage-one-sided-dire');
    expect(result.sizeMatches).toBe(true);
    expect(result.changedRatio).toBeLessThan(GOLDEN_TOLERANCE);
  });
});
