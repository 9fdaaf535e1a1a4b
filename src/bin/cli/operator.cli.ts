// Operator commands: track/untrack players, backfill with progress, dead letters, and ingest status.
import type { Command } from 'commander';
import { backfillPlayer } from '../../ingest/backfill.js';
import { playerHistoryJob } from '../../ingest/jobs/player-history.job.js';
import { resolvePlayer } from '../../ingest/resolve-player.js';
import { openDeadLetters, takeForRetry } from '../../store/dead-letters.repo.js';
import { trackPlayer, untrackPlayer } from '../../store/players.repo.js';
import { collectStatus } from '../../store/status.repo.js';
import { steamCallSummary } from '../../ingest/steam/call-stats.repo.js';
import { positiveInteger, withRuntime } from './cli-support.js';
import { progressPrinter } from './progress-line.js';

const HOUR_MS = 60 * 60_000;

function table(rows: readonly object[]): void {
  if (rows.length === 0) return void console.log('(none)');
  console.table(rows);
}

export function registerOperatorCommands(program: Command): void {
  program
    .command('track')
    .argument('<player>', 'account id, steamid64, profile URL or vanity name')
    .description('Follow a player: their new matches are polled and stored')
    .action((player: string) =>
      withRuntime('worker', async (runtime) => {
        const accountId = await resolvePlayer(player, runtime.steam);
        await trackPlayer(runtime.db, accountId);
        await runtime.scheduler.enqueue(playerHistoryJob, { account_id: accountId });
        console.log(`tracking player ${accountId}; their history is queued`);
      }),
    );

  program
    .command('untrack')
    .argument('<player>', 'account id, steamid64, profile URL or vanity name')
    .description('Stop polling a player (stored matches and subscriptions stay)')
    .action((player: string) =>
      withRuntime('worker', async (runtime) => {
        const accountId = await resolvePlayer(player, runtime.steam);
        const changed = await untrackPlayer(runtime.db, accountId);
        console.log(
          changed ? `no longer tracking player ${accountId}` : `player ${accountId} was not tracked`,
        );
      }),
    );

  program
    .command('backfill')
    .argument('<player>', 'account id, steamid64, profile URL or vanity name')
    .option(
      '--matches <n>',
      'how many recent matches to cover (Valve lists about 500 at most)',
      positiveInteger,
      500,
    )
    .description("Fetch a player's listed matches that are not stored yet; resumable, Ctrl-C safe")
    .action((player: string, options: { matches: number }) =>
      withRuntime('worker', async (runtime) => {
        const accountId = await resolvePlayer(player, runtime.steam);
        const stop = new AbortController();
        process.once('SIGINT', () => {
          process.stderr.write('\nstopping after the current match…\n');
          stop.abort();
        });
        const printer = progressPrinter(process.stdout);
        const result = await backfillPlayer(runtime.ingest, accountId, {
          maxMatches: options.matches,
          onProgress: printer.onProgress,
          signal: stop.signal,
        });
        printer.done();
        const verdict = stop.signal.aborted ? 'interrupted (run again to resume)' : 'done';
        console.log(
          `backfill ${verdict}: stored ${result.stored} of ${result.missing} missing, ${result.failed} failed`,
        );
      }),
    );

  const jobs = program.command('jobs').description('Background jobs');
  jobs
    .command('failed')
    .description('List dead letters: work that stopped, with the reason')
    .action(() =>
      withRuntime('cli', async (runtime) => {
        const letters = await openDeadLetters(runtime.db);
        table(
          letters.map((letter) => ({
            id: letter.id,
            job: letter.job_name,
            entity: letter.entity,
            kind: letter.kind,
            reason: letter.code,
            attempts: letter.attempts,
            seen: letter.occurrences,
            last_error: letter.last_error.slice(0, 80),
            updated: letter.updated_at.toISOString(),
          })),
        );
      }),
    );
  jobs
    .command('retry')
    .argument('[ids...]', 'dead letter ids')
    .option('--all', 'retry every open dead letter')
    .description('Queue dead-lettered work again')
    .action((ids: string[], options: { all?: boolean }) =>
      withRuntime('cli', async (runtime) => {
        if (!options.all && ids.length === 0) throw new Error('name dead letter ids, or pass --all');
        const letters = await takeForRetry(runtime.db, options.all ? 'all' : ids.map(positiveInteger));
        for (const letter of letters) {
          const job = runtime.jobs.find((definition) => definition.name === letter.job_name);
          if (!job) {
            console.error(`#${letter.id}: no job named ${letter.job_name} in this version; skipped`);
            continue;
          }
          await runtime.scheduler.enqueue(job, job.assertData(letter.job_data));
          console.log(`#${letter.id}: ${letter.job_name} ${letter.entity} queued again`);
        }
      }),
    );

  program
    .command('status')
    .description('Ingest health: queues, Steam calls and 429s per key, stubs, private players, dead letters')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      withRuntime('cli', async (runtime) => {
        const since = new Date(runtime.clock.now() - HOUR_MS);
        const [status, steam] = await Promise.all([
          collectStatus(runtime.db),
          steamCallSummary(runtime.db, since),
        ]);
        if (options.json) return void console.log(JSON.stringify({ ...status, steam }, null, 2));
        console.log('Job queues');
        table(status.queues);
        console.log('Steam calls in the last hour, per key');
        table(steam.keys);
        console.log('Last success per endpoint');
        table(steam.endpoints);
        console.log(
          `Stubs pending: ${status.stubsPending.players} players, ${status.stubsPending.teams} teams, ${status.stubsPending.leagues} leagues`,
        );
        console.log(
          `Private players: ${status.privatePlayers.count} ${status.privatePlayers.sample.join(', ')}`,
        );
        console.log(`Open dead letters: ${status.openDeadLetters} (ddd jobs failed)`);
        console.log(`Deliveries: ${JSON.stringify(status.deliveries)}`);
        console.log(`Sequence scanner at: ${status.sequenceCursor ?? 'not started'}`);
      }),
    );
}
