import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMatchRecap, formatDuration, netWorthChartInput } from '../../../src/bots/core/match-recap.js';
import { loadRecapData } from '../../../src/bots/core/recap-data.js';
import type { ValveReplay } from '../../../src/fakes/valve-replay.server.js';
import { ingestMatchById } from '../../../src/ingest/fetch-match.js';
import { createRenderer } from '../../../src/render/renderer.js';
import { findMatch, type StoredMatch } from '../../../src/store/matches.repo.js';
import { replayIngest } from '../../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.js';

const PRO_MATCH = 8591933650; // 2025 league game with team names and net worth
const TURBO_MATCH = 4949375791; // 2019, all players anonymous, no net worth in that era

describe('match recap', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let pro: StoredMatch;
  let turbo: StoredMatch;

  beforeAll(async () => {
    test = await createTestDatabase();
    const replay = await replayIngest(test.db);
    valve = replay.valve;
    await ingestMatchById(replay.ingest, PRO_MATCH);
    await ingestMatchById(replay.ingest, TURBO_MATCH);
    pro = (await findMatch(test.db, PRO_MATCH))!;
    turbo = (await findMatch(test.db, TURBO_MATCH))!;
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });

  it('when teams are known, then the recap names the winner, the score and both rosters with heroes and K/D/A', async () => {
    const reply = await buildMatchRecap(createRenderer(), pro, await loadRecapData(test.db, pro));
    expect(reply.title).toBe(`Vitality Warriors victory — match ${PRO_MATCH}`);
    expect(reply.text).toContain('**Vitality Warriors** 30 – 17 **Moonwalkers** · 27:04 · Captains Mode');
    expect(reply.fields?.[0]?.name).toBe('Vitality Warriors 🏆');
    expect(reply.fields?.[0]?.value.split('\n')[0]).toBe('**Underlord** · Player 177062248 · 9/3/15');
    expect(reply.fields?.[1]?.value.split('\n')).toHaveLength(5);
    expect(reply.image?.filename).toBe(`match-${PRO_MATCH}-scoreboard.png`);
    expect(reply.moreImages?.map((image) => image.filename)).toEqual([
      `match-${PRO_MATCH}-teams.png`,
      `match-${PRO_MATCH}-net-worth.png`,
    ]);
    for (const image of [reply.image, ...(reply.moreImages ?? [])])
      expect(image?.png.subarray(1, 4).toString()).toBe('PNG');
    expect(reply.text).toContain('No parsed replay stored for this match');
  });

  it('when the era has no net worth, then the chart falls back to gold and anonymous players are labelled so', () => {
    const input = netWorthChartInput(turbo);
    expect(input.metric).toBe('gold');
    expect(input.players.map((player) => player.name)).toEqual(Array(10).fill('Anonymous'));
    expect(netWorthChartInput(pro).metric).toBe('net_worth');
  });

  it('when a duration passes an hour, then it is shown as h:mm:ss', () => {
    expect(formatDuration(755)).toBe('12:35');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
