// Tests for ingest.team-info: team stubs completed from GetTeamInfoByTeamID, checking the id Valve returns.
import { describe, expect, it } from 'vitest';
import { teamInfoJob } from '../../src/ingest/jobs/team-info.job.js';
import { findTeam } from '../../src/store/teams.repo.js';
import { useReplaySuite } from '../support/replay-suite.js';

const TEAM_PATH = '/IDOTA2Match_570/GetTeamInfoByTeamID/v1/';
/** json_files/steam/vinnicc_GetTeamInfoByTeamID_1375614.json (full-precision logo). */
const NEWBEE = { team_id: 1375614, name: 'Newbee', tag: 'Newbee', logo: '794064971723724234' };
/** No shipped team has this id; Valve (and the replay) then answer with the next team, Newbee. */
const GHOST = 1375613;

describe('ingest.team-info', () => {
  const suite = useReplaySuite({ truncate: 'teams' });

  const teamCalls = (from: number) =>
    suite.valve.requests.slice(from).filter((request) => request.path === TEAM_PATH);

  it('when a team stub is known to Valve, then its name, tag and exact logo id are stored', async () => {
    await suite.test.db('teams').insert({ team_id: NEWBEE.team_id, name: 'NB' });
    await teamInfoJob.run(suite.ctx, {});
    const team = await findTeam(suite.test.db, NEWBEE.team_id);
    expect(team).toMatchObject(NEWBEE);
    expect(team?.refreshed_at).toBeInstanceOf(Date);
  });

  it('when Valve answers a different team for an id, then nothing of it is stored and the stub is marked checked', async () => {
    await suite.test.db('teams').insert({ team_id: GHOST, name: 'Ghost' });
    const before = suite.valve.requests.length;
    await teamInfoJob.run(suite.ctx, {});
    expect(teamCalls(before).map((call) => call.query)).toEqual([
      { start_at_team_id: String(GHOST), teams_requested: '1' },
    ]);
    const ghost = await findTeam(suite.test.db, GHOST);
    expect(ghost).toMatchObject({ name: 'Ghost', tag: null, logo: null });
    expect(ghost?.refreshed_at).toBeInstanceOf(Date);
  });

  it('when teams were refreshed recently, then they are not asked for again; stale ones are', async () => {
    await suite.test.db('teams').insert([
      { team_id: NEWBEE.team_id, refreshed_at: new Date(Date.now() - 60_000) },
      { team_id: GHOST, refreshed_at: new Date(Date.now() - 30 * 24 * 60 * 60_000) },
    ]);
    const before = suite.valve.requests.length;
    await teamInfoJob.run(suite.ctx, {});
    expect(teamCalls(before).map((call) => call.query.start_at_team_id)).toEqual([String(GHOST)]);
  });

  it('when Valve fails mid-run, then teams done before the failure keep their refresh', async () => {
    await suite.test.db('teams').insert([{ team_id: GHOST }, { team_id: NEWBEE.team_id }]);
    // Stubs go in team_id order: GHOST first, then the Newbee call is refused.
    suite.valve.failNext(TEAM_PATH, { status: 200, body: '{"result":{"status":1,"teams":[]}}' });
    suite.valve.failNext(TEAM_PATH, { status: 403, body: '<html>Forbidden</html>' });
    await expect(teamInfoJob.run(suite.ctx, {})).rejects.toMatchObject({ code: 'steam_forbidden' });
    expect((await findTeam(suite.test.db, GHOST))?.refreshed_at).toBeInstanceOf(Date);
    expect((await findTeam(suite.test.db, NEWBEE.team_id))?.refreshed_at).toBeNull();
  });
});
