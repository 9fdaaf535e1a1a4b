// Checks the player charts (trend, hero pool, compare) draw every series, keep text inside and match reviewed PNGs.
import { describe, expect, it } from 'vitest';
import {
  heroPoolChartHeight,
  HERO_POOL_CHART_WIDTH,
  HERO_POOL_COLORS,
  heroSummary,
  MAX_POOL_HEROES,
  renderHeroPool,
  type HeroPoolInput,
} from '../../src/render/hero-pool.chart.js';
import {
  COMPARE_COLORS,
  normalise,
  PLAYER_COMPARE_CHART_HEIGHT,
  PLAYER_COMPARE_CHART_WIDTH,
  renderPlayerCompare,
  type PlayerCompareInput,
  type PlayerCompareSide,
} from '../../src/render/player-compare.chart.js';
import {
  MAX_TREND_MATCHES,
  PLAYER_TREND_CHART_HEIGHT,
  PLAYER_TREND_CHART_WIDTH,
  renderPlayerTrend,
  STRIP_SQUARE,
  TREND_COLORS,
  type PlayerTrendInput,
  type PlayerTrendMatch,
} from '../../src/render/player-trend.chart.js';
import { COLORS, PADDING } from '../../src/render/theme.js';
import { compareWithGolden, GOLDEN_TOLERANCE } from './golden.js';
import {
  countPixels,
  decodePng,
  diffBounds,
  hexToRgb,
  isColourful,
  isLightText,
  rgbAt,
  rowsWith,
  sameRgb,
  type Pixels,
  type Region,
} from './pixels.js';

const is = (hex: string) => sameRgb(hexToRgb(hex));
const isBackground = is(COLORS.background);
const notBackground = (rgb: readonly [number, number, number]) => !isBackground(rgb);
const LONG_NAMES = [
  'a-very-long-player-name-32-chars',
  'Ж'.repeat(32),
  '中'.repeat(32),
  '한'.repeat(32),
  '🔥'.repeat(32),
];

/** Text, light or coloured (emoji); grid and axis lines are dark grey and may end at the padding edge. */
const isInk = (rgb: readonly [number, number, number]) => isLightText(rgb) || isColourful(rgb);

/** The outer padding band on every side: Chart.js clips overlong text there, leaving a hard edge of pixels. */
function paddingBands(pixels: Pixels): Region[] {
  const { width, height } = pixels;
  return [
    { x0: 0, y0: 0, x1: PADDING, y1: height },
    { x0: width - PADDING, y0: 0, x1: width, y1: height },
    { x0: 0, y0: 0, x1: width, y1: PADDING / 2 },
    { x0: 0, y0: height - PADDING / 2, x1: width, y1: height },
  ];
}

function expectNoTextInPadding(pixels: Pixels): void {
  for (const band of paddingBands(pixels)) expect(countPixels(pixels, isInk, band)).toBe(0);
}

function expectPng(png: Buffer, width: number, height: number): void {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([width, height]);
}

/** Horizontal runs of pixels matching `matches` along row `y`, as [start, end) pairs. */
function runsInRow(pixels: Pixels, y: number, matches: (rgb: readonly [number, number, number]) => boolean) {
  const runs: { x0: number; x1: number }[] = [];
  for (let x = 0; x < pixels.width; x += 1) {
    if (!matches(rgbAt(pixels, x, y))) continue;
    const last = runs.at(-1);
    if (last && last.x1 === x) last.x1 = x + 1;
    else runs.push({ x0: x, x1: x + 1 });
  }
  return runs;
}

/** Groups consecutive row numbers into bands, e.g. one band per horizontal bar. */
function bands(rows: readonly number[]): { y0: number; y1: number }[] {
  const out: { y0: number; y1: number }[] = [];
  for (const y of rows) {
    const last = out.at(-1);
    if (last && last.y1 === y) last.y1 = y + 1;
    else out.push({ y0: y, y1: y + 1 });
  }
  return out;
}

// --- player trend -------------------------------------------------------------------------------------------

const TREND_HEROES = ['Anti-Mage', 'Keeper of the Light', 'Invoker', 'Lone Druid', 'Pudge', 'Lina', 'Axe'];
const TREND_RESULTS = 'LWWLWLWWLWLLWWLWWLWW';

