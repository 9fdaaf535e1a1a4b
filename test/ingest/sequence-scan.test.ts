import { describe, expect, it } from 'vitest';
import { sequenceScanJob } from '../../src/ingest/jobs/sequence-scan.job.js';
import { trackPlayer } from '../../src/store/players.repo.js';
import { advanceCursor, readCursor } from '../../src/store/sequence-cursor.repo.js';
import { upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { useReplaySuite } from '../support/replay-suite.js';

/** The 2019 page starts here; the shipped pool continues with older-era singles and the 2025 league match. */
const PAGE_START_SEQ = 4151934576;

describe('sequence scanner', () => {
  const suite = useReplaySuite({
    truncate: 'matches, match_players, players, teams, leagues, deliveries, subscriptions, sequence_cursor',
  });

  async function scanUntilHead(): Promise<number> {
    let pages = 0;
    for (let before = -1; before !== (await readCursor(suite.test.db, 'head')); pages += 1) {
      before = (await readCursor(suite.test.db, 'head')) ?? -1;
      await sequenceScanJob.run(suite.ctx, {});
    }
    return pages;
  }

  it('when the feed passes matches of tracked players and subscribed teams, then only those are stored', async () => {
    await advanceCursor(suite.test.db, 'head', PAGE_START_SEQ);
    await trackPlayer(suite.test.db, 177062248); // plays in 2025 league match 8591933650
    await upsertSubscription(suite.test.db, {
      platform: 'discord',
      guild_id: '1',
      channel_id: '2',
      target_kind: 'team',
      target_id: 1375614, // Newbee: radiant in The International 2014 match 789645621
      created_by: '3',
    });
    await scanUntilHead();
    const stored = await suite.test.db('matches').orderBy('match_id').pluck('match_id');
    expect(stored).toEqual([8591933650]);
    const requests = suite.valve.requests.filter((request) =>
      request.path.includes('GetMatchHistoryBySequenceNum'),
    );
    expect(requests.length).toBeGreaterThanOrEqual(2);
  });

  it('when nothing is followed, then the cursor still moves through the feed and nothing is stored', async () => {
    await advanceCursor(suite.test.db, 'head', PAGE_START_SEQ);
    await sequenceScanJob.run(suite.ctx, {});
    expect(await readCursor(suite.test.db, 'head')).toBe(4151934761); // past the last match of the 100-match page
    expect(await suite.test.db('matches').pluck('match_id')).toEqual([]);
  });

  it('when an older page finishes after a newer one, then the cursor never moves back', async () => {
    await advanceCursor(suite.test.db, 'head', 5_000_000_000);
    await advanceCursor(suite.test.db, 'head', PAGE_START_SEQ);
    expect(await readCursor(suite.test.db, 'head')).toBe(5_000_000_000);
  });

  it('when the cursor is fresh, then scanning starts from the newest match Valve lists', async () => {
    await sequenceScanJob.run(suite.ctx, {});
    const history = suite.valve.requests.find((request) => request.path.includes('GetMatchHistory/'));
    expect(history?.query).toMatchObject({ matches_requested: '1' });
    expect(await readCursor(suite.test.db, 'head')).not.toBeNull();
  });
});
