// kill -9 of a worker process mid-fan-out and mid-ingest, then a restart: nothing stored twice, nothing sent twice.
import { afterEach, describe, expect, it } from 'vitest';
import { startDiscordStandin, type DiscordStandin } from '../src/fakes/discord-standin.server.js';
import { startValveReplay, type ValveReplay } from '../src/fakes/valve-replay.server.js';
import { defaultDataDir, loadReplayData, type PoolMatch } from '../src/fakes/valve-replay/data.js';
import { AGENDA_TABLE } from '../migrations/20261128_0002_agenda.js';
import { trackPlayer } from '../src/store/players.repo.js';
import type { Db } from '../src/store/db.js';
import { replayIngest } from '../test/support/replay-ingest.js';
import { alertChannel, deliveryStatuses, queueFanOut, serviceEnv } from '../test/support/service-harness.js';
import { createTestDatabase, type TestDatabase } from '../test/support/test-db.js';
import { countBy } from './support/count-by.js';
import { faultRow } from './support/fault-row.js';
import { until } from './support/until.js';
import { spawnWorker, type WorkerProcess } from './support/worker-process.js';

const ANONYMOUS_ACCOUNT_ID = 4294967295;
const RECOVERY_TIMEOUT_MS = 90_000;

/**
 * What a dead worker leaves is taken over once it is stale: its delivery claims after 2 minutes, its Agenda job
 * locks after their 10-minute lifetime. Rows age them by that much instead of waiting it out.
 */
async function ageWhatTheDeadWorkerHeld(db: Db): Promise<{ claims: number; locks: number }> {
  const claims = await db('deliveries')
    .where({ status: 'sending' })
    .update({ claimed_at: db.raw(`claimed_at - interval '3 minutes'`) });
  const locks = await db(AGENDA_TABLE)
    .whereNotNull('locked_at')
    .update({ locked_at: db.raw(`locked_at - interval '11 minutes'`) });
  return { claims, locks };
}

