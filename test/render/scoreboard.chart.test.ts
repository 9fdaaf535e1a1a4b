// Checks the scoreboard PNG: size, team colours in their sections, the winner badge on the winning side, no clipping.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCount, formatPair } from '../../src/render/draw/fitted-text.js';
import { shortItemName } from '../../src/render/draw/item-names.js';
import {
  renderScoreboard,
  SCOREBOARD_HEIGHT,
  SCOREBOARD_LAYOUT,
  SCOREBOARD_WIDTH,
  type ScoreboardInput,
} from '../../src/render/scoreboard.chart.js';
import { COLORS, PADDING } from '../../src/render/theme.js';
import { compareWithGolden, GOLDEN_TOLERANCE } from './golden.js';
import {
  countPixels,
  decodePng,
  diffBounds,
  hexToRgb,
  isColourful,
  rgbAt,
  sameRgb,
  type Pixels,
  type Region,
} from './pixels.js';
import {
  LONG_NAMES,
  longNamesScoreboardInput,
  PRO_MATCH_ID,
  shippedScoreboardInput,
  TURBO_MATCH_ID,
} from './recap-fixtures.js';

const isRadiant = sameRgb(hexToRgb(COLORS.radiant));
const isDire = sameRgb(hexToRgb(COLORS.dire));
const isBackground = sameRgb(hexToRgb(COLORS.background));
type Team = 'radiant' | 'dire';

function section(team: Team): Region {
  const top = SCOREBOARD_LAYOUT.sectionTop[team];
  return { x0: 0, y0: top, x1: SCOREBOARD_WIDTH, y1: top + SCOREBOARD_LAYOUT.sectionHeight };
}

/** The right end of a team's header bar, where the winner badge belongs. */
function badgeArea(team: Team): Region {
  const top = SCOREBOARD_LAYOUT.sectionTop[team];
  return {
    x0: SCOREBOARD_WIDTH - 160,
    y0: top,
    x1: SCOREBOARD_WIDTH,
    y1: top + SCOREBOARD_LAYOUT.teamHeaderHeight,
  };
}

/** The player rows of the name column (the team name above them is drawn in the team colour). */
function playerNames(team: Team): Region {
  const { left, right } = SCOREBOARD_LAYOUT.nameColumn;
  const top = SCOREBOARD_LAYOUT.sectionTop[team];
  return {
    x0: left,
    y0: top + SCOREBOARD_LAYOUT.teamHeaderHeight,
    x1: right,
    y1: top + SCOREBOARD_LAYOUT.sectionHeight,
  };
}

const colourfulNames = (image: Pixels): number =>
  countPixels(image, isColourful, playerNames('radiant')) +
  countPixels(image, isColourful, playerNames('dire'));

function withWinner(input: ScoreboardInput, winner: Team): ScoreboardInput {
  return {
    ...input,
    radiant: { ...input.radiant, won: winner === 'radiant' },
    dire: { ...input.dire, won: winner === 'dire' },
  };
}

