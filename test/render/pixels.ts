// Pixel helpers for render tests: decode a PNG and count pixels by colour, so tests check what was drawn.
import { createCanvas, loadImage } from '@napi-rs/canvas';

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8ClampedArray;
}

export type Rgb = readonly [number, number, number];

/** Rectangle in pixels, end-exclusive. */
export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export async function decodePng(png: Buffer): Promise<Pixels> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  return { width: image.width, height: image.height, data };
}

export function hexToRgb(hex: string): Rgb {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function rgbAt(pixels: Pixels, x: number, y: number): Rgb {
  const i = (y * pixels.width + x) * 4;
  return [pixels.data[i] ?? 0, pixels.data[i + 1] ?? 0, pixels.data[i + 2] ?? 0];
}

export function fullRegion(pixels: Pixels): Region {
  return { x0: 0, y0: 0, x1: pixels.width, y1: pixels.height };
}

export function countPixels(
  pixels: Pixels,
  matches: (rgb: Rgb) => boolean,
  region: Region = fullRegion(pixels),
): number {
  let count = 0;
  for (let y = region.y0; y < region.y1; y += 1) {
    for (let x = region.x0; x < region.x1; x += 1) if (matches(rgbAt(pixels, x, y))) count += 1;
  }
  return count;
}

export function sameRgb(a: Rgb): (b: Rgb) => boolean {
  return (b) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/** Rows in which at least `minPerRow` pixels match: bars span many pixels, legend swatches and text few. */
export function rowsWith(pixels: Pixels, matches: (rgb: Rgb) => boolean, minPerRow: number): number[] {
  const rows: number[] = [];
  for (let y = 0; y < pixels.height; y += 1) {
    const region = { x0: 0, y0: y, x1: pixels.width, y1: y + 1 };
    if (countPixels(pixels, matches, region) >= minPerRow) rows.push(y);
  }
  return rows;
}

/** Pixels whose colour differs between two same-sized images, inside `region`. */
export function diffPixels(a: Pixels, b: Pixels, region: Region = fullRegion(a)): number {
  let count = 0;
  for (let y = region.y0; y < region.y1; y += 1) {
    for (let x = region.x0; x < region.x1; x += 1) if (!sameRgb(rgbAt(a, x, y))(rgbAt(b, x, y))) count += 1;
  }
  return count;
}

/** Bounding box of pixels differing between two images, or undefined when they are identical. */
export function diffBounds(a: Pixels, b: Pixels): Region | undefined {
  let box: Region | undefined;
  for (let y = 0; y < a.height; y += 1) {
    for (let x = 0; x < a.width; x += 1) {
      if (sameRgb(rgbAt(a, x, y))(rgbAt(b, x, y))) continue;
      box = box
        ? {
            x0: Math.min(box.x0, x),
            y0: Math.min(box.y0, y),
            x1: Math.max(box.x1, x + 1),
            y1: Math.max(box.y1, y + 1),
          }
        : { x0: x, y0: y, x1: x + 1, y1: y + 1 };
    }
  }
  return box;
}

/** Draws `text` alone on a small canvas and returns its pixels, to inspect individual glyphs. */
export function drawText(text: string, font: string, background: string, color: string): Pixels {
  const canvas = createCanvas(240, 60);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = color;
  ctx.font = font;
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 8, 30);
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { width: canvas.width, height: canvas.height, data };
}

/** Light, nearly grey pixels: anti-aliased text in the theme's text colour. */
export function isLightText(rgb: Rgb): boolean {
  const [r, g, b] = rgb;
  return Math.min(r, g, b) > 170 && Math.max(r, g, b) - Math.min(r, g, b) < 40;
}

/** Saturated pixels: colour emoji, never grey text or tofu boxes. */
export function isColourful(rgb: Rgb): boolean {
  return Math.max(...rgb) - Math.min(...rgb) > 80;
}
