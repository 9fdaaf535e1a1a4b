// Checks start-up fails loudly, naming the family, when a chart font is missing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import {
  assertFontsAvailable,
  registerFonts,
  REQUIRED_FONT_FAMILIES,
  resolvePackageDir,
} from '../../src/render/fonts.js';

function caught(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('fonts', () => {
  beforeAll(() => {
    registerFonts();
  });

  it('when the packaged fonts are registered, then every required family is available', () => {
    expect(() => assertFontsAvailable()).not.toThrow();
    expect(REQUIRED_FONT_FAMILIES).toEqual(['Noto Sans', 'Noto Sans SC', 'Noto Sans KR', 'Noto Color Emoji']);
  });

  it('when registerFonts is called again, then it registers nothing more', () => {
    const before = GlobalFonts.families.length;
    expect(registerFonts().filesRegistered).toBe(0);
    expect(GlobalFonts.families.length).toBe(before);
  });

  it('when the required list has a family never registered, then fonts_missing names only that family', () => {
    const error = caught(() => assertFontsAvailable([...REQUIRED_FONT_FAMILIES, 'Never Registered Sans']));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('fonts_missing');
    expect((error as AppError).message).toContain('Never Registered Sans');
    expect((error as AppError).message).not.toContain('Noto');
  });

  it('when a family is registered from an empty directory, then fonts_missing names it', () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'ddd-fonts-'));
    const report = registerFonts({ sources: [{ family: 'Empty Folder Sans', dir: emptyDir }] });
    expect(report.filesRegistered).toBe(0);
    const error = caught(() => assertFontsAvailable(['Empty Folder Sans', 'Gone Folder Sans']));
    expect((error as AppError).code).toBe('fonts_missing');
    expect((error as AppError).message).toContain('Empty Folder Sans');
    expect((error as AppError).message).toContain('Gone Folder Sans');
  });

  it('when a package hides package.json behind exports, then its folder is still found', () => {
    expect(resolvePackageDir('@fontsource/noto-sans')).toMatch(/node_modules[/\\]@fontsource[/\\]noto-sans$/);
  });

  it('when a font package is not installed, then fonts_missing names it', () => {
    const error = caught(() => resolvePackageDir('@fontsource/not-a-real-font'));
    expect((error as AppError).code).toBe('fonts_missing');
    expect((error as AppError).message).toContain('@fontsource/not-a-real-font');
  });
});