function trendMatches(count: number): PlayerTrendMatch[] {
  return Array.from({ length: count }, (_, i) => ({
    hero: TREND_HEROES[i % TREND_HEROES.length] ?? 'Axe',
    won: TREND_RESULTS[i % TREND_RESULTS.length] === 'W',
    kills: 2 + ((i * 7) % 13),
    deaths: 1 + ((i * 5) % 9),
    assists: 3 + ((i * 11) % 19),
    gpm: i === 3 ? null : 350 + ((i * 97) % 400),
    xpm: 400 + ((i * 61) % 450),
  }));
}

const TREND_INPUT: PlayerTrendInput = { title: 'Last 20 matches — Алексей', matches: trendMatches(20) };

/** W/L squares left to right, read off the row just under the squares' top edge (above the letters). */
function readStrip(pixels: Pixels): { results: string; runs: { x0: number; x1: number; won: boolean }[] } {
  const isWin = is(TREND_COLORS.win);
  const isLoss = is(TREND_COLORS.loss);
  const stripRows = rowsWith(pixels, (rgb) => isWin(rgb) || isLoss(rgb), 4);
  const y = Math.min(...stripRows) + 1;
  const runs = [
    ...runsInRow(pixels, y, isWin).map((r) => ({ ...r, won: true })),
    ...runsInRow(pixels, y, isLoss).map((r) => ({ ...r, won: false })),
  ].sort((a, b) => a.x0 - b.x0);
  return { results: runs.map((r) => (r.won ? 'W' : 'L')).join(''), runs };
}

describe('renderPlayerTrend', () => {
  it('when rendered, then it is a PNG of the exported size on the theme background', async () => {
    const png = await renderPlayerTrend(TREND_INPUT);
    expectPng(png, PLAYER_TREND_CHART_WIDTH, PLAYER_TREND_CHART_HEIGHT);
    const pixels = await decodePng(png);
    expect(isBackground(rgbAt(pixels, 2, 2))).toBe(true);
    expect(isBackground(rgbAt(pixels, pixels.width - 3, pixels.height - 3))).toBe(true);
  });

  it.each([
    ['kills', TREND_COLORS.kills, 2_000],
    ['deaths', TREND_COLORS.deaths, 1_500],
    ['assists', TREND_COLORS.assists, 2_000],
    ['GPM', TREND_COLORS.gpm, 800],
    ['XPM', TREND_COLORS.xpm, 500],
  ])(
    'when rendered, then the %s series is drawn in its colour, far beyond its legend swatch',
    async (_, hex, min) => {
      const pixels = await decodePng(await renderPlayerTrend(TREND_INPUT));
      expect(countPixels(pixels, is(hex))).toBeGreaterThan(min);
    },
  );

  it('when matches are won and lost, then the strip shows one square per match in order, W and L', async () => {
    const pixels = await decodePng(await renderPlayerTrend(TREND_INPUT));
    const { results, runs } = readStrip(pixels);
    expect(results).toBe(TREND_INPUT.matches.map((m) => (m.won ? 'W' : 'L')).join(''));
    for (const run of runs) expect(run.x1 - run.x0).toBe(STRIP_SQUARE);
  });

  it('when the strip is drawn, then every square carries a letter, so colour is not the only cue', async () => {
    const pixels = await decodePng(await renderPlayerTrend(TREND_INPUT));
    const { runs } = readStrip(pixels);
    const top = Math.min(...rowsWith(pixels, (rgb) => is(TREND_COLORS.win)(rgb), 4));
    const letterPixels = runs.map((run) => {
      const square = { x0: run.x0, y0: top, x1: run.x1, y1: top + STRIP_SQUARE };
      return countPixels(pixels, is(run.won ? TREND_COLORS.win : TREND_COLORS.loss), square);
    });
    // A bare square would be STRIP_SQUARE² pixels of its colour; the letter takes some of them.
    for (const count of letterPixels) expect(count).toBeLessThan(STRIP_SQUARE * STRIP_SQUARE - 15);
  });

  it('when more matches than fit are given, then only the newest are drawn', async () => {
    const matches = trendMatches(MAX_TREND_MATCHES + 5);
    const pixels = await decodePng(await renderPlayerTrend({ title: 'Many', matches }));
    const expected = matches.slice(-MAX_TREND_MATCHES).map((m) => (m.won ? 'W' : 'L'));
    expect(readStrip(pixels).results).toBe(expected.join(''));
  });

  it('when only the title changes, then only pixels above the plot change', async () => {
    const [a, b] = await Promise.all([
      renderPlayerTrend(TREND_INPUT).then(decodePng),
      renderPlayerTrend({ ...TREND_INPUT, title: 'Another title — 中国玩家' }).then(decodePng),
    ]);
    const changed = diffBounds(a, b);
    expect(changed).toBeDefined();
    expect(changed?.y1).toBeLessThan(Math.min(...rowsWith(a, is(TREND_COLORS.kills), 30)));
  });

  it('when the title and hero names are very long, then no text reaches the padding', async () => {
    const matches = trendMatches(20).map((m, i) => ({ ...m, hero: LONG_NAMES[i % LONG_NAMES.length] ?? '' }));
    const pixels = await decodePng(
      await renderPlayerTrend({ title: `Last 20 matches — ${LONG_NAMES.join(' ')}`, matches }),
    );
    expectNoTextInPadding(pixels);
  });

  it('when there are no matches, then a note is drawn instead of an empty frame', async () => {
    const pixels = await decodePng(await renderPlayerTrend({ title: 'Nobody', matches: [] }));
    const middle = { x0: 250, y0: 220, x1: 550, y1: 330 };
    expect(countPixels(pixels, notBackground, middle)).toBeGreaterThan(200);
  });

  it('when compared with the reviewed image, then it differs by at most the tolerance', async () => {
    const result = await compareWithGolden(await renderPlayerTrend(TREND_INPUT), 'player-trend');
    expect(result.sizeMatches).toBe(true);
    expect(result.changedRatio).toBeLessThanOrEqual(GOLDEN_TOLERANCE);
  });
});

