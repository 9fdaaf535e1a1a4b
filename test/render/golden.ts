// Golden-image comparison: a chart must stay within a small pixel-difference tolerance of its reviewed PNG.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePng } from './pixels.js';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden');
/** A channel difference above this counts the pixel as changed (antialiasing jitter stays below it). */
const CHANNEL_TOLERANCE = 24;

export interface GoldenResult {
  /** Share of pixels that differ, 0..1. */
  changedRatio: number;
  sizeMatches: boolean;
}

/**
 * Compares `png` with `test/render/golden/<name>.png`. With UPDATE_GOLDEN=1 the file is (re)written instead:
 * look at it before committing. A missing golden fails, so CI never blesses an unreviewed image.
 */
export async function compareWithGolden(png: Buffer, name: string): Promise<GoldenResult> {
  const path = join(GOLDEN_DIR, `${name}.png`);
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(GOLDEN_DIR, { recursive: true });
    await writeFile(path, png);
  }
  if (!existsSync(path)) throw new Error(`no golden image ${path}: run with UPDATE_GOLDEN=1, then review it`);
  const [actual, expected] = await Promise.all([decodePng(png), decodePng(await readFile(path))]);
  if (actual.width !== expected.width || actual.height !== expected.height)
    return { changedRatio: 1, sizeMatches: false };
  let changed = 0;
  for (let i = 0; i < actual.data.length; i += 4) {
    for (let channel = 0; channel < 3; channel += 1) {
      if (Math.abs((actual.data[i + channel] ?? 0) - (expected.data[i + channel] ?? 0)) > CHANNEL_TOLERANCE) {
        changed += 1;
        break;
      }
    }
  }
  return { changedRatio: changed / (actual.width * actual.height), sizeMatches: true };
}

/** Most charts tolerate 0.5 % changed pixels: enough for font hinting noise, far too little for a lost label. */
export const GOLDEN_TOLERANCE = 0.005;
