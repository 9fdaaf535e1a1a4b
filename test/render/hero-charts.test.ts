// Checks the hero trend and picks/bans PNGs: sizes, what is drawn where, empty and one-period inputs, goldens.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  HERO_TREND_CHART_HEIGHT,
  HERO_TREND_CHART_WIDTH,
  HERO_TREND_COLORS,
  renderHeroTrend,
  type HeroTrendChartInput,
} from '../../src/render/hero-trend.chart.js';
import {
  PICKS_BANS_CHART_HEIGHT,
  PICKS_BANS_CHART_WIDTH,
  picksBansRows,
  renderPicksBans,
  type PicksBansChartInput,
} from '../../src/render/picks-bans.chart.js';
import { COLORS } from '../../src/render/theme.js';
import { compareWithGolden, GOLDEN_TOLERANCE } from './golden.js';
import {
  countPixels,
  decodePng,
  hexToRgb,
  isLightText,
  rgbAt,
  rowsWith,
  sameRgb,
  type Pixels,
  type Region,
  type Rgb,
} from './pixels.js';

const isBackground = sameRgb(hexToRgb(COLORS.background));
const isWinRate = sameRgb(hexToRgb(HERO_TREND_COLORS.winRate));
const isGames = sameRgb(hexToRgb(HERO_TREND_COLORS.games));
const isReference = sameRgb(hexToRgb(HERO_TREND_COLORS.reference));
const isRadiant = sameRgb(hexToRgb(COLORS.radiant));
const isDire = sameRgb(hexToRgb(COLORS.dire));

/** Eight weeks with an empty one (a gap in the line) and a 100 % week at the top of the axis. */
const WEEKS: HeroTrendChartInput = {
  title: 'Pudge — win rate by week',
  periods: [
    { label: '7 Jul', games: 12, wins: 7 },
    { label: '14 Jul', games: 18, wins: 8 },
    { label: '21 Jul', games: 9, wins: 6 },
    { label: '28 Jul', games: 0, wins: 0 },
    { label: '4 Aug', games: 25, wins: 14 },
    { label: '11 Aug', games: 30, wins: 12 },
    { label: '18 Aug', games: 21, wins: 12 },
    { label: '25 Aug', games: 4, wins: 4 },
  ],
};

/** heroTrend(Pudge, 'day') over the 2019 page: one day, 38 games, 20 wins. */
const ONE_DAY: HeroTrendChartInput = {
  title: 'Pudge — 5 Aug 2019',
  periods: [{ label: '5 Aug 2019', games: 38, wins: 20 }],
};

/** heroPicksBans(Skywrath Mage, { leaguesOnly: true }) over the four shipped league drafts. */
const SKYWRATH_LEAGUES: PicksBansChartInput = {
  title: 'Skywrath Mage — league drafts',
  subtitle: '4 league drafts · picked 2 (won 0) · banned 1',
  byTeam: { radiant: { picks: 2, bans: 0 }, dire: { picks: 0, bans: 1 } },
  byPhase: [
    { phase: 1, radiant: { picks: 1, bans: 0 }, dire: { picks: 0, bans: 0 } },
    { phase: 2, radiant: { picks: 0, bans: 0 }, dire: { picks: 0, bans: 1 } },
    { phase: 3, radiant: { picks: 1, bans: 0 }, dire: { picks: 0, bans: 0 } },
  ],
};

/** A busy hero: every row has both teams. Radiant 86 steps in all rows, Dire 72. */
const BUSY: PicksBansChartInput = {
  title: 'Sniper — all drafts',
  byTeam: { radiant: { picks: 12, bans: 31 }, dire: { picks: 9, bans: 27 } },
  byPhase: [
    { phase: 1, radiant: { picks: 5, bans: 25 }, dire: { picks: 3, bans: 20 } },
    { phase: 2, radiant: { picks: 4, bans: 4 }, dire: { picks: 5, bans: 5 } },
    { phase: 3, radiant: { picks: 3, bans: 2 }, dire: { picks: 1, bans: 2 } },
  ],
};

const EMPTY_DRAFT: PicksBansChartInput = {
  title: 'Nobody drafted',
  byTeam: { radiant: { picks: 0, bans: 0 }, dire: { picks: 0, bans: 0 } },
  byPhase: [],
};

function expectPngOfSize(png: Buffer, width: number, height: number): void {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([width, height]);
}

