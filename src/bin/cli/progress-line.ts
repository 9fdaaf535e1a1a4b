// Renders backfill progress: one rewritten line on a terminal, plain periodic log lines otherwise.
import type { BackfillProgress } from '../../ingest/backfill.js';

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const minutes = Math.floor(seconds / 60);
  return minutes > 0
    ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.round(seconds)}s`;
}

export function describeProgress(progress: BackfillProgress, now: number): string {
  const elapsed = Math.max(0.001, (now - progress.startedAt) / 1000);
  const rate = progress.fetched / elapsed;
  const eta = rate > 0 ? (progress.missing - progress.fetched) / rate : Number.POSITIVE_INFINITY;
  return (
    `found ${progress.found} · to fetch ${progress.missing} · fetched ${progress.fetched} · stored ${progress.stored}` +
    `${progress.failed ? ` · failed ${progress.failed}` : ''} · ${rate.toFixed(2)}/s · ETA ${formatSeconds(eta)}`
  );
}

/** Returns an onProgress callback; `done()` ends the terminal line. */
export function progressPrinter(stream: NodeJS.WriteStream, now: () => number = Date.now) {
  let lastLogged = 0;
  return {
    onProgress: (progress: BackfillProgress) => {
      const line = describeProgress(progress, now());
      if (stream.isTTY) {
        stream.write(`\r${line}\u001b[K`);
      } else if (progress.fetched === progress.missing || now() - lastLogged >= 5_000) {
        // Logs and CI captures: a line every few seconds, not thousands of carriage returns.
        stream.write(`${line}\n`);
        lastLogged = now();
      }
    },
    done: () => {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
