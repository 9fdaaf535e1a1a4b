// Benchmarks alert fan-out: one stored match to 1,000 channels through the real notifier and discord.js REST, at 50 req/s.
import { REST, Routes } from 'discord.js';
import { createDiscordRest, DISCORD_GLOBAL_PER_SECOND } from '../src/bots/discord/discord-rest.js';
import { createDiscordSender } from '../src/bots/discord/discord-sender.js';
import { createLogger } from '../src/log.js';
import { queueDeliveries } from '../src/notify/deliveries.repo.js';
import { createNotifier } from '../src/notify/notifier.js';
import { assertFontsAvailable, registerFonts } from '../src/render/fonts.js';
import { createRenderer } from '../src/render/renderer.js';
import { storeMatches } from '../src/store/matches.repo.js';
import { syncReferenceData } from '../src/store/reference-data.js';
import type { Db } from '../src/store/db.js';
import { openBenchDatabase } from './bench-database.js';
import { BENCH_MATCH_ID, benchMatchSource, parseSteamMatch } from './bench-match.js';
import { startStandinProcess, type StandinStats } from './discord-standin-process.js';

const CHANNELS = Number(process.env.BENCH_FANOUT_CHANNELS ?? process.argv[2] ?? 1000);
/** Discord's global limit decides the wall time: CHANNELS / 50 seconds at best. */
const LIMIT_MS = (CHANNELS / DISCORD_GLOBAL_PER_SECOND) * 1000;
const VITALITY = 9048057;
const LEAGUE = 16110;
const WARM_UP_CHART = {
  title: 'warm-up',
  metric: 'net_worth' as const,
  players: [{ name: 'a', hero: 'Axe', team: 'radiant' as const, value: 1 }],
};
let warmUpMs = 0;
const channelId = (n: number): string => String(1300000000000000000n + BigInt(n));

interface Outcome {
  wallMs: number;
  stats: StandinStats;
  duplicates: number;
  missing: number;
  firstMs: number;
  lastMs: number;
  /** Most arrivals the stand-in saw in any 1 s: at most 50 means the global window never overflowed. */
  busiestSecond: number;
}

function outcome(startedAt: number, wallMs: number, stats: StandinStats): Outcome {
  const perChannel = new Map<string, number>();
  for (const message of stats.messages)
    perChannel.set(message.channelId, (perChannel.get(message.channelId) ?? 0) + 1);
  const received = stats.messages.map((message) => message.receivedAt).sort((a, b) => a - b);
  let busiest = 0;
  for (let from = 0, to = 0; from < received.length; from += 1) {
    while (to < received.length && received[to]! - received[from]! < 1000) to += 1;
    busiest = Math.max(busiest, to - from);
  }
  return {
    wallMs,
    stats,
    duplicates: [...perChannel.values()].reduce((sum, count) => sum + count - 1, 0),
    missing: CHANNELS - perChannel.size,
    firstMs: (received[0] ?? NaN) - startedAt,
    lastMs: (received.at(-1) ?? NaN) - startedAt,
    busiestSecond: busiest,
  };
}

/** Raw discord.js REST, its own limiter, 1,000 plain messages at once: no database, no render, no multipart. */
async function baseline(): Promise<Outcome> {
  const standin = await startStandinProcess();
  const rest = new REST({ api: standin.restBaseUrl, version: '10' }).setToken(standin.botToken);
  try {
    const startedAt = Date.now();
    await Promise.all(
      Array.from({ length: CHANNELS }, (_, i) =>
        rest.post(Routes.channelMessages(channelId(i)), { body: { content: `baseline ${i}` } }),
      ),
    );
    const wallMs = Date.now() - startedAt;
    return outcome(startedAt, wallMs, await standin.stats());
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await standin.close();
  }
}

/** Every channel follows one of the ten players; some also the winning team or the league. */
async function subscribeChannels(db: Db, playerIds: readonly number[]): Promise<void> {
  const rows = Array.from({ length: CHANNELS }, (_, i) =>
    [
      { target_kind: 'player', target_id: playerIds[i % playerIds.length]! },
      ...(i % 4 === 0 ? [{ target_kind: 'team', target_id: VITALITY }] : []),
      ...(i % 5 === 0 ? [{ target_kind: 'league', target_id: LEAGUE }] : []),
    ].map((target) => ({
      platform: 'discord',
      guild_id: channelId(100_000 + i),
      channel_id: channelId(i),
      created_by: '1',
      ...target,
    })),
  ).flat();
  for (let start = 0; start < rows.length; start += 500)
    await db('subscriptions').insert(rows.slice(start, start + 500));
}