// --- hero pool ----------------------------------------------------------------------------------------------

const POOL_INPUT: HeroPoolInput = {
  title: 'Hero pool — 한국어 플레이어',
  heroes: [
    { hero: 'Keeper of the Light', games: 48, wins: 29, kda: 4.21 },
    { hero: 'Anti-Mage', games: 31, wins: 14, kda: 2.9 },
    { hero: 'Outworld Destroyer', games: 22, wins: 13, kda: 3.05 },
    { hero: 'Lone Druid', games: 18, wins: 6, kda: 1.5 },
    { hero: 'Invoker', games: 12, wins: 12, kda: 10 },
    { hero: 'Crystal Maiden', games: 9, wins: 0, kda: 0.8 },
    { hero: 'Pudge', games: 7, wins: 4, kda: 2.2 },
    { hero: 'Shadow Fiend', games: 4, wins: 2, kda: 3.3 },
  ],
};

const isWins = is(HERO_POOL_COLORS.wins);
const isLosses = is(HERO_POOL_COLORS.losses);
const isBar = (rgb: readonly [number, number, number]) => isWins(rgb) || isLosses(rgb);

/** Rows holding a bar: bars start at the left of the plot, the legend swatches sit at the right edge. */
function barRows(pixels: Pixels): number[] {
  const leftHalf = (y: number) => ({ x0: 0, y0: y, x1: pixels.width / 2, y1: y + 1 });
  return Array.from({ length: pixels.height }, (_, y) => y).filter(
    (y) => countPixels(pixels, isBar, leftHalf(y)) >= 4,
  );
}

/** Per drawn bar, top to bottom: pixels of wins and losses colour along its middle row. */
function readBars(pixels: Pixels): { wins: number; losses: number }[] {
  return bands(barRows(pixels)).map(({ y0, y1 }) => {
    const row = { x0: 0, y0: Math.floor((y0 + y1) / 2), x1: pixels.width, y1: Math.floor((y0 + y1) / 2) + 1 };
    return { wins: countPixels(pixels, isWins, row), losses: countPixels(pixels, isLosses, row) };
  });
}

