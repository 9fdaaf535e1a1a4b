// The single dark chart theme: colours and type sizes shared by every chart so they look alike in Discord.

/** Colours; Radiant/Dire are a sky-blue/orange pair (Okabe–Ito) so colour-blind readers can tell them apart. */
export const COLORS = {
  /** Discord's dark-mode message background, so the PNG blends into the channel. */
  background: '#1e1f22',
  text: '#f2f3f5',
  mutedText: '#b5bac1',
  grid: 'rgba(255, 255, 255, 0.10)',
  radiant: '#56b4e9',
  dire: '#e69f00',
} as const;

/** Font sizes in CSS pixels at a device pixel ratio of 1. */
export const FONT_SIZES = {
  title: 20,
  label: 14,
  tick: 12,
  axisTitle: 13,
  value: 12,
} as const;

/** Outer padding in pixels around the plotting area. */
export const PADDING = 16;
