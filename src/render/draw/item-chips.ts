// Item names as small text chips in a grid: no item icons ship with the project, so names stand in for them.
import type { SKRSContext2D } from '@napi-rs/canvas';
import { FONT_STACK } from '../fonts.js';
import { COLORS } from '../theme.js';
import { drawFittedText } from './fitted-text.js';
import { shortItemName } from './item-names.js';

/** The grid a player's items are drawn in, at the grid's top-left corner. */
export interface ChipGrid {
  x: number;
  y: number;
  columns: number;
  rows: number;
  chipWidth: number;
  chipHeight: number;
  gap: number;
}

/** 13 px is the smallest text that stays legible once Discord scales the image down. */
const CHIP_FONT = `13px ${FONT_STACK}`;
const CHIP_FILL = '#34363c';
// Empty slots stay faintly visible so every player's grid lines up with the others.
const EMPTY_FILL = 'rgba(255, 255, 255, 0.04)';
const TEXT_INSET = 4;

/** Fills the grid row by row with `items`; slots beyond them are drawn empty, items beyond the grid are dropped. */
export function drawItemChips(ctx: SKRSContext2D, items: readonly string[], grid: ChipGrid): void {
  ctx.save();
  ctx.font = CHIP_FONT;
  ctx.textBaseline = 'middle';
  for (let slot = 0; slot < grid.columns * grid.rows; slot += 1) {
    const x = grid.x + (slot % grid.columns) * (grid.chipWidth + grid.gap);
    const y = grid.y + Math.floor(slot / grid.columns) * (grid.chipHeight + grid.gap);
    const item = items[slot];
    ctx.fillStyle = item === undefined ? EMPTY_FILL : CHIP_FILL;
    ctx.beginPath();
    ctx.roundRect(x, y, grid.chipWidth, grid.chipHeight, 3);
    ctx.fill();
    if (item === undefined) continue;
    ctx.fillStyle = COLORS.text;
    drawFittedText(
      ctx,
      shortItemName(item),
      x + TEXT_INSET,
      y + grid.chipHeight / 2 + 0.5,
      grid.chipWidth - 2 * TEXT_INSET,
    );
  }
  ctx.restore();
}