describe('renderHeroPool', () => {
  it('when rendered, then the image height follows the number of heroes', async () => {
    expectPng(await renderHeroPool(POOL_INPUT), HERO_POOL_CHART_WIDTH, heroPoolChartHeight(8));
    const one = { ...POOL_INPUT, heroes: POOL_INPUT.heroes.slice(0, 1) };
    expectPng(await renderHeroPool(one), HERO_POOL_CHART_WIDTH, heroPoolChartHeight(1));
    expect(heroPoolChartHeight(1)).toBeLessThan(heroPoolChartHeight(8));
  });

  it('when rendered, then one bar per hero runs top to bottom with length proportional to games', async () => {
    const bars = readBars(await decodePng(await renderHeroPool(POOL_INPUT)));
    expect(bars).toHaveLength(POOL_INPUT.heroes.length);
    const pxPerGame = ((bars[0]?.wins ?? 0) + (bars[0]?.losses ?? 0)) / 48;
    expect(pxPerGame).toBeGreaterThan(6);
    POOL_INPUT.heroes.forEach((hero, i) => {
      const bar = bars[i];
      expect(bar, hero.hero).toBeDefined();
      // Within 3 px (anti-aliased edges are not counted), well under the ~8 px one game takes.
      expect(Math.abs((bar?.wins ?? 0) + (bar?.losses ?? 0) - hero.games * pxPerGame)).toBeLessThanOrEqual(3);
      // The wins part of each bar is the win share of its games.
      expect(Math.abs((bar?.wins ?? 0) - hero.wins * pxPerGame)).toBeLessThanOrEqual(3);
    });
  });

  it('when more heroes than fit are given, then only the first ones are drawn', async () => {
    const heroes = Array.from({ length: MAX_POOL_HEROES + 3 }, (_, i) => ({
      hero: `Hero ${i}`,
      games: 40 - i,
      wins: 10,
    }));
    const pixels = await decodePng(await renderHeroPool({ title: 'Many', heroes }));
    expect(pixels.height).toBe(heroPoolChartHeight(MAX_POOL_HEROES));
    expect(readBars(pixels)).toHaveLength(MAX_POOL_HEROES);
  });

  it('when rendered, then each row has its win rate summary in the column right of the bars', async () => {
    const pixels = await decodePng(await renderHeroPool(POOL_INPUT));
    const rows = bands(barRows(pixels));
    // The first bar is the longest (most games); the summaries start right of where it ends.
    const firstBarMiddle = Math.floor(((rows[0]?.y0 ?? 0) + (rows[0]?.y1 ?? 0)) / 2);
    const barsRight = Math.max(...runsInRow(pixels, firstBarMiddle, isBar).map((r) => r.x1));
    expect(rows).toHaveLength(POOL_INPUT.heroes.length);
    for (const { y0, y1 } of rows) {
      const column = { x0: barsRight + 4, y0, x1: pixels.width, y1 };
      expect(countPixels(pixels, isLightText, column)).toBeGreaterThan(150);
    }
  });

  it('when a hero is summarised, then the text gives the rounded win rate, games and KDA', () => {
    expect(heroSummary({ hero: 'Lone Druid', games: 2, wins: 1, kda: 20 / 3 })).toBe(
      '50% won · 2 games · KDA 6.7',
    );
    expect(heroSummary({ hero: 'Io', games: 1, wins: 1 })).toBe('100% won · 1 game');
    expect(heroSummary({ hero: 'Axe', games: 3, wins: 2, kda: null })).toBe('67% won · 3 games');
  });

  it('when hero names and the title are very long, then no text reaches the padding', async () => {
    const heroes = POOL_INPUT.heroes.map((h, i) => ({ ...h, hero: LONG_NAMES[i % LONG_NAMES.length] ?? '' }));
    const pixels = await decodePng(
      await renderHeroPool({ title: `Hero pool — ${LONG_NAMES.join(' ')}`, heroes }),
    );
    expectNoTextInPadding(pixels);
    expect(readBars(pixels)).toHaveLength(heroes.length);
  });

  it('when there are no heroes, then a note is drawn', async () => {
    const pixels = await decodePng(await renderHeroPool({ title: 'Nobody', heroes: [] }));
    expect(countPixels(pixels, isLightText, { x0: 250, y0: 80, x1: 550, y1: 120 })).toBeGreaterThan(100);
  });

  it('when compared with the reviewed image, then it differs by at most the tolerance', async () => {
    const result = await compareWithGolden(await renderHeroPool(POOL_INPUT), 'player-hero-pool');
    expect(result.sizeMatches).toBe(true);
    expect(result.changedRatio).toBeLessThanOrEqual(GOLDEN_TOLERANCE);
  });
});

// --- player compare -----------------------------------------------------------------------------------------

const SIDE_A: PlayerCompareSide = {
  name: 'Алексей 한국어',
  games: 1234,
  wins: 640,
  avgKills: 7.4,
  avgDeaths: 5.1,
  avgAssists: 12.9,
  avgGpm: 512.3,
  avgXpm: 601,
};
const SIDE_B: PlayerCompareSide = {
  name: '中国玩家 🔥🐉',
  games: 87,
  wins: 40,
  avgKills: 9.25,
  avgDeaths: 6.8,
  avgAssists: 8.1,
  avgGpm: 598,
  avgXpm: 487,
};
const COMPARE_INPUT: PlayerCompareInput = { players: [SIDE_A, SIDE_B] };

