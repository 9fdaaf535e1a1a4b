// "12 min ago": how old a timestamp is, in words both Discord and Slack show as they are.

const UNITS: readonly [belowSeconds: number, seconds: number, unit: string][] = [
  [90, 1, 's'],
  [90 * 60, 60, 'min'],
  [36 * 3600, 3600, 'h'],
];

/** Age of `then` at `now` (ms since the epoch), in one unit; a future time (clock skew) is "just now". */
export function ago(then: Date, now: number): string {
  const seconds = Math.floor((now - then.getTime()) / 1000);
  if (seconds < 5) return 'just now';
  for (const [below, size, unit] of UNITS) {
    if (seconds < below) return `${Math.floor(seconds / size)} ${unit} ago`;
  }
  return `${Math.floor(seconds / 86_400)} d ago`;
}
