// Renders a match scoreboard (result header, then one row per player, Radiant first) as a PNG with the canvas API.
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { prepareFonts } from './draw/chart-canvas.js';
import { drawFittedText, formatCount, formatPair } from './draw/fitted-text.js';
import { drawItemChips } from './draw/item-chips.js';
import { FONT_STACK } from './fonts.js';
import { COLORS, PADDING } from './theme.js';

/** One player's end-of-game line; null where the match's era did not record the statistic. */
export interface ScoreboardPlayer {
  hero: string;
  name: string;
  level: number | null;
  kills: number;
  deaths: number;
  assists: number;
  lastHits: number | null;
  denies: number | null;
  gpm: number | null;
  xpm: number | null;
  /** Net worth or end-of-game gold, as {@link ScoreboardInput.valueColumn} says. */
  value: number | null;
  heroDamage: number | null;
  /** Inventory item names in slot order, empty slots left out; at most six are drawn. */
  items: string[];
}

export interface ScoreboardTeam {
  /** The team's name in league games, else "Radiant" / "Dire". */
  name: string;
  won: boolean;
  /** Team kills; null when the era did not report scores. */
  score: number | null;
  /** At most {@link ROWS_PER_TEAM} are drawn. */
  players: ScoreboardPlayer[];
}

export interface ScoreboardInput {
  /** The result line, e.g. "Vitality Warriors victory". */
  title: string;
  /** Details under the score, e.g. "Match 8591933650 · 27:04 · Captains Mode · DreamLeague". */
  subtitle: string;
  radiant: ScoreboardTeam;
  dire: ScoreboardTeam;
  /** Matches before net worth was reported (about 2020) show end-of-game gold instead. */
  valueColumn: 'net_worth' | 'gold';
}

/** Dota teams have five players; the image is sized for exactly that many rows. */
export const ROWS_PER_TEAM = 5;
export const SCOREBOARD_WIDTH = 1000;

const HEADER_HEIGHT = 96;
const TEAM_HEADER_HEIGHT = 30;
const ROW_HEIGHT = 46;
const TEAM_GAP = 12;
const SECTION_HEIGHT = TEAM_HEADER_HEIGHT + ROWS_PER_TEAM * ROW_HEIGHT;
const RIGHT = SCOREBOARD_WIDTH - PADDING;
const STRIPE_WIDTH = 4;
const NAME_LEFT = PADDING + STRIPE_WIDTH + 8;
const NAME_WIDTH = 170;
const ITEMS_GAP = 14;
const CHIP_GAP = 3;
const CHIP_COLUMNS = 3;
// Space above and below a row's chips, so neighbouring players' items do not run together.
const CHIP_MARGIN = 3;

export const SCOREBOARD_HEIGHT = PADDING + HEADER_HEIGHT + 2 * SECTION_HEIGHT + TEAM_GAP + PADDING;

type Team = 'radiant' | 'dire';

interface StatColumn {
  header: string;
  /** Numbers are right-aligned so digits line up. */
  right: number;
  text: (player: ScoreboardPlayer) => string;
}

const VALUE_HEADERS: Record<ScoreboardInput['valueColumn'], string> = {
  net_worth: 'Net worth',
  gold: 'Gold',
};

// Widths fit the widest realistic value ("25/15/35", "1073/1027") and each header in 13 px bold.
const STAT_SPECS: readonly {
  header: (valueColumn: ScoreboardInput['valueColumn']) => string;
  width: number;
  text: StatColumn['text'];
}[] = [
  { header: () => 'Lvl', width: 34, text: (p) => formatCount(p.level) },
  { header: () => 'K/D/A', width: 72, text: (p) => `${p.kills}/${p.deaths}/${p.assists}` },
  { header: () => 'LH/DN', width: 66, text: (p) => formatPair(p.lastHits, p.denies) },
  { header: () => 'GPM/XPM', width: 78, text: (p) => formatPair(p.gpm, p.xpm) },
  { header: (valueColumn) => VALUE_HEADERS[valueColumn], width: 74, text: (p) => formatCount(p.value) },
  { header: () => 'Hero dmg', width: 72, text: (p) => formatCount(p.heroDamage) },
];

function statColumns(valueColumn: ScoreboardInput['valueColumn']): StatColumn[] {
  let right = NAME_LEFT + NAME_WIDTH;
  return STAT_SPECS.map(({ header, width, text }) => {
    right += width;
    return { header: header(valueColumn), right, text };
  });
}

const ITEMS_LEFT = NAME_LEFT + NAME_WIDTH + STAT_SPECS.reduce((sum, spec) => sum + spec.width, 0) + ITEMS_GAP;
const CHIP_WIDTH = Math.floor((RIGHT - ITEMS_LEFT - (CHIP_COLUMNS - 1) * CHIP_GAP) / CHIP_COLUMNS);

/** Where things are, for tests that check what was drawn where. */
export const SCOREBOARD_LAYOUT = {
  sectionTop: { radiant: PADDING + HEADER_HEIGHT, dire: PADDING + HEADER_HEIGHT + SECTION_HEIGHT + TEAM_GAP },
  sectionHeight: SECTION_HEIGHT,
  teamHeaderHeight: TEAM_HEADER_HEIGHT,
  rowHeight: ROW_HEIGHT,
  /** Hero and player names are drawn between these x coordinates. */
  nameColumn: { left: NAME_LEFT, right: NAME_LEFT + NAME_WIDTH },
  itemsLeft: ITEMS_LEFT,
} as const;

const font = (size: number, bold = false): string => `${bold ? 'bold ' : ''}${size}px ${FONT_STACK}`;
const ROW_SHADE = 'rgba(255, 255, 255, 0.035)';
const TEAM_HEADER_FILL = 'rgba(255, 255, 255, 0.07)';

