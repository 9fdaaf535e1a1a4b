#!/usr/bin/env node
// The `ddd` CLI: migrate, start, demo, ingest, inspect a match, register Discord commands.
import { Command, Option } from 'commander';
import { Routes } from 'discord.js';
import { COMMANDS } from '../bots/core/commands/index.js';
import { buildCommandData } from '../bots/discord/command-data.js';
import { createDiscordRest } from '../bots/discord/discord-rest.js';
import type { ServiceRole } from '../config.js';
import { isAppError } from '../errors.js';
import { ingestMatchById } from '../ingest/fetch-match.js';
import { ingestSequencePage } from '../ingest/store-page.js';
import { notifyDeliverJob } from '../notify/deliver.job.js';
import { findMatch } from '../store/matches.repo.js';
import { toMatchJson } from '../store/match-json.js';
import { runDemo } from '../demo/run-demo.js';
import { startValveReplay } from '../fakes/valve-replay.server.js';
import { oneShot, positiveInteger, setup, withRuntime } from './cli/cli-support.js';
import { registerOperatorCommands } from './cli/operator.cli.js';
import { startService } from './service.js';
import { SERVICE_ROLES } from './service-roles.js';

const program = new Command('ddd').description(
  'DataDrivenDota: Dota 2 data from Valve into Postgres, served to Discord',
);

program
  .command('migrate')
  .description('Bring the database schema up to date and load heroes and items')
  .action(() => withRuntime('cli', () => Promise.resolve()));

program
  .command('start')
  .description(
    'Run the service: ingest workers, notifier, Discord bot, Slack app, HTTP server (or one role of it)',
  )
  .addOption(
    new Option('--role <role>', 'what this process runs; several processes may share one database')
      .choices(SERVICE_ROLES)
      .default('all'),
  )
  .action(async (options: { role: ServiceRole }) => {
    const { config, log } = setup(options.role);
    const service = await startService(config, log, { role: options.role });
    let signals = 0;
    const shutdown = (signal: string) => {
      signals += 1;
      // A second signal means the operator will not wait: what is unfinished stays queued for the next process.
      if (signals > 1) process.exit(1);
      log.info({ signal, deadlineMs: config.SHUTDOWN_DEADLINE_MS }, 'shutting down');
      // Whatever still holds the process past the deadline (a connection the pool waits on) does not keep it.
      setTimeout(() => process.exit(1), config.SHUTDOWN_DEADLINE_MS + 5_000).unref();
      service.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'unclean shutdown');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
  });

program
  .command('demo')
  .description('Offline demo over shipped Valve data: ingest, a subscription, an alert; output in ./demo-out')
  .option('--out <dir>', 'where to write the transcript and images', 'demo-out')
  .action((options: { out: string }) => oneShot(() => runDemo({ outDir: options.out })));

program
  .command('replay')
  .description('Serve the shipped Valve responses (json_files/) as a Valve-shaped local API, until stopped')
  .option('--port <n>', 'port (0 picks a free one)', (text) => Number(text), 8090)
  .action(async (options: { port: number }) => {
    const valve = await startValveReplay({ port: options.port });
    console.log(
      `Valve replay listening: STEAM_API_BASE_URL=${valve.baseUrl} (any STEAM_API_KEYS value works)`,
    );
  });

const ingest = program
  .command('ingest')
  .description('Fetch from Valve now, through the same code the jobs run');
ingest
  .command('match')
  .argument('<match_id>', 'match id', positiveInteger)
  .description('Fetch one match (via its sequence number) and store it')
  .action((matchId: number) =>
    withRuntime('worker', async (runtime) => {
      const stored = await ingestMatchById(runtime.ingest, matchId);
      if (stored?.newDeliveries) await runtime.scheduler.enqueue(notifyDeliverJob, {});
      console.log(
        stored
          ? `stored match ${matchId} (${stored.newDeliveries} alerts queued)`
          : `match ${matchId} was already stored`,
      );
    }),
  );
ingest
  .command('seq')
  .argument('<match_seq_num>', 'first sequence number', positiveInteger)
  .option('--count <n>', 'matches to fetch (≤ 100)', positiveInteger, 100)
  .description('Fetch a page of matches by sequence number and store them')
  .action((seqNum: number, options: { count: number }) =>
    withRuntime('worker', async (runtime) => {
      const page = await ingestSequencePage(runtime.ingest, seqNum, options.count);
      if (page.newDeliveries) await runtime.scheduler.enqueue(notifyDeliverJob, {});
      console.log(
        `fetched ${page.fetched}, stored ${page.newMatchIds.length} new; next sequence number ${page.nextSeqNum ?? '-'}`,
      );
    }),
  );

program
  .command('match')
  .argument('<match_id>', 'match id', positiveInteger)
  .option('--json', 'print the stored match as JSON')
  .description('Show a stored match')
  .action((matchId: number, options: { json?: boolean }) =>
    withRuntime('cli', async (runtime) => {
      const stored = await findMatch(runtime.db, matchId);
      if (!stored) {
        console.error(`Match ${matchId} is not stored. Fetch it with: ddd ingest match ${matchId}`);
        process.exitCode = 1;
        return;
      }
      const json = toMatchJson(stored);
      if (options.json) return void console.log(JSON.stringify(json));
      console.log(
        `Match ${json.match_id}: ${json.radiant_win ? 'Radiant' : 'Dire'} victory in ${Math.round(json.duration / 60)} min`,
      );
      for (const player of json.players) {
        console.log(
          `  ${String(player.player_slot).padStart(3)} ${(player.hero ?? `hero ${player.hero_id}`).padEnd(22)} ${player.kills}/${player.deaths}/${player.assists}`,
        );
      }
    }),
  );

program
  .command('discord')
  .description('Discord application management')
  .command('register')
  .option('--guild <id>', 'register in one guild (instant) instead of globally')
  .description('Register the /dota command with Discord')
  .action((options: { guild?: string }) =>
    oneShot(async () => {
      const { config } = setup('discord');
      const rest = createDiscordRest(config.DISCORD_API_BASE_URL, config.DISCORD_TOKEN ?? '');
      const appId = config.DISCORD_APPLICATION_ID ?? '';
      const route = options.guild
        ? Routes.applicationGuildCommands(appId, options.guild)
        : Routes.applicationCommands(appId);
      await rest.put(route, { body: [buildCommandData(COMMANDS)] });
      console.log(
        `registered /dota ${options.guild ? `in guild ${options.guild}` : 'globally (may take up to an hour to appear)'}`,
      );
    }),
  );

registerOperatorCommands(program);

program.parseAsync().catch((error: unknown) => {
  console.error(isAppError(error) ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
