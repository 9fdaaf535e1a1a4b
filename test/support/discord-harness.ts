// Real parts for Discord adapter tests: a test database, Valve replay, Discord stand-in and the InteractionDeps built from them.
import type { REST } from 'discord.js';
import { systemClock } from '../../src/clock.js';
import { COMMANDS } from '../../src/bots/core/commands/index.js';
import type { CommandContext } from '../../src/bots/core/command-context.js';
import { createDiscordRest } from '../../src/bots/discord/discord-rest.js';
import { startGatewayBot, type GatewayBot } from '../../src/bots/discord/gateway.js';
import type { InteractionDeps } from '../../src/bots/discord/interactions.js';
import {
  startDiscordStandin,
  type DiscordStandin,
  type StandinMessage,
} from '../../src/fakes/discord-standin.server.js';
import { startValveReplay, type ValveReplay } from '../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import type { Enqueue } from '../../src/ingest/jobs/job.js';
import { createSteamClient, type SteamClient } from '../../src/ingest/steam/steam-client.js';
import { createLogger } from '../../src/log.js';
import { createRenderer } from '../../src/render/renderer.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

/** One call through the scheduler's door, as the command made it. */
export interface EnqueuedJob {
  name: string;
  data: unknown;
}

export interface DiscordHarness {
  database: TestDatabase;
  valve: ValveReplay;
  standin: DiscordStandin;
  rest: REST;
  deps: InteractionDeps;
  /** Every `ctx.enqueue` call, in order. */
  enqueued: EnqueuedJob[];
  /**
   * Holds every Steam call until the returned function is called. HTTP interactions split Discord's role between
   * the test (which reads the HTTP answer and records it) and the stand-in; holding Valve keeps the follow-up's
   * webhook calls behind that recording, so the order is fixed by construction rather than by timing.
   */
  holdSteam(): () => void;
  close(): Promise<void>;
}

/** Wraps each Steam call so it first waits for whatever gate is current. */
function gatedSteam(steam: SteamClient, gate: () => Promise<void>): SteamClient {
  return new Proxy(steam, {
    get(target, property: keyof SteamClient) {
      return async (...args: unknown[]) => {
        await gate();
        return (target[property] as (...callArgs: unknown[]) => Promise<unknown>)(...args);
      };
    },
  });
}

export async function startDiscordHarness(): Promise<DiscordHarness> {
  const log = createLogger('silent');
  const database = await createTestDatabase();
  const valve = await startValveReplay();
  const standin = await startDiscordStandin();
  const rest = createDiscordRest(standin.restBaseUrl, standin.botToken);

  let gate: Promise<void> = Promise.resolve();
  const steam = gatedSteam(
    createSteamClient(
      {
        baseUrl: valve.baseUrl,
        keys: ['test-key'],
        requestsPerSecond: 50,
        sequenceSecondsPerCall: 0.02,
        timeoutMs: 5_000,
        maxAttempts: 1,
      },
      { log, clock: systemClock, db: database.db },
    ),
    () => gate,
  );
  const ingest: IngestContext = { db: database.db, steam, log, clock: systemClock, alertMaxAgeMs: 0 };
  const enqueued: EnqueuedJob[] = [];
  const enqueue: Enqueue = (job, data) => {
    enqueued.push({ name: job.name, data });
    return Promise.resolve();
  };
  const ctx: CommandContext = {
    db: database.db,
    ingest,
    render: createRenderer(),
    enqueue,
    log,
    clock: systemClock,
    settings: { freeSubscriptionsPerGuild: 5, premiumSubscriptionsPerGuild: 100 },
  };
  const deps: InteractionDeps = {
    commands: COMMANDS,
    ctx,
    rest,
    applicationId: standin.applicationId,
    log,
  };

  return {
    database,
    valve,
    standin,
    rest,
    deps,
    enqueued,
    holdSteam() {
      let release: () => void = () => undefined;
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => release();
    },
    async close() {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
      await Promise.allSettled([standin.close(), valve.close()]);
      await database.drop();
    },
  };
}

/** Resolves with the first stand-in message matching `predicate`, waking on each new message (no polling). */
export async function waitForMessage(
  standin: DiscordStandin,
  predicate: (message: StandinMessage) => boolean,
  timeoutMs = 15_000,
): Promise<StandinMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = standin.messages.find(predicate);
    if (found) return found;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('timed out waiting for a matching stand-in message');
    await standin.waitForMessages(standin.messages.length + 1, left);
  }
}

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The gateway bot on the harness's stand-in, once it has identified. */
export async function startHarnessGateway(harness: DiscordHarness): Promise<GatewayBot> {
  const { standin } = harness;
  const bot = await startGatewayBot(
    harness.deps,
    { token: standin.botToken, apiBaseUrl: standin.restBaseUrl },
    createLogger('silent'),
  );
  await standin.waitForIdentify();
  return bot;
}
