// Registers the chart fonts from npm packages and asserts them: Skia silently draws nothing without fonts.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';
import { AppError } from '../errors.js';

/** A font family and the @fontsource package that ships it. */
export interface FontPackage {
  family: string;
  packageName: string;
}

/** Fonts shipped with the project, in fallback order: Latin/Cyrillic/Greek, CJK, Hangul, then colour emoji. */
export const FONT_PACKAGES: readonly FontPackage[] = [
  { family: 'Noto Sans', packageName: '@fontsource/noto-sans' },
  { family: 'Noto Sans SC', packageName: '@fontsource/noto-sans-sc' },
  { family: 'Noto Sans KR', packageName: '@fontsource/noto-sans-kr' },
  { family: 'Noto Color Emoji', packageName: '@fontsource/noto-color-emoji' },
];

/** Families that must be registered before any chart is drawn. */
export const REQUIRED_FONT_FAMILIES: readonly string[] = FONT_PACKAGES.map((f) => f.family);

/** CSS font-family list for charts; Skia falls back per character along it, so mixed-script names render. */
export const FONT_STACK: string = REQUIRED_FONT_FAMILIES.map((f) => `"${f}"`).join(', ');

/** A folder of .woff2 files to register under one family name. */
export interface FontSource {
  family: string;
  dir: string;
}

export interface RegisterFontsOptions {
  /** Folders to register instead of the @fontsource packages (tests use this to simulate a broken install). */
  sources?: readonly FontSource[];
}

export interface FontRegistrationReport {
  /** Font files registered by this call; 0 when everything was already registered. */
  filesRegistered: number;
  /** Files Skia refused to load. */
  filesFailed: number;
  durationMs: number;
}

// Regular and bold upright only: the charts use nothing else, and every extra file costs start-up time.
const WANTED_FILE = /-(400|700)-normal\.woff2$/;

// GlobalFonts is process-wide, so remember what was registered to make repeated calls free.
const registeredDirs = new Set<string>();

/**
 * Registers every unicode-range file of each family. Fontsource splits a font into many files (one per
 * script slice), and each must be registered or whole scripts go missing. Files are registered under the
 * family alias because some (Noto Sans SC/KR) name themselves "… Thin" internally. Idempotent.
 */
export function registerFonts(options: RegisterFontsOptions = {}): FontRegistrationReport {
  const start = performance.now();
  const sources = options.sources ?? packageFontSources();
  let filesRegistered = 0;
  let filesFailed = 0;
  for (const { family, dir } of sources) {
    const key = `${family}\u0000${dir}`;
    if (registeredDirs.has(key)) continue;
    for (const file of listFontFiles(dir)) {
      if (GlobalFonts.registerFromPath(join(dir, file), family)) filesRegistered += 1;
      else filesFailed += 1;
    }
    registeredDirs.add(key);
  }
  return { filesRegistered, filesFailed, durationMs: performance.now() - start };
}

/**
 * Throws `fonts_missing` naming every required family Skia does not know. Call at start-up so a broken
 * install fails loudly instead of producing charts without text.
 */
export function assertFontsAvailable(families: readonly string[] = REQUIRED_FONT_FAMILIES): void {
  const known = new Set(GlobalFonts.families.map((f) => f.family));
  const missing = families.filter((f) => !known.has(f));
  if (missing.length > 0) {
    throw new AppError('fonts_missing', `Font families not registered: ${missing.join(', ')}`, {
      userMessage: 'Charts are unavailable right now.',
    });
  }
}

function listFontFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => WANTED_FILE.test(f))
      .sort();
  } catch {
    // A missing folder is reported by assertFontsAvailable, which names the family rather than a path.
    return [];
  }
}

function packageFontSources(): FontSource[] {
  return FONT_PACKAGES.map(({ family, packageName }) => ({
    family,
    dir: join(resolvePackageDir(packageName), 'files'),
  }));
}

/**
 * Finds an installed package's folder. Fontsource's `exports` hide package.json, so fall back to resolving
 * its main entry (index.css) and walking up to the package.json carrying its name. Uses require resolution,
 * which behaves the same under tsx, vitest and compiled dist.
 */
export function resolvePackageDir(packageName: string): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    // Not exported; try the main entry below.
  }
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch (cause) {
    throw new AppError('fonts_missing', `Font package ${packageName} is not installed`, {
      userMessage: 'Charts are unavailable right now.',
      cause,
    });
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    if (readPackageName(join(dir, 'package.json')) === packageName) return dir;
  }
  throw new AppError('fonts_missing', `Could not find the folder of font package ${packageName}`, {
    userMessage: 'Charts are unavailable right now.',
  });
}

function readPackageName(path: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'name' in parsed &&
      typeof parsed.name === 'string'
    ) {
      return parsed.name;
    }
  } catch {
    // No package.json at this level; keep walking up.
  }
  return undefined;
}