async function fanout(db: Db): Promise<Outcome & { renderMs: number; statuses: Record<string, number> }> {
  const standin = await startStandinProcess();
  const rest = createDiscordRest(standin.restBaseUrl, standin.botToken);
  const render = createRenderer({ pool: { warm: true } });
  let renderMs = 0;
  const timedRender: typeof render = {
    ...render,
    async render(chart, input, options) {
      const start = performance.now();
      try {
        return await render.render(chart, input, options);
      } finally {
        renderMs = Math.max(renderMs, performance.now() - start);
      }
    },
  };
  try {
    // The service starts its render workers at boot, long before an alert: start timing once they are up.
    const warmStart = performance.now();
    await Promise.all([0, 1, 2, 3].map(() => render.netWorthChart(WARM_UP_CHART)));
    warmUpMs = performance.now() - warmStart;
    const notifier = createNotifier({
      db,
      render: timedRender,
      senders: [createDiscordSender(rest)],
      log: createLogger('warn'),
    });
    const startedAt = Date.now();
    const totals = await notifier.deliverPending();
    const wallMs = Date.now() - startedAt;
    if (totals.sent !== CHANNELS) console.log('notifier totals:', totals);
    const statuses = Object.fromEntries(
      (
        await db('deliveries')
          .groupBy('status')
          .select<{ status: string; count: number }[]>('status', db.raw('count(*)::int as count'))
      ).map((row) => [row.status, row.count]),
    );
    return { ...outcome(startedAt, wallMs, await standin.stats()), renderMs, statuses };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await render.close();
    await standin.close();
  }
}

const fonts = registerFonts();
assertFontsAvailable();
const database = await openBenchDatabase('fanout');
try {
  const { db } = database;
  await syncReferenceData(db);
  const match = parseSteamMatch(await benchMatchSource());
  await db.transaction((trx) => storeMatches(trx, [match]));
  const playerIds = match.players.flatMap((player) =>
    player.account_id === undefined ? [] : [player.account_id],
  );
  await subscribeChannels(db, playerIds);
  const queued = await db.transaction((trx) => queueDeliveries(trx, [BENCH_MATCH_ID], new Date(0)));
  if (queued !== CHANNELS) throw new Error(`queued ${queued} deliveries, expected ${CHANNELS}`);

  const base = await baseline();
  const run = await fanout(db);
  const ratio = run.wallMs / LIMIT_MS;

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `database: ${database.label}; fonts: ${fonts.filesRegistered} files; stand-in in its own process`,
  );
  console.log(
    `theoretical limit: ${CHANNELS} channels / ${DISCORD_GLOBAL_PER_SECOND} req/s = ${s(LIMIT_MS)}` +
      ` (Discord's global limit; each channel's own bucket allows 5 per 5 s, one message each here)`,
  );
  console.log(
    `baseline, raw discord.js REST (its own limiter), ${CHANNELS} plain messages, no DB or render:` +
      ` ${s(base.wallMs)} (${(base.wallMs / LIMIT_MS).toFixed(3)}× the limit), 429s ${base.stats.rateLimited},` +
      ` duplicates ${base.duplicates}, most stored in any 1 s ${base.busiestSecond}`,
  );
  console.log(
    `notifier: ${CHANNELS} alerts (recap with 3 charts attached) in ${s(run.wallMs)}: first at ${s(run.firstMs)}, last at ${s(run.lastMs)};` +
      ` slowest chart render ${run.renderMs.toFixed(0)} ms (render workers warmed first, ${warmUpMs.toFixed(0)} ms); 429s ${run.stats.rateLimited};` +
      ` requests ${run.stats.requests}; duplicates ${run.duplicates}; missing ${run.missing};` +
      ` most stored in any 1 s ${run.busiestSecond}; ledger ${JSON.stringify(run.statuses)}`,
  );
  console.log(
    `ratio vs the ${s(LIMIT_MS)} limit: ${ratio.toFixed(3)} (goal ≤ 1.05: ${ratio <= 1.05 ? 'met' : 'NOT met'});` +
      ` ratio vs the measured raw baseline: ${(run.wallMs / base.wallMs).toFixed(3)}`,
  );
  console.log(
    `RESULT fanout ratio_vs_limit=${ratio.toFixed(3)} wall_ms=${run.wallMs} http_429=${run.stats.rateLimited}` +
      ` duplicates=${run.duplicates}`,
  );
} finally {
  await database.close();
}
