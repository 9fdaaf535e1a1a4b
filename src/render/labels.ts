// Turns player text into chart labels that fit: grapheme-safe truncation so emoji and CJK never split or clip.

const ELLIPSIS = '…';

/** Longest player name shown before it is cut with an ellipsis. */
export const MAX_NAME_GRAPHEMES = 24;

// Segmenting by grapheme keeps flags, skin tones and ZWJ emoji whole instead of leaving half a surrogate pair.
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Cuts `text` to at most `max` graphemes, the last being an ellipsis when anything was removed. */
export function truncateGraphemes(text: string, max: number): string {
  const parts = graphemes(text.trim());
  if (parts.length <= max) return parts.join('');
  return (
    parts
      .slice(0, Math.max(0, max - 1))
      .join('')
      .trimEnd() + ELLIPSIS
  );
}

/** Something that measures text in the current font, e.g. a canvas 2D context. */
export interface TextMeasurer {
  measureText(text: string): { width: number };
}

/**
 * Shortens `text` until it is at most `maxWidth` pixels wide. Character counts alone are not enough:
 * 24 CJK characters are about twice as wide as 24 Latin ones.
 */
export function fitToWidth(measurer: TextMeasurer, text: string, maxWidth: number): string {
  if (measurer.measureText(text).width <= maxWidth) return text;
  const parts = graphemes(text);
  let low = 0;
  let high = parts.length;
  // Binary search for the longest prefix that still fits together with the ellipsis.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const candidate = parts.slice(0, mid).join('').trimEnd() + ELLIPSIS;
    if (measurer.measureText(candidate).width <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return parts.slice(0, low).join('').trimEnd() + ELLIPSIS;
}

/** "Hero — player name", with the name cut to {@link MAX_NAME_GRAPHEMES}. */
export function playerLabel(hero: string, name: string): string {
  const shortName = truncateGraphemes(name, MAX_NAME_GRAPHEMES);
  return shortName ? `${hero} — ${shortName}` : hero;
}
