// Checks label shortening keeps whole graphemes and respects both the character and the pixel limits.
import { describe, expect, it } from 'vitest';
import { fitToWidth, MAX_NAME_GRAPHEMES, playerLabel, truncateGraphemes } from '../../src/render/labels.js';

const tenPixelsPerCodePoint = { measureText: (text: string) => ({ width: [...text].length * 10 }) };

describe('labels', () => {
  it('when a name is 32 characters, then it is cut to 24 with an ellipsis', () => {
    const label = truncateGraphemes('a-very-long-player-name-32-chars', MAX_NAME_GRAPHEMES);
    expect([...label]).toHaveLength(MAX_NAME_GRAPHEMES);
    expect(label.endsWith('…')).toBe(true);
  });

  it('when a name is short, then it is unchanged', () => {
    expect(playerLabel('Pudge', 'Алексей')).toBe('Pudge — Алексей');
  });

  it('when a name is empty, then the label is the hero alone', () => {
    expect(playerLabel('Pudge', '  ')).toBe('Pudge');
  });

  it('when cutting through emoji sequences, then no emoji is split', () => {
    const family = '👨‍👩‍👧';
    const label = truncateGraphemes(family.repeat(30), 5);
    expect(label).toBe(family.repeat(4) + '…');
  });

  it('when text is wider than the limit, then it is cut to fit with an ellipsis', () => {
    const fitted = fitToWidth(tenPixelsPerCodePoint, 'abcdefghijklmnopqrstuvwxyz', 100);
    expect(fitted).toBe('abcdefghi…');
    expect(tenPixelsPerCodePoint.measureText(fitted).width).toBeLessThanOrEqual(100);
  });

  it('when text fits, then it is unchanged', () => {
    expect(fitToWidth(tenPixelsPerCodePoint, 'short', 100)).toBe('short');
  });
});
