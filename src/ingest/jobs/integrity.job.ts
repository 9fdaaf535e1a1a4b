// ingest.integrity: finds what has not converged (old stubs, never-checked or long-private players) and queues the work.
import type { Db } from '../../store/db.js';
import type { AnyJobDefinition, JobDefinition } from './job.js';
import { leaguesJob } from './leagues.job.js';
import { playerHistoryJob } from './player-history.job.js';
import { playerSummariesJob } from './player-summaries.job.js';
import { teamInfoJob } from './team-info.job.js';

/** A stub younger than this is still expected to be completed by the normal cycle. */
const STUB_GRACE = `interval '10 minutes'`;
/** Private profiles are re-checked this rarely: most stay private, and each check is a Valve call. */
const PRIVATE_RECHECK = `interval '1 day'`;

/** Each kind of stub and the job that completes it (all take `{}` as data). */
const COMPLETIONS: readonly { table: string; job: AnyJobDefinition }[] = [
  { table: 'players', job: playerSummariesJob },
  { table: 'teams', job: teamInfoJob },
  { table: 'leagues', job: leaguesJob },
];

async function hasOldStubs(db: Db, table: string): Promise<boolean> {
  const row = await db(table)
    .whereNull('refreshed_at')
    .whereRaw(`created_at < now() - ${STUB_GRACE}`)
    .first<object | undefined>('created_at');
  return row !== undefined;
}

export const integrityJob: JobDefinition<Record<string, never>> = {
  name: 'ingest.integrity',
  assertData: () => ({}),
  entity: () => 'integrity',
  async run(ctx) {
    const queued: string[] = [];
    for (const { table, job } of COMPLETIONS) {
      if (!(await hasOldStubs(ctx.db, table))) continue;
      await ctx.enqueue(job, {});
      queued.push(job.name);
    }
    // Never checked since being tracked, or private long enough to deserve another (rare) look.
    const players = await ctx
      .db('players')
      .where({ tracked: true })
      .whereRaw(
        `((history_checked_at IS NULL AND created_at < now() - ${STUB_GRACE})
          OR (is_private AND history_checked_at < now() - ${PRIVATE_RECHECK}))`,
      )
      .pluck<number[]>('account_id');
    for (const account_id of players) await ctx.enqueue(playerHistoryJob, { account_id });
    if (queued.length + players.length > 0)
      ctx.log.info({ queued, players: players.length }, 'integrity: work queued');
  },
};
