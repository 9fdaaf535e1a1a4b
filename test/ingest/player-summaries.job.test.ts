// Tests for ingest.player-summaries: profiles from GetPlayerSummaries, oldest first, in batches of 100.
import { describe, expect, it } from 'vitest';
import { playerSummariesJob } from '../../src/ingest/jobs/player-summaries.job.js';
import { toSteamId64 } from '../../src/ingest/steam/steam-ids.js';
import type { PlayerRow } from '../../src/store/players.repo.js';
import { useReplaySuite } from '../support/replay-suite.js';

/** json_files/steam/odota_GetPlayerSummaries.json. */
const CHERNO = {
  account_id: 120269134,
  persona: 'Cherno Billy',
  avatar_url:
    'https://steamcdn-a.akamaihd.net/steamcommunity/public/images/avatars/2c/2c3de10a19eec58c2ddb3f41bd2bbb0faf3d2867_full.jpg',
  profile_url: 'http://steamcommunity.com/profiles/76561198080534862/',
};
/** An account no shipped summary names: Valve leaves it out, like a private or deleted profile. */
const ABSENT = 4242;
const SUMMARIES_PATH = '/ISteamUser/GetPlayerSummaries/v2/';

describe('ingest.player-summaries', () => {
  const suite = useReplaySuite({ truncate: 'players' });

  async function addPlayers(accountIds: readonly number[], extra: Partial<PlayerRow> = {}): Promise<void> {
    await suite.test
      .db('players')
      .insert(accountIds.map((account_id) => ({ account_id, steamid64: toSteamId64(account_id), ...extra })));
  }

  const player = (accountId: number) =>
    suite.test
      .db('players')
      .where({ account_id: accountId })
      .first<PlayerRow & { profile_url: string | null }>();

  it('when a shipped player and an absent one are refreshed, then the first gets a profile and both a refreshed_at', async () => {
    await addPlayers([CHERNO.account_id]);
    await addPlayers([ABSENT], { persona: 'kept as is' });
    await playerSummariesJob.run(suite.ctx, playerSummariesJob.assertData({}));
    const cherno = await player(CHERNO.account_id);
    expect(cherno).toMatchObject(CHERNO);
    expect(cherno?.refreshed_at).toBeInstanceOf(Date);
    const absent = await player(ABSENT);
    expect(absent).toMatchObject({ persona: 'kept as is', avatar_url: null });
    expect(absent?.refreshed_at).toBeInstanceOf(Date);
  });

  it('when 250 players are due, then three calls of at most 100 steamids refresh them all', async () => {
    const ids = Array.from({ length: 250 }, (_, index) => 1_000 + index);
    await addPlayers(ids);
    const before = suite.valve.requests.length;
    await playerSummariesJob.run(suite.ctx, {});
    const calls = suite.valve.requests.slice(before).filter((request) => request.path === SUMMARIES_PATH);
    expect(calls.map((call) => call.query.steamids?.split(',').length)).toEqual([100, 100, 50]);
    expect(calls.every((call) => call.status === 200)).toBe(true);
    const stale = await suite.test.db('players').whereNull('refreshed_at').count('* as count').first();
    expect(Number(stale?.count)).toBe(0);
  });

  it('when the limit is below the number of players, then never-refreshed and oldest profiles go first', async () => {
    await addPlayers([1]); // stub: never refreshed
    await addPlayers([2], { refreshed_at: new Date('2020-01-01T00:00:00Z') });
    const recent = new Date('2024-01-01T00:00:00Z');
    await addPlayers([3], { refreshed_at: recent });
    await playerSummariesJob.run(suite.ctx, playerSummariesJob.assertData({ limit: 2 }));
    const asked = suite.valve.requests.at(-1)?.query.steamids?.split(',');
    expect(asked).toEqual([toSteamId64(1), toSteamId64(2)]);
    expect((await player(3))?.refreshed_at).toEqual(recent);
    expect((await player(2))?.refreshed_at?.getTime()).toBeGreaterThan(recent.getTime());
  });

  it('when Valve refuses the call, then the job throws its classified error and marks nobody refreshed', async () => {
    await addPlayers([CHERNO.account_id]);
    suite.valve.failNext(SUMMARIES_PATH, { status: 403, body: '<html>Forbidden</html>' });
    await expect(playerSummariesJob.run(suite.ctx, {})).rejects.toMatchObject({
      code: 'steam_forbidden',
      kind: 'permanent',
    });
    expect(await player(CHERNO.account_id)).toMatchObject({ persona: null, refreshed_at: null });
  });

  it('when the limit is not a positive integer, then the assert names the job and the field', () => {
    expect(() => playerSummariesJob.assertData({ limit: 0 })).toThrow(
      /ingest\.player-summaries: data\.limit must be a positive integer/,
    );
  });
});