/** Draws the scoreboard and returns the PNG bytes. */
export async function renderScoreboard(input: ScoreboardInput): Promise<Buffer> {
  prepareFonts();
  const canvas = createCanvas(SCOREBOARD_WIDTH, SCOREBOARD_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, SCOREBOARD_WIDTH, SCOREBOARD_HEIGHT);
  ctx.textBaseline = 'middle';
  drawHeader(ctx, input);
  const columns = statColumns(input.valueColumn);
  drawTeam(ctx, 'radiant', input.radiant, columns);
  drawTeam(ctx, 'dire', input.dire, columns);
  // Drawing was synchronous; encoding runs off the main thread and yields the event loop.
  return canvas.encode('png');
}

function drawHeader(ctx: SKRSContext2D, input: ScoreboardInput): void {
  const width = RIGHT - PADDING;
  ctx.fillStyle = COLORS.text;
  ctx.font = font(22, true);
  drawFittedText(ctx, input.title, PADDING, PADDING + 14, width);

  // "Radiant name  30 – 17  Dire name", each name in its team's colour and cut to leave room for the other.
  const y = PADDING + 46;
  const score =
    input.radiant.score !== null && input.dire.score !== null
      ? `  ${input.radiant.score} – ${input.dire.score}  `
      : '  vs  ';
  ctx.font = font(18, true);
  const nameWidth = (width - ctx.measureText(score).width) / 2;
  let x = PADDING;
  ctx.fillStyle = COLORS.radiant;
  x += drawFittedText(ctx, input.radiant.name, x, y, nameWidth);
  ctx.fillStyle = COLORS.text;
  ctx.textAlign = 'left';
  ctx.fillText(score, x, y);
  x += ctx.measureText(score).width;
  ctx.fillStyle = COLORS.dire;
  drawFittedText(ctx, input.dire.name, x, y, nameWidth);

  ctx.fillStyle = COLORS.mutedText;
  ctx.font = font(14);
  drawFittedText(ctx, input.subtitle, PADDING, PADDING + 76, width);
}

function drawTeam(ctx: SKRSContext2D, team: Team, data: ScoreboardTeam, columns: StatColumn[]): void {
  const top = SCOREBOARD_LAYOUT.sectionTop[team];
  const colour = COLORS[team];
  const middle = top + TEAM_HEADER_HEIGHT / 2 - 2;

  ctx.fillStyle = TEAM_HEADER_FILL;
  ctx.fillRect(PADDING, top, RIGHT - PADDING, TEAM_HEADER_HEIGHT - 4);
  ctx.fillStyle = colour;
  ctx.fillRect(PADDING, top, STRIPE_WIDTH, TEAM_HEADER_HEIGHT - 4);
  ctx.font = font(15, true);
  drawFittedText(ctx, data.name, NAME_LEFT, middle, NAME_WIDTH);

  ctx.fillStyle = COLORS.mutedText;
  ctx.font = font(13, true);
  for (const column of columns) drawFittedText(ctx, column.header, column.right, middle, 200, 'right');
  drawFittedText(ctx, 'Items', ITEMS_LEFT, middle, 100);
  if (data.won) drawWinnerBadge(ctx, colour, middle);

  data.players.slice(0, ROWS_PER_TEAM).forEach((player, index) => {
    drawPlayerRow(ctx, colour, player, top + TEAM_HEADER_HEIGHT + index * ROW_HEIGHT, index, columns);
  });
}

// A filled badge in the winner's colour: visible at a glance and not told by colour alone.
function drawWinnerBadge(ctx: SKRSContext2D, colour: string, middle: number): void {
  const text = 'WINNER';
  ctx.font = font(13, true);
  const width = ctx.measureText(text).width + 16;
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.roundRect(RIGHT - 6 - width, middle - 10, width, 20, 4);
  ctx.fill();
  ctx.fillStyle = COLORS.background;
  ctx.textAlign = 'center';
  ctx.fillText(text, RIGHT - 6 - width / 2, middle + 0.5);
}

function drawPlayerRow(
  ctx: SKRSContext2D,
  colour: string,
  player: ScoreboardPlayer,
  top: number,
  index: number,
  columns: StatColumn[],
): void {
  // Every other row shaded so the eye can follow a wide row from name to items.
  if (index % 2 === 1) {
    ctx.fillStyle = ROW_SHADE;
    ctx.fillRect(PADDING, top, RIGHT - PADDING, ROW_HEIGHT);
  }
  ctx.fillStyle = colour;
  ctx.fillRect(PADDING, top + 2, STRIPE_WIDTH, ROW_HEIGHT - 4);

  ctx.fillStyle = COLORS.text;
  ctx.font = font(14, true);
  drawFittedText(ctx, player.hero, NAME_LEFT, top + 15, NAME_WIDTH);
  ctx.fillStyle = COLORS.mutedText;
  ctx.font = font(13);
  drawFittedText(ctx, player.name, NAME_LEFT, top + 32, NAME_WIDTH);

  ctx.fillStyle = COLORS.text;
  ctx.font = font(14);
  let left = NAME_LEFT + NAME_WIDTH;
  for (const column of columns) {
    drawFittedText(
      ctx,
      column.text(player),
      column.right,
      top + ROW_HEIGHT / 2,
      column.right - left - 6,
      'right',
    );
    left = column.right;
  }

  drawItemChips(ctx, player.items, {
    x: ITEMS_LEFT,
    y: top + CHIP_MARGIN,
    columns: CHIP_COLUMNS,
    rows: 2,
    chipWidth: CHIP_WIDTH,
    chipHeight: (ROW_HEIGHT - 2 * CHIP_MARGIN - CHIP_GAP) / 2,
    gap: CHIP_GAP,
  });
}
