import { describe, expect, it } from 'vitest';
import { describeProgress } from '../../src/bin/cli/progress-line.js';
import { backfillPlayer, type BackfillProgress } from '../../src/ingest/backfill.js';
import { useReplaySuite } from '../support/replay-suite.js';

/** The one shipped account that appears in two matches (1430857330 and 1443560328). */
const TWO_MATCH_PLAYER = 76482434;

describe('backfill', () => {
  const suite = useReplaySuite();

  it('when interrupted after the first match, then nothing is half written and a rerun fetches only the rest', async () => {
    const stop = new AbortController();
    const seen: BackfillProgress[] = [];
    const first = await backfillPlayer(suite.ingest, TWO_MATCH_PLAYER, {
      maxMatches: 500,
      signal: stop.signal,
      onProgress: (progress) => {
        seen.push(progress);
        if (progress.fetched === 1) stop.abort(); // as Ctrl-C would, between two matches
      },
    });
    expect(first).toMatchObject({ found: 2, missing: 2, fetched: 1, stored: 1, failed: 0 });
    const storedIds = await suite.test.db('matches').pluck<number[]>('match_id');
    expect(storedIds).toHaveLength(1);
    expect(
      await suite.test.db('match_players').where({ match_id: storedIds[0] }).pluck('player_slot'),
    ).toHaveLength(10);

    const second = await backfillPlayer(suite.ingest, TWO_MATCH_PLAYER, {
      maxMatches: 500,
      onProgress: () => undefined,
    });
    expect(second).toMatchObject({ found: 2, missing: 1, fetched: 1, stored: 1 });
    expect((await suite.test.db('matches').pluck('match_id')).sort()).toEqual([1430857330, 1443560328]);
    expect(seen[0]).toMatchObject({ found: 2, missing: 2, fetched: 0 });
  });

  it('when a match cannot be fetched, then it is counted as failed and the rest continue', async () => {
    await suite.test.db.raw('TRUNCATE matches, match_players CASCADE');
    suite.valve.setFaults('GetMatchHistoryBySequenceNum', { emptyObjectRatio: 1 });
    try {
      const result = await backfillPlayer(suite.ingest, TWO_MATCH_PLAYER, {
        maxMatches: 1,
        onProgress: () => undefined,
      });
      expect(result).toMatchObject({ found: 1, missing: 1, fetched: 1, stored: 0, failed: 1 });
    } finally {
      suite.valve.setFaults('GetMatchHistoryBySequenceNum', {});
    }
  });

  it('when progress is described, then it shows counts, rate and a finite ETA', () => {
    const line = describeProgress(
      { found: 120, missing: 100, fetched: 25, stored: 24, failed: 1, startedAt: 0 },
      25_000,
    );
    expect(line).toBe('found 120 · to fetch 100 · fetched 25 · stored 24 · failed 1 · 1.00/s · ETA 1m15s');
  });
});
