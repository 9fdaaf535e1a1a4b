// Canvas text for hand-drawn images: player text cut to its column, numbers with a dash where the era lacks them.
import type { SKRSContext2D } from '@napi-rs/canvas';
import { fitToWidth } from '../labels.js';

/** Shown for a statistic Valve did not record in that era; an en dash reads as "none" better than a hyphen. */
export const MISSING = '–';

const countFormat = new Intl.NumberFormat('en-US');

/** 19278 → "19,278"; null → "–". */
export function formatCount(value: number | null): string {
  return value === null ? MISSING : countFormat.format(value);
}

/** Two small numbers that share a column, e.g. last hits/denies "291/5"; no grouping, to keep it narrow. */
export function formatPair(first: number | null, second: number | null): string {
  if (first === null && second === null) return MISSING;
  return `${first ?? MISSING}/${second ?? MISSING}`;
}

/**
 * Draws `text` in the context's current font, cut with an ellipsis so it never passes `maxWidth`.
 * `x` is the left edge, right edge or centre according to `align`. Returns the drawn width.
 */
export function drawFittedText(
  ctx: SKRSContext2D,
  text: string,
  x: number,
  y: number,
  maxWidth: number,
  align: 'left' | 'right' | 'center' = 'left',
): number {
  const fitted = fitToWidth(ctx, text, maxWidth);
  ctx.textAlign = align;
  ctx.fillText(fitted, x, y);
  return ctx.measureText(fitted).width;
}