describe('renderScoreboard', () => {
  let pro: ScoreboardInput;
  let png: Buffer;
  let pixels: Pixels;

  beforeAll(async () => {
    pro = await shippedScoreboardInput(PRO_MATCH_ID);
    png = await renderScoreboard(pro);
    pixels = await decodePng(png);
  });

  it('when rendered, then it returns a PNG of the exported size', () => {
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([pixels.width, pixels.height]).toEqual([SCOREBOARD_WIDTH, SCOREBOARD_HEIGHT]);
  });

  it('when rendered, then the background is the theme colour, not transparent', () => {
    expect(isBackground(rgbAt(pixels, 2, 2))).toBe(true);
    expect(isBackground(rgbAt(pixels, SCOREBOARD_WIDTH - 3, SCOREBOARD_HEIGHT - 3))).toBe(true);
  });

  it('when rendered, then each team colour marks its own section and never the other', () => {
    expect(countPixels(pixels, isRadiant, section('radiant'))).toBeGreaterThan(1_000);
    expect(countPixels(pixels, isDire, section('dire'))).toBeGreaterThan(1_000);
    expect(countPixels(pixels, isDire, section('radiant'))).toBe(0);
    expect(countPixels(pixels, isRadiant, section('dire'))).toBe(0);
  });

  it.each(['radiant', 'dire'] as const)(
    'when %s won, then the winner badge is drawn in its header and not in the loser’s',
    async (winner) => {
      const loser: Team = winner === 'radiant' ? 'dire' : 'radiant';
      const image = await decodePng(await renderScoreboard(withWinner(pro, winner)));
      const inTeamColour = (team: Team) => (team === 'radiant' ? isRadiant : isDire);
      expect(countPixels(image, inTeamColour(winner), badgeArea(winner))).toBeGreaterThan(600);
      expect(countPixels(image, inTeamColour(loser), badgeArea(loser))).toBe(0);
    },
  );

  it('when only player names change, then only the name column changes', async () => {
    const names = Object.values(LONG_NAMES);
    const renamed: ScoreboardInput = {
      ...pro,
      radiant: {
        ...pro.radiant,
        players: pro.radiant.players.map((p, i) => ({ ...p, name: names[i] ?? '' })),
      },
      dire: { ...pro.dire, players: pro.dire.players.map((p, i) => ({ ...p, name: names[4 - i] ?? '' })) },
    };
    const changed = diffBounds(pixels, await decodePng(await renderScoreboard(renamed)));
    expect(changed).toBeDefined();
    // One pixel of antialiasing either side at most: a 32-character name is cut to the column, never past it.
    expect(changed?.x0).toBeGreaterThanOrEqual(SCOREBOARD_LAYOUT.nameColumn.left - 1);
    expect(changed?.x1).toBeLessThanOrEqual(SCOREBOARD_LAYOUT.nameColumn.right + 1);
  });

  it('when names are 32 characters in every script, then nothing is drawn in the right margin', async () => {
    const long = await decodePng(await renderScoreboard(await longNamesScoreboardInput()));
    const margin = { x0: SCOREBOARD_WIDTH - PADDING + 1, y0: 0, x1: SCOREBOARD_WIDTH, y1: SCOREBOARD_HEIGHT };
    expect(countPixels(long, (rgb) => !isBackground(rgb), margin)).toBe(0);
    // Colour emoji are drawn (not tofu) in the name column; the real names there have none.
    expect(colourfulNames(long)).toBeGreaterThan(200);
    expect(colourfulNames(pixels)).toBe(0);
  });

  it.each([
    ['scoreboard-pro-8591933650', () => shippedScoreboardInput(PRO_MATCH_ID)],
    ['scoreboard-turbo-4949375791', () => shippedScoreboardInput(TURBO_MATCH_ID)],
    ['scoreboard-long-names', longNamesScoreboardInput],
  ])('when %s is rendered, then it matches its reviewed golden image', async (name, input) => {
    const result = await compareWithGolden(await renderScoreboard(await input()), name);
    expect(result.sizeMatches).toBe(true);
    expect(result.changedRatio).toBeLessThan(GOLDEN_TOLERANCE);
  });
});

describe('scoreboard text', () => {
  it('when a figure is missing, then a dash stands in for it', () => {
    expect(formatCount(null)).toBe('–');
    expect(formatCount(19278)).toBe('19,278');
    expect(formatPair(291, 5)).toBe('291/5');
    expect(formatPair(291, null)).toBe('291/–');
    expect(formatPair(null, null)).toBe('–');
  });

  it('when an item name is known to be long, then its short form is used', () => {
    expect(shortItemName('Observer and Sentry Wards')).toBe('Obs + Sentry');
    expect(shortItemName('Black King Bar')).toBe('Black King Bar');
  });
});