function centroidY(pixels: Pixels, matches: (rgb: Rgb) => boolean, region: Region): number {
  let sum = 0;
  let count = 0;
  for (let y = region.y0; y < region.y1; y += 1) {
    for (let x = region.x0; x < region.x1; x += 1) {
      if (matches(rgbAt(pixels, x, y))) {
        sum += y;
        count += 1;
      }
    }
  }
  return sum / count;
}

/** Longest horizontal run of matching pixels in row `y`. */
function runWidth(pixels: Pixels, y: number, matches: (rgb: Rgb) => boolean): number {
  let best = 0;
  let run = 0;
  for (let x = 0; x < pixels.width; x += 1) {
    run = matches(rgbAt(pixels, x, y)) ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

const either = (rgb: Rgb): boolean => isRadiant(rgb) || isDire(rgb);
/** Below title and legend: where the plot lives. */
const plot = (pixels: Pixels): Region => ({ x0: 0, y0: 90, x1: pixels.width, y1: pixels.height });

describe('renderHeroTrend', () => {
  let png: Buffer;
  let pixels: Pixels;

  beforeAll(async () => {
    png = await renderHeroTrend(WEEKS);
    pixels = await decodePng(png);
  });

  it('when rendered, then it returns a PNG of the exported size on the theme background', () => {
    expectPngOfSize(png, HERO_TREND_CHART_WIDTH, HERO_TREND_CHART_HEIGHT);
    expect(isBackground(rgbAt(pixels, 2, 2))).toBe(true);
    expect(isBackground(rgbAt(pixels, HERO_TREND_CHART_WIDTH - 3, HERO_TREND_CHART_HEIGHT - 3))).toBe(true);
  });

  it('when rendered, then games bars and the win-rate line are both drawn in their colours', () => {
    expect(countPixels(pixels, isGames, plot(pixels))).toBeGreaterThan(20_000);
    expect(countPixels(pixels, isWinRate, plot(pixels))).toBeGreaterThan(1_000);
  });

  it('when rendered, then a dashed 50 % reference line crosses the plot', () => {
    // Dashes (6 on, 4 off) drawn under the bars: even partly hidden, one row holds far more than any other.
    expect(rowsWith(pixels, isReference, 150).length).toBe(1);
  });

  it('when a period wins exactly half its games, then its point sits on the 50 % line', async () => {
    const half = await decodePng(
      await renderHeroTrend({ title: 'Half', periods: [{ label: 'A', games: 2, wins: 1 }] }),
    );
    const [referenceRow] = rowsWith(half, isReference, 150);
    expect(referenceRow).toBeDefined();
    expect(Math.abs(centroidY(half, isWinRate, plot(half)) - (referenceRow ?? 0))).toBeLessThan(1.5);
  });

  it('when the win rate rises, then the right point is higher, and more games make a taller bar', async () => {
    const rising = await decodePng(
      await renderHeroTrend({
        title: 'Rising',
        periods: [
          { label: 'A', games: 5, wins: 1 },
          { label: 'B', games: 20, wins: 18 },
        ],
      }),
    );
    const mid = rising.width / 2;
    const left = { ...plot(rising), x1: mid };
    const right = { ...plot(rising), x0: mid };
    expect(centroidY(rising, isWinRate, left)).toBeGreaterThan(centroidY(rising, isWinRate, right) + 100);
    const ratio = countPixels(rising, isGames, right) / countPixels(rising, isGames, left);
    expect(ratio).toBeGreaterThan(3.3);
    expect(ratio).toBeLessThan(4.7);
  });

  it('when there is a single period, then one centred bar and its point are drawn', async () => {
    const single = await decodePng(await renderHeroTrend(ONE_DAY));
    const barRows = rowsWith(single, isGames, 30);
    expect(barRows.length).toBeGreaterThan(200);
    let sumX = 0;
    let count = 0;
    for (let x = 0; x < single.width; x += 1) {
      if (isGames(rgbAt(single, x, 300))) {
        sumX += x;
        count += 1;
      }
    }
    expect(count).toBeGreaterThan(30);
    expect(Math.abs(sumX / count - single.width / 2)).toBeLessThan(40);
    expect(countPixels(single, isWinRate, plot(single))).toBeGreaterThan(50);
  });

  it('when there are no periods, then the plot says so and draws no data', async () => {
    const empty = await decodePng(await renderHeroTrend({ title: 'Nobody', periods: [] }));
    expect(countPixels(empty, isGames, plot(empty))).toBe(0);
    expect(countPixels(empty, isWinRate, plot(empty))).toBe(0);
    const centre = { x0: 300, y0: 200, x1: 500, y1: 280 };
    expect(countPixels(empty, isLightText, centre)).toBeGreaterThan(100);
  });

  it('when there are a hundred periods, then it still renders at the same size', async () => {
    const many = {
      title: 'Many days',
      periods: Array.from({ length: 100 }, (_, i) => ({
        label: `D${i + 1}`,
        games: (i % 7) + 1,
        wins: i % 4,
      })),
    };
    expectPngOfSize(await renderHeroTrend(many), HERO_TREND_CHART_WIDTH, HERO_TREND_CHART_HEIGHT);
  });

  it.each([
    ['hero-trend', WEEKS],
    ['hero-trend-single', ONE_DAY],
  ] as const)('when compared with golden %s, then it matches', async (name, input) => {
    const result = await compareWithGolden(await renderHeroTrend(input), name);
    expect(result.sizeMatches).toBe(true);
    expect(result.changedRatio).toBeLessThan(GOLDEN_TOLERANCE);
  });
});

describe('renderPicksBans', () => {
  let png: Buffer;
  let pixels: Pixels;

  beforeAll(async () => {
    png = await renderPicksBans(BUSY);
    pixels = await decodePng(png);
  });

  it('when rendered, then it returns a PNG of the exported size on the theme background', () => {
    expectPngOfSize(png, PICKS_BANS_CHART_WIDTH, PICKS_BANS_CHART_HEIGHT);
    expect(isBackground(rgbAt(pixels, 2, 2))).toBe(true);
  });

  it('when phases are given, then rows are totals first, then bans before picks per phase', () => {
    expect(picksBansRows(SKYWRATH_LEAGUES).map((row) => row.label)).toEqual([
      'Picks',
      'Bans',
      'Phase 1 bans',
      'Phase 1 picks',
      'Phase 2 bans',
      'Phase 2 picks',
      'Phase 3 bans',
      'Phase 3 picks',
    ]);
  });

  it('when both teams drafted, then Radiant and Dire areas follow their counts', () => {
    const ratio = countPixels(pixels, isRadiant, plot(pixels)) / countPixels(pixels, isDire, plot(pixels));
    expect(ratio).toBeGreaterThan((86 / 72) * 0.93);
    expect(ratio).toBeLessThan((86 / 72) * 1.07);
  });

  it('when one row has more steps, then its stacked bar is proportionally longer', () => {
    const rows = rowsWith(pixels, either, 20).filter((y) => y >= plot(pixels).y0); // not the legend
    const rowWidths = new Map(rows.map((y) => [y, runWidth(pixels, y, either)]));
    // The first bar (Picks, 21) and the second (Bans, 58): take the widest run in each band of rows.
    const bands: number[][] = [];
    for (const y of rows) {
      const band = bands.at(-1);
      if (band && y - (band.at(-1) ?? 0) <= 1) band.push(y);
      else bands.push([y]);
    }
    const width = (band: number[] | undefined): number =>
      Math.max(...(band ?? []).map((y) => rowWidths.get(y) ?? 0));
    expect(bands).toHaveLength(8);
    expect(width(bands[0]) / width(bands[1])).toBeCloseTo(21 / 58, 1);
  });

  it('when only Radiant picked and only Dire banned, then the Picks bar is Radiant and the Bans bar Dire', async () => {
    const league = await decodePng(await renderPicksBans(SKYWRATH_LEAGUES));
    const radiantRows = rowsWith(league, isRadiant, 50);
    const direRows = rowsWith(league, isDire, 50);
    // Picks (Radiant) is the top row; the first Dire bar (Bans) comes right after it.
    expect(Math.min(...radiantRows)).toBeLessThan(Math.min(...direRows));
    expect(countPixels(league, isLightText, { x0: 0, y0: 90, x1: 110, y1: 360 })).toBeGreaterThan(800);
  });

  it('when nothing was drafted, then only the legend swatches carry team colours and the plot says so', async () => {
    const empty = await decodePng(await renderPicksBans(EMPTY_DRAFT));
    expect(countPixels(empty, either, plot(empty))).toBe(0);
    expect(countPixels(empty, isLightText, { x0: 300, y0: 180, x1: 560, y1: 280 })).toBeGreaterThan(150);
  });

  it.each([
    ['hero-picks-bans', SKYWRATH_LEAGUES],
    ['hero-picks-bans-busy', BUSY],
  ] as const)('when compared with golden %s, then it matches', async (name, input) => {
    const result = await compareWithGolden(await renderPicksBans(input), name);
    expect(result.sizeMatches).toBe(true);
    expect(result.changedRatio).toBeLessThan(GOLDEN_TOLERANCE);
  });
});