describe('a worker killed with SIGKILL', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(valveOptions?: Parameters<typeof startValveReplay>[0]) {
    const test: TestDatabase = await createTestDatabase();
    cleanups.push(() => test.drop());
    const valve: ValveReplay = await startValveReplay(valveOptions);
    cleanups.push(() => valve.close());
    // 10 messages a second: a fan-out to 40 channels takes about 4 s, long enough to kill it in the middle.
    const discord: DiscordStandin = await startDiscordStandin({ globalLimit: 10 });
    cleanups.push(() => discord.close());
    const workers: WorkerProcess[] = [];
    cleanups.push(() => Promise.all(workers.map((worker) => worker.kill9())));
    const start = async (extraEnv: Record<string, string> = {}) => {
      const worker = await spawnWorker(serviceEnv(test.url, valve, discord, extraEnv));
      workers.push(worker);
      return worker;
    };
    return { test, valve, discord, start };
  }

  it('mid-fan-out, then a restart: every (match, channel) alert is posted exactly once', async () => {
    const row = faultRow('kill -9 mid-fan-out');
    const { test, discord, start } = await setUp();
    const channels = Array.from({ length: 40 }, (_, i) => alertChannel(i));
    const { ingest, valve: ingestValve } = await replayIngest(test.db);
    cleanups.push(() => ingestValve.close());
    await queueFanOut(test.db, ingest, channels);
    row.did(`queued one match alert for ${channels.length} Discord channels; Discord allows 10 messages/s`);

    const first = await start();
    await discord.waitForMessages(10, 60_000);
    await first.kill9();
    const postedBeforeKill = discord.messages.filter((message) => message.via === 'channel').length;
    const afterKill = await deliveryStatuses(test.db);
    row.did(
      `kill -9 worker ${first.pid} after ${postedBeforeKill} posts; ledger then ${JSON.stringify(afterKill)}`,
    );
    expect(afterKill.sent ?? 0).toBeLessThan(channels.length);

    const aged = await ageWhatTheDeadWorkerHeld(test.db);
    row.did(`aged the dead worker's ${aged.claims} claims and ${aged.locks} job locks past their expiry`);
    const second = await start();
    const restartedAt = Date.now();
    row.did(`started worker ${second.pid}; its every-minute delivery sweep takes over the rest`);
    const final = await until(
      () => deliveryStatuses(test.db),
      (statuses) => statuses.sent === channels.length,
      RECOVERY_TIMEOUT_MS,
    );
    row.checked(`every alert sent ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`);

    const perChannel = countBy(
      discord.messages.filter((posted) => posted.via === 'channel'),
      (message) => message.channelId,
    );
    expect(final).toEqual({ sent: channels.length });
    expect(Object.keys(perChannel).sort()).toEqual([...channels].sort());
    expect(Object.values(perChannel).every((count) => count === 1)).toBe(true);
    row.checked(
      `ledger ${JSON.stringify(final)}; ${Object.keys(perChannel).length} channels received the alert, each exactly once`,
    );
  });

  it('mid-ingest, then a restart: every match of the tracked players is stored once and complete', async () => {
    const row = faultRow('kill -9 mid-ingest');
    // Slow match fetches spread the ingest over seconds, so the kill lands with jobs running and queued.
    const { test, valve, start } = await setUp({
      faults: { GetMatchHistoryBySequenceNum: { latencyMs: 100 }, GetMatchHistory: { latencyMs: 100 } },
    });
    const pool = (await loadReplayData(defaultDataDir())).matches;
    const tracked = mostFrequentAccounts(pool, 120);
    for (const accountId of tracked) await trackPlayer(test.db, accountId);
    const expected = new Map(
      pool
        .filter((match) => match.players.some((player) => tracked.includes(player.account_id)))
        .map((match) => [match.match_id, match.players.length]),
    );
    row.did(`tracked ${tracked.length} players who played ${expected.size} of the shipped matches`);

    const env = { STEAM_SEQUENCE_SECONDS_PER_CALL: '0.05' };
    const first = await start(env);
    const storedBeforeKill = await until(
      () => matchCount(test.db),
      (count) => count >= expected.size / 3,
      RECOVERY_TIMEOUT_MS,
    );
    await first.kill9();
    row.did(`kill -9 worker ${first.pid} with ${storedBeforeKill} of ${expected.size} matches stored`);
    expect(storedBeforeKill).toBeLessThan(expected.size);

    const aged = await ageWhatTheDeadWorkerHeld(test.db);
    row.did(`aged the dead worker's ${aged.locks} job locks past their 10-minute lifetime`);
    const second = await start(env);
    row.did(`started worker ${second.pid}`);
    const restartedAt = Date.now();
    await until(
      () => matchCount(test.db),
      (count) => count >= expected.size,
      RECOVERY_TIMEOUT_MS,
    );
    row.checked(`every match stored ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`);

    const stored = await test
      .db('matches as m')
      .leftJoin('match_players as p', 'p.match_id', 'm.match_id')
      .groupBy('m.match_id')
      .select<{ match_id: string; players: string }[]>('m.match_id', test.db.raw('count(p.*) as players'));
    const storedPlayers = new Map(stored.map((match) => [Number(match.match_id), Number(match.players)]));
    expect(storedPlayers).toEqual(expected);
    const deadLetters = await test.db('dead_letters').count<{ count: string }[]>('* as count');
    expect(Number(deadLetters[0]?.count)).toBe(0);
    const requests = valve.requests.filter((request) => request.path.includes('BySequenceNum')).length;
    row.checked(
      `${storedPlayers.size} matches stored, each once with all its players (${stored.reduce((sum, match) => sum + Number(match.players), 0)} player rows); 0 dead letters; ${requests} match fetches for ${expected.size} matches`,
    );
  });
});

async function matchCount(db: Db): Promise<number> {
  const [row] = await db('matches').count<{ count: string }[]>('* as count');
  return Number(row?.count ?? 0);
}

/** The `count` accounts in the most shipped matches: tracking them spreads ingest over many matches. */
function mostFrequentAccounts(pool: readonly PoolMatch[], count: number): number[] {
  const games = new Map<number, number>();
  for (const match of pool)
    for (const { account_id } of match.players)
      if (account_id !== ANONYMOUS_ACCOUNT_ID) games.set(account_id, (games.get(account_id) ?? 0) + 1);
  return [...games.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, count)
    .map(([accountId]) => accountId);
}
