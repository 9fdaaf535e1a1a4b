// The periodic ingest work: polling or scanning for new matches, and the cycles that complete stubs.
import type { Config } from '../config.js';
import { heroesJob } from '../ingest/jobs/heroes.job.js';
import { integrityJob } from '../ingest/jobs/integrity.job.js';
import { leaguesJob } from '../ingest/jobs/leagues.job.js';
import { playerSummariesJob } from '../ingest/jobs/player-summaries.job.js';
import { pollLeaguesJob } from '../ingest/jobs/poll-leagues.job.js';
import { pollPlayersJob } from '../ingest/jobs/poll-players.job.js';
import { sequenceScanJob } from '../ingest/jobs/sequence-scan.job.js';
import { teamInfoJob } from '../ingest/jobs/team-info.job.js';
import type { Scheduler } from '../ingest/scheduler.js';

export async function scheduleIngest(
  scheduler: Scheduler,
  config: Pick<Config, 'INGEST_MODE' | 'PLAYER_POLL_INTERVAL' | 'SEQUENCE_SCAN_INTERVAL'>,
): Promise<void> {
  if (config.INGEST_MODE !== 'scanner') {
    await scheduler.every(config.PLAYER_POLL_INTERVAL, pollPlayersJob, {});
    await scheduler.every(config.PLAYER_POLL_INTERVAL, pollLeaguesJob, {});
  }
  if (config.INGEST_MODE !== 'polling')
    await scheduler.every(config.SEQUENCE_SCAN_INTERVAL, sequenceScanJob, {});
  // Completing stubs is cheap next to finding matches: 100 profiles per call, one call per team.
  await scheduler.every('30 minutes', playerSummariesJob, {});
  await scheduler.every('15 minutes', teamInfoJob, {});
  await scheduler.every('1 day', leaguesJob, {});
  await scheduler.every('1 day', heroesJob, {});
  await scheduler.every('10 minutes', integrityJob, {});
}
