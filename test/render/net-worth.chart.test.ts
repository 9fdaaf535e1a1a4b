// Checks the net worth chart PNG really shows bars in team colours, readable labels and every script players use.
import { beforeAll, describe, expect, it } from 'vitest';
import { FONT_STACK } from '../../src/render/fonts.js';
import {
  NET_WORTH_CHART_HEIGHT,
  NET_WORTH_CHART_WIDTH,
  renderNetWorthChart,
  type NetWorthChartInput,
} from '../../src/render/net-worth.chart.js';
import { COLORS, PADDING } from '../../src/render/theme.js';
import {
  countPixels,
  decodePng,
  diffBounds,
  diffPixels,
  drawText,
  hexToRgb,
  isColourful,
  isLightText,
  rgbAt,
  rowsWith,
  sameRgb,
  type Pixels,
  type Region,
} from './pixels.js';
import { SAMPLE_NET_WORTH_INPUT } from './sample-match.js';
import { netWorthChartInput } from '../../src/bots/core/match-recap.js';
import { compareWithGolden, GOLDEN_TOLERANCE } from './golden.js';
import { loadShippedMatch, PRO_MATCH_ID, TURBO_MATCH_ID } from './recap-fixtures.js';

const isRadiant = sameRgb(hexToRgb(COLORS.radiant));
const isDire = sameRgb(hexToRgb(COLORS.dire));
const isBackground = sameRgb(hexToRgb(COLORS.background));

async function render(input: NetWorthChartInput): Promise<Pixels> {
  return decodePng(await renderNetWorthChart(input));
}

function withFirstName(name: string): NetWorthChartInput {
  const [first, ...rest] = SAMPLE_NET_WORTH_INPUT.players;
  if (!first) throw new Error('sample has no players');
  return { ...SAMPLE_NET_WORTH_INPUT, players: [{ ...first, name }, ...rest] };
}

/** The label column: left of where the bars start, between the first and last bar rows. */
function labelColumn(pixels: Pixels): Region {
  const rows = [...rowsWith(pixels, isRadiant, 50), ...rowsWith(pixels, isDire, 50)];
  let barsLeft = pixels.width;
  for (const y of rows) {
    for (let x = 0; x < barsLeft; x += 1) {
      const rgb = rgbAt(pixels, x, y);
      if (isRadiant(rgb) || isDire(rgb)) barsLeft = x;
    }
  }
  return { x0: 0, y0: Math.min(...rows), x1: barsLeft - 3, y1: Math.max(...rows) + 1 };
}

