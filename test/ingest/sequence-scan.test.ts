import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import type { JobContext } from '../../src/ingest/jobs/job.js';
import { sequenceScanJob } from '../../src/ingest/jobs/sequence-scan.job.js';
import { trackPlayer } from '../../src/store/players.repo.js';
import { advanceCursor, readCursor } from '../../src/store/sequence-cursor.repo.js';
import { upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { replayIngest } from '../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/** The 2019 page starts here; the shipped pool continues with older-era singles and the 2025 league match. */
const PAGE_START_SEQ = 4151934576;

describe('sequence scanner', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let ingest: IngestContext;
  let ctx: JobContext;
  let enqueued: string[];

  beforeAll(async () => {
    test = await createTestDatabase();
    ({ ingest, valve } = await replayIngest(test.db));
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });
  beforeEach(async () => {
    await test.db.raw(
      'TRUNCATE matches, match_players, players, teams, leagues, deliveries, subscriptions, sequence_cursor CASCADE',
    );
    enqueued = [];
    ctx = { ...ingest, enqueue: (job) => (enqueued.push(job.name), Promise.resolve()) };
  });

  async function scanUntilHead(): Promise<number> {
    let pages = 0;
    for (let before = -1; before !== (await readCursor(test.db, 'head')); pages += 1) {
      before = (await readCursor(test.db, 'head')) ?? -1;
      await sequenceScanJob.run(ctx, {});
    }
    return pages;
  }

  it('when the feed passes matches of tracked players and subscribed teams, then only those are stored', async () => {
    await advanceCursor(test.db, 'head', PAGE_START_SEQ);
    await trackPlayer(test.db, 177062248); // plays in 2025 league match 8591933650
    await upsertSubscription(test.db, {
      platform: 'discord',
      guild_id: '1',
      channel_id: '2',
      target_kind: 'team',
      target_id: 1375614, // Newbee: radiant in The International 2014 match 789645621
      created_by: '3',
    });
    await scanUntilHead();
    const stored = await test.db('matches').orderBy('match_id').pluck('match_id');
    expect(stored).toEqual([8591933650]);
    const requests = valve.requests.filter((request) =>
      request.path.includes('GetMatchHistoryBySequenceNum'),
    );
    expect(requests.length).toBeGreaterThanOrEqual(2);
  });

  it('when nothing is followed, then the cursor still moves through the feed and nothing is stored', async () => {
    await advanceCursor(test.db, 'head', PAGE_START_SEQ);
    await sequenceScanJob.run(ctx, {});
    expect(await readCursor(test.db, 'head')).toBe(4151934761); // past the last match of the 100-match page
    expect(await test.db('matches').pluck('match_id')).toEqual([]);
  });

  it('when an older page finishes after a newer one, then the cursor never moves back', async () => {
    await advanceCursor(test.db, 'head', 5_000_000_000);
    await advanceCursor(test.db, 'head', PAGE_START_SEQ);
    expect(await readCursor(test.db, 'head')).toBe(5_000_000_000);
  });

  it('when the cursor is fresh, then scanning starts from the newest match Valve lists', async () => {
    await sequenceScanJob.run(ctx, {});
    const history = valve.requests.find((request) => request.path.includes('GetMatchHistory/'));
    expect(history?.query).toMatchObject({ matches_requested: '1' });
    expect(await readCursor(test.db, 'head')).not.toBeNull();
  });
});