/** Heights of each player's bars, left to right, measured as vertical runs of their colour. */
function readColumns(pixels: Pixels, hex: string): number[] {
  const matches = is(hex);
  // The legend swatch sits above the plot; bars stand on the x axis, so measure along the bottom of the plot.
  const baseline = Math.max(...rowsWith(pixels, matches, 20));
  return runsInRow(pixels, baseline, matches).map((run) => {
    const x = Math.floor((run.x0 + run.x1) / 2);
    let y = baseline;
    while (y > 0 && matches(rgbAt(pixels, x, y - 1))) y -= 1;
    return baseline + 1 - y;
  });
}

describe('renderPlayerCompare', () => {
  it('when rendered, then it is a PNG of the exported size with both players drawn in their colours', async () => {
    const png = await renderPlayerCompare(COMPARE_INPUT);
    expectPng(png, PLAYER_COMPARE_CHART_WIDTH, PLAYER_COMPARE_CHART_HEIGHT);
    const pixels = await decodePng(png);
    expect(isBackground(rgbAt(pixels, 2, 2))).toBe(true);
    for (const hex of COMPARE_COLORS) expect(countPixels(pixels, is(hex))).toBeGreaterThan(10_000);
  });

  it('when scales differ, then each metric is drawn relative to the higher player', async () => {
    const pixels = await decodePng(await renderPlayerCompare(COMPARE_INPUT));
    const [a, b] = [readColumns(pixels, COMPARE_COLORS[0]), readColumns(pixels, COMPARE_COLORS[1])];
    expect(a).toHaveLength(7);
    expect(b).toHaveLength(7);
    // Metrics: kills, deaths, assists, GPM, XPM, win rate, games. A leads assists, XPM, win rate and games.
    // Heights count exact-colour pixels; the anti-aliased top and bottom rows make them ±2 px of the ratio.
    const full = a[2] ?? 0;
    for (const height of [a[4], a[5], a[6], b[0], b[1], b[3]])
      expect(Math.abs((height ?? 0) - full)).toBeLessThanOrEqual(1);
    expect(Math.abs((a[0] ?? 0) - (full * 7.4) / 9.25)).toBeLessThanOrEqual(2);
    expect(Math.abs((b[6] ?? 0) - (full * 87) / 1234)).toBeLessThanOrEqual(2);
  });

  it('when values are normalised, then the higher becomes 100 and nulls and zeros stay readable', () => {
    expect(normalise(50, 200)).toEqual([25, 100]);
    expect(normalise(7, null)).toEqual([100, null]);
    expect(normalise(0, 0)).toEqual([0, 0]);
    expect(normalise(null, null)).toEqual([null, null]);
  });

  it('when a player has no games, then the chart still renders with the other player at full height', async () => {
    const empty: PlayerCompareSide = {
      name: 'Newcomer',
      games: 0,
      wins: 0,
      avgKills: null,
      avgDeaths: null,
      avgAssists: null,
      avgGpm: null,
      avgXpm: null,
    };
    const pixels = await decodePng(await renderPlayerCompare({ players: [empty, SIDE_B] }));
    expect(readColumns(pixels, COMPARE_COLORS[1])).toHaveLength(7);
    expect(countPixels(pixels, is(COMPARE_COLORS[0]))).toBeLessThan(400); // the legend swatch only
  });

  it.each(LONG_NAMES.map((name, i) => [name, LONG_NAMES[(i + 1) % LONG_NAMES.length] ?? ''] as const))(
    'when the names are 32 characters (%s), then title and legend stay inside the canvas',
    async (first, second) => {
      const pixels = await decodePng(
        await renderPlayerCompare({
          players: [
            { ...SIDE_A, name: first },
            { ...SIDE_B, name: second },
          ],
        }),
      );
      expectNoTextInPadding(pixels);
      const header = { x0: 0, y0: 0, x1: pixels.width, y1: 100 };
      expect(countPixels(pixels, (rgb) => isLightText(rgb) || isColourful(rgb), header)).toBeGreaterThan(
        1_000,
      );
    },
  );

  it.each([
    ['player-compare', COMPARE_INPUT],
    [
      'player-compare-long-names',
      {
        players: [
          { ...SIDE_A, name: LONG_NAMES[3] ?? '' },
          { ...SIDE_B, name: LONG_NAMES[4] ?? '' },
        ],
      },
    ],
  ] as const)(
    'when %s is compared with the reviewed image, then it differs by at most the tolerance',
    async (name, input) => {
      const result = await compareWithGolden(await renderPlayerCompare(input), name);
      expect(result.sizeMatches).toBe(true);
      expect(result.changedRatio).toBeLessThanOrEqual(GOLDEN_TOLERANCE);
    },
  );
});