describe('renderNetWorthChart', () => {
  let png: Buffer;
  let pixels: Pixels;

  beforeAll(async () => {
    png = await renderNetWorthChart(SAMPLE_NET_WORTH_INPUT);
    pixels = await decodePng(png);
  });

  it('when rendered, then it returns a PNG of the exported size', () => {
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(NET_WORTH_CHART_WIDTH);
    expect(png.readUInt32BE(20)).toBe(NET_WORTH_CHART_HEIGHT);
    expect([pixels.width, pixels.height]).toEqual([NET_WORTH_CHART_WIDTH, NET_WORTH_CHART_HEIGHT]);
  });

  it('when rendered, then the background is the theme colour, not transparent', () => {
    expect(isBackground(rgbAt(pixels, 2, 2))).toBe(true);
    expect(isBackground(rgbAt(pixels, NET_WORTH_CHART_WIDTH - 3, NET_WORTH_CHART_HEIGHT - 3))).toBe(true);
  });

  it('when rendered, then both teams have substantial bars in their colours', () => {
    expect(countPixels(pixels, isRadiant)).toBeGreaterThan(10_000);
    expect(countPixels(pixels, isDire)).toBeGreaterThan(10_000);
  });

  it('when players are given in mixed order, then every Radiant bar is above every Dire bar', () => {
    const radiantRows = rowsWith(pixels, isRadiant, 50);
    const direRows = rowsWith(pixels, isDire, 50);
    expect(radiantRows.length).toBeGreaterThan(100);
    expect(direRows.length).toBeGreaterThan(100);
    expect(Math.max(...radiantRows)).toBeLessThan(Math.min(...direRows));
  });

  it('when rendered, then light label text fills the column left of the bars', () => {
    const column = labelColumn(pixels);
    expect(column.x1).toBeGreaterThan(100);
    expect(countPixels(pixels, isLightText, column)).toBeGreaterThan(1_500);
  });

  it('when only a player name changes, then only pixels in the label column change', async () => {
    const renamed = await render(withFirstName('Somebody Else'));
    const changed = diffBounds(pixels, renamed);
    expect(changed).toBeDefined();
    expect(changed?.x1).toBeLessThanOrEqual(labelColumn(pixels).x1);
    expect(diffPixels(pixels, renamed)).toBeGreaterThan(100);
  });

  it('when only the title changes, then pixels change above the bars only', async () => {
    const retitled = await render({ ...SAMPLE_NET_WORTH_INPUT, title: 'Another title entirely' });
    const changed = diffBounds(pixels, retitled);
    expect(changed).toBeDefined();
    expect(changed?.y1).toBeLessThan(labelColumn(pixels).y0);
  });

  it('when a name contains emoji, then coloured emoji pixels appear in the label column', () => {
    expect(countPixels(pixels, isColourful, labelColumn(pixels))).toBeGreaterThan(50);
  });

  it.each([
    ['Cyrillic', 'Алексей'],
    ['Chinese', '中国玩家'],
    ['Korean', '한국어'],
    ['emoji', '🔥🐉'],
  ])(
    'when a %s name is reordered, then its label pixels change (real glyphs, not identical tofu boxes)',
    async (_, name) => {
      const reversed = Array.from(new Intl.Segmenter().segment(name), (s) => s.segment)
        .reverse()
        .join('');
      const [a, b] = await Promise.all([render(withFirstName(name)), render(withFirstName(reversed))]);
      expect(diffPixels(a, b, labelColumn(a))).toBeGreaterThan(50);
    },
  );

  it('when every name is 32 characters, then labels stay inside the canvas', async () => {
    const names = ['a-very-long-player-name-32-chars', '中'.repeat(32), '한'.repeat(32), '🔥'.repeat(32)];
    const long = await render({
      ...SAMPLE_NET_WORTH_INPUT,
      players: SAMPLE_NET_WORTH_INPUT.players.map((p, i) => ({ ...p, name: names[i % names.length] ?? '' })),
    });
    // Chart.js clips overlong labels at the layout padding, leaving a hard edge of text pixels there.
    const leftEdge = { x0: 0, y0: 0, x1: PADDING + 1, y1: NET_WORTH_CHART_HEIGHT };
    expect(countPixels(long, (rgb) => !isBackground(rgb), leftEdge)).toBe(0);
    expect(countPixels(long, isLightText, labelColumn(long))).toBeGreaterThan(1_500);
  });
});

describe('FONT_STACK glyph coverage', () => {
  const draw = (text: string): Pixels => drawText(text, `24px ${FONT_STACK}`, COLORS.background, COLORS.text);

  it.each([
    ['Cyrillic', 'Алексей', 'Л', 'ж'],
    ['Chinese', '中国玩家', '中', '家'],
    ['Korean', '한국어', '한', '어'],
    ['emoji', '🔥🐉', '🔥', '🐉'],
  ])('when %s text is drawn, then distinct glyphs appear', (_, text, first, second) => {
    expect(countPixels(draw(text), (rgb) => !isBackground(rgb))).toBeGreaterThan(150);
    // A missing glyph draws the same tofu box for every character, so two characters must look different.
    expect(diffPixels(draw(first), draw(second))).toBeGreaterThan(40);
  });

  it('when emoji are drawn, then they are in colour', () => {
    expect(countPixels(draw('🔥🐉'), isColourful)).toBeGreaterThan(150);
  });
});

describe('renderNetWorthChart golden images', () => {
  it.each([
    ['net-worth-pro-8591933650', PRO_MATCH_ID],
    ['net-worth-turbo-4949375791', TURBO_MATCH_ID], // 12:35, gold era, all anonymous
  ])('when %s is drawn from the shipped match, then it matches its reviewed image', async (name, matchId) => {
    const png = await renderNetWorthChart(netWorthChartInput(await loadShippedMatch(matchId)));
    const result = await compareWithGolden(png, name);
    expect(result.sizeMatches).toBe(true);
    expect(result.changedRatio).toBeLessThanOrEqual(GOLDEN_TOLERANCE);
  });

  it('when names are Cyrillic, Chinese, Korean and emoji, then the image matches its reviewed one', async () => {
    const names = ['Алексей Победитель', '中国玩家天下无敌', '한국어 플레이어', '🔥🐉✨ dragon 🔥', 'Ωmega'];
    const input = {
      ...SAMPLE_NET_WORTH_INPUT,
      players: SAMPLE_NET_WORTH_INPUT.players.map((player, i) => ({
        ...player,
        name: names[i % names.length] ?? player.name,
      })),
    };
    const result = await compareWithGolden(await renderNetWorthChart(input), 'net-worth-i18n-names');
    expect(result.changedRatio).toBeLessThanOrEqual(GOLDEN_TOLERANCE);
  });
});
