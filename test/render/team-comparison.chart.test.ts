// Checks the team comparison PNG: size, bars in both team colours, Radiant first, long names kept inside the canvas.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  renderTeamComparison,
  TEAM_COMPARISON_HEIGHT,
  TEAM_COMPARISON_WIDTH,
  type TeamComparisonInput,
} from '../../src/render/team-comparison.chart.js';
import { COLORS, PADDING } from '../../src/render/theme.js';
import { compareWithGolden, GOLDEN_TOLERANCE } from './golden.js';
import { countPixels, decodePng, hexToRgb, rgbAt, rowsWith, sameRgb, type Pixels } from './pixels.js';
import { LONG_NAMES, PRO_MATCH_ID, shippedTeamComparisonInput, TURBO_MATCH_ID } from './recap-fixtures.js';

const isRadiant = sameRgb(hexToRgb(COLORS.radiant));
const isDire = sameRgb(hexToRgb(COLORS.dire));
const isBackground = sameRgb(hexToRgb(COLORS.background));

async function render(input: TeamComparisonInput): Promise<Pixels> {
  return decodePng(await renderTeamComparison(input));
}

describe('renderTeamComparison', () => {
  let pro: TeamComparisonInput;
  let png: Buffer;
  let pixels: Pixels;

  beforeAll(async () => {
    pro = await shippedTeamComparisonInput(PRO_MATCH_ID);
    png = await renderTeamComparison(pro);
    pixels = await decodePng(png);
  });

  it('when rendered, then it returns a PNG of the exported size', () => {
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([pixels.width, pixels.height]).toEqual([TEAM_COMPARISON_WIDTH, TEAM_COMPARISON_HEIGHT]);
  });

  it('when rendered, then the background is the theme colour, not transparent', () => {
    expect(isBackground(rgbAt(pixels, 2, 2))).toBe(true);
    expect(isBackground(rgbAt(pixels, TEAM_COMPARISON_WIDTH - 3, TEAM_COMPARISON_HEIGHT - 3))).toBe(true);
  });

  it('when rendered, then both teams have substantial bars and Radiant’s comes first', () => {
    expect(countPixels(pixels, isRadiant)).toBeGreaterThan(10_000);
    expect(countPixels(pixels, isDire)).toBeGreaterThan(10_000);
    const radiantRows = rowsWith(pixels, isRadiant, 50);
    const direRows = rowsWith(pixels, isDire, 50);
    expect(Math.min(...radiantRows)).toBeLessThan(Math.min(...direRows));
  });

  it('when only Radiant’s net worth grows, then only Radiant’s bars change', async () => {
    const richer = await render({
      ...pro,
      radiant: { ...pro.radiant, value: (pro.radiant.value ?? 0) + 5_000 },
    });
    expect(countPixels(richer, isRadiant)).toBeGreaterThan(countPixels(pixels, isRadiant) + 500);
    expect(countPixels(richer, isDire)).toBe(countPixels(pixels, isDire));
  });

  it('when a figure is unknown, then its bar is not drawn', async () => {
    const unknown = await render({ ...pro, dire: { ...pro.dire, heroDamage: null } });
    expect(countPixels(unknown, isDire)).toBeLessThan(countPixels(pixels, isDire) - 10_000);
  });

  it('when titles and team names are long, then title and legend stay out of the side margins', async () => {
    const long = await render({
      ...pro,
      title: `${LONG_NAMES.cyrillic} vs ${LONG_NAMES.chinese} — team totals`,
      radiant: { ...pro.radiant, name: LONG_NAMES.emoji },
      dire: { ...pro.dire, name: LONG_NAMES.korean },
    });
    const notBackground = (rgb: readonly [number, number, number]) => !isBackground(rgb);
    // Above the bars: the title and legend, which Chart.js would let run off the canvas.
    const height = Math.min(...rowsWith(long, isRadiant, 50));
    expect(height).toBeGreaterThan(40);
    expect(countPixels(long, notBackground, { x0: 0, y0: 0, x1: PADDING - 1, y1: height })).toBe(0);
    const right = { x0: TEAM_COMPARISON_WIDTH - PADDING + 1, y0: 0, x1: TEAM_COMPARISON_WIDTH, y1: height };
    expect(countPixels(long, notBackground, right)).toBe(0);
  });

  it.each([
    ['team-comparison-pro-8591933650', PRO_MATCH_ID],
    ['team-comparison-turbo-4949375791', TURBO_MATCH_ID],
  ])('when %s is rendered, then it matches its reviewed golden image', async (name, matchId) => {
    const result = await compareWithGolden(
      await renderTeamComparison(await shippedTeamComparisonInput(matchId)),
      name,
    );
    expect(result.sizeMatches).toBe(true);
    expect(result.changedRatio).toBeLessThan(GOLDEN_TOLERANCE);
  });
});
