// /dota hero on real Postgres: fuzzy hero search, and replies whose numbers come from the shipped Valve matches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext, Invocation } from '../../../src/bots/core/command-context.js';
import { heroCommand } from '../../../src/bots/core/commands/hero.command.js';
import { findHeroById, searchHeroes } from '../../../src/bots/core/hero-search.js';
import type { Reply } from '../../../src/bots/core/reply.js';
import { AppError } from '../../../src/errors.js';
import type { ValveReplay } from '../../../src/fakes/valve-replay.server.js';
import type { IngestContext } from '../../../src/ingest/ingest-context.js';
import { ingestSequencePage } from '../../../src/ingest/store-page.js';
import { createLogger } from '../../../src/log.js';
import type { ChartInput, ChartName } from '../../../src/render/chart-registry.js';
import { createRenderer, type Renderer } from '../../../src/render/renderer.js';
import { fakeClock } from '../../support/fake-clock.js';
import { PNG_SIGNATURE } from '../../support/discord-harness.js';
import { replayIngest } from '../../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.js';

/** The 2019 page: 100 matches played on 2019-08-05 (UTC). */
const PAGE_2019 = 4151934576;
/** Three shipped league drafts (3254426673, 1430857330, 789645621); none has Pudge. */
const OLD_LEAGUE_SEQS = [2843189211, 1283900397, 709365483];
/** 8591933650 (2025-12-05): Pudge is Radiant's 2nd pick and wins. Stored after the first reply. */
const PRO_2025_SEQ = 7215564751;
const PUDGE = 14;

const INVOCATION: Invocation = {
  platform: 'discord',
  userId: '1400000000000000001',
  guildId: '1400000000000000002',
  channelId: '1400000000000000003',
  canManageGuild: false,
};

interface RenderCall {
  chart: ChartName;
  input: unknown;
  cacheKey: string | undefined;
}

/** The real renderer, recording what each chart was asked to draw. */
function recordingRenderer(calls: RenderCall[]): Renderer {
  const real = createRenderer({ cache: false });
  return {
    render: <N extends ChartName>(chart: N, input: ChartInput<N>, options?: { cacheKey?: string }) => {
      calls.push({ chart, input, cacheKey: options?.cacheKey });
      return real.render(chart, input, options);
    },
    netWorthChart: (input, options) => real.netWorthChart(input, options),
    close: () => real.close(),
  };
}

function field(reply: Reply, name: string): string | undefined {
  return reply.fields?.find((candidate) => candidate.name === name)?.value;
}

let test: TestDatabase;
let valve: ValveReplay;
let ingest: IngestContext;
let ctx: CommandContext;
const renders: RenderCall[] = [];
let pudgeBefore2025: Reply;
let rendersBefore2025: RenderCall[];

const hero = (name: string): Promise<Reply> => heroCommand.run(ctx, { name }, INVOCATION);
const names = async (typed: string): Promise<string[]> =>
  (await searchHeroes(ctx, typed)).map((found) => found.localizedName);

beforeAll(async () => {
  test = await createTestDatabase();
  const replay = await replayIngest(test.db);
  valve = replay.valve;
  ingest = replay.ingest;
  ctx = {
    db: test.db,
    ingest,
    render: recordingRenderer(renders),
    enqueue: () => Promise.resolve(),
    log: createLogger('silent'),
    clock: fakeClock(),
    settings: { freeSubscriptionsPerGuild: 5, premiumSubscriptionsPerGuild: 100 },
  };
  await ingestSequencePage(ingest, PAGE_2019, 100);
  for (const seq of OLD_LEAGUE_SEQS) await ingestSequencePage(ingest, seq, 1);
  pudgeBefore2025 = await hero('pudge');
  rendersBefore2025 = renders.splice(0);
  await ingestSequencePage(ingest, PRO_2025_SEQ, 1);
});

afterAll(async () => {
  await valve?.close();
  await test?.drop();
});

describe('searchHeroes', () => {
  it('when "am" is typed, then Anti-Mage (its alias and initials) comes first', async () => {
    expect((await names('am'))[0]).toBe('Anti-Mage');
  });

  it('when the start of a name is typed in any case, then that hero comes first', async () => {
    expect((await names('anti'))[0]).toBe('Anti-Mage');
    expect((await names('ANTI-'))[0]).toBe('Anti-Mage');
    expect((await names('wind'))[0]).toBe('Windranger');
  });

  it('when initials or a community alias are typed, then the hero they name comes first', async () => {
    expect((await names('wr'))[0]).toBe('Windranger');
    expect((await names('qop'))[0]).toBe('Queen of Pain');
    expect((await names('kotl'))[0]).toBe('Keeper of the Light');
    expect((await names('nevermore'))[0]).toBe('Shadow Fiend');
  });

  it('when a name is typed with a typo, then the hero is still found', async () => {
    expect((await names('invokr'))[0]).toBe('Invoker');
    expect((await names('antimgae'))[0]).toBe('Anti-Mage');
  });

  it('when an id is typed (an autocomplete value), then that hero is the only result', async () => {
    expect(await names('1')).toEqual(['Anti-Mage']);
    expect(await names(String(PUDGE))).toEqual(['Pudge']);
  });

  it('when several heroes match equally, then they come alphabetically, the same every time', async () => {
    expect((await names('shadow')).slice(0, 3)).toEqual(['Shadow Demon', 'Shadow Fiend', 'Shadow Shaman']);
  });

  it('when nothing is typed, then the first 25 heroes alphabetically are offered', async () => {
    const offered = await names('');
    expect(offered).toHaveLength(25);
    expect(offered[0]).toBe('Abaddon');
    expect(offered).toEqual([...offered].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });

  it('when a single letter is typed, then heroes with a word starting with it come back, name prefixes first', async () => {
    const offered = await names('a');
    expect(offered.slice(0, 6)).toEqual([
      'Abaddon',
      'Alchemist',
      'Ancient Apparition',
      'Anti-Mage',
      'Arc Warden',
      'Axe',
    ]);
    expect(offered.slice(6)).toEqual(['Nyx Assassin', 'Phantom Assassin', 'Templar Assassin']);
  });

  it('when more than 25 heroes match, then only the best 25 come back', async () => {
    // "er" starts no name or word but sits inside 53 names and aliases: all one tier, so alphabetical.
    const offered = await names('er');
    expect(offered).toHaveLength(25);
    expect(offered.slice(0, 3)).toEqual(['Batrider', 'Beastmaster', 'Bloodseeker']);
  });

  it('when the text matches no hero, then the list is empty', async () => {
    expect(await names('zzqxj')).toEqual([]);
  });

  it('when a hero row is added after the heroes were cached, then a lookup of its id reloads and finds it, and the cache expires', async () => {
    expect(await findHeroById(ctx, 1)).toMatchObject({ localizedName: 'Anti-Mage' });
    await test.db('heroes').insert({ id: 990, name: 'npc_dota_hero_newcomer', localized_name: 'Newcomer' });
    try {
      expect(await findHeroById(ctx, 990)).toEqual({
        id: 990,
        name: 'npc_dota_hero_newcomer',
        localizedName: 'Newcomer',
      });
      expect((await names('newc'))[0]).toBe('Newcomer');
    } finally {
      await test.db('heroes').where({ id: 990 }).delete();
    }
    // Cached heroes live ten minutes: once the fake clock is past that, the deleted row is gone.
    expect(await names('newc')).toContain('Newcomer');
    await ctx.clock.sleep(11 * 60_000);
    expect(await names('newc')).not.toContain('Newcomer');
    expect(await findHeroById(ctx, 990)).toBeUndefined();
  });
});

describe('/dota hero', () => {
  it('when autocomplete asks for "anti", then Anti-Mage comes first with its id as the value', async () => {
    const choices = (await heroCommand.complete?.(ctx, 'name', 'anti')) ?? [];
    expect(choices[0]).toEqual({ name: 'Anti-Mage', value: '1' });
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  it('when Pudge is asked for by id, then the fields carry the totals counted from the stored matches', async () => {
    const reply = await hero(String(PUDGE));

    // Counted in test/store/hero-stats.test.ts: 39 games, 21 wins in 104 matches; K/D/A sums 301/342/639.
    const raw = await test.db.raw<{ rows: { games: number; wins: number; matches: number }[] }>(
      `SELECT count(*)::int AS games,
              count(*) FILTER (WHERE (mp.player_slot < 128) = m.radiant_win)::int AS wins,
              (SELECT count(*) FROM matches)::int AS matches
       FROM match_players mp JOIN matches m USING (match_id) WHERE mp.hero_id = ?`,
      [PUDGE],
    );
    expect(raw.rows[0]).toEqual({ games: 39, wins: 21, matches: 104 });
    expect(reply.title).toBe('Pudge');
    expect(field(reply, 'Games')).toBe('39');
    expect(field(reply, 'Win rate')).toBe('53.8% (21–18)');
    expect(field(reply, 'Pick rate')).toBe('37.5% of stored matches');
    expect(field(reply, 'Average K/D/A')).toBe('7.7 / 8.8 / 16.4');
    expect(field(reply, 'Drafts')).toBe('Picked 1 · banned 6 in 81 recorded drafts');
    expect(field(reply, 'Seen')).toBe('2019-08-05 → 2025-12-05');
  });

  it('when Pudge has games and drafts, then the trend is the main image and the draft chart follows, both PNGs', async () => {
    renders.splice(0);
    const reply = await hero('Pudge');

    expect(reply.image?.filename).toBe('hero-14-trend.png');
    expect(reply.image?.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(reply.moreImages?.map((image) => image.filename)).toEqual(['hero-14-drafts.png']);
    expect(reply.moreImages?.[0]?.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // 2019-08-05 to 2025-12-05 is more than five years of months: one bar per year, empty years as zeros.
    const trend = renders.find((call) => call.chart === 'hero-trend')?.input as ChartInput<'hero-trend'>;
    expect(trend.periods).toEqual([
      { label: '2019', games: 38, wins: 20 },
      ...['2020', '2021', '2022', '2023', '2024'].map((label) => ({ label, games: 0, wins: 0 })),
      { label: '2025', games: 1, wins: 1 },
    ]);
    const drafts = renders.find((call) => call.chart === 'picks-bans')?.input as ChartInput<'picks-bans'>;
    expect(drafts.subtitle).toBe('81 recorded drafts · picked 1 (won 1) · banned 6');
  });

  it('when a new Pudge match is stored, then the reply counts it and the charts get a new cache key', async () => {
    renders.splice(0);
    const after = await hero('pudge');

    expect(field(pudgeBefore2025, 'Games')).toBe('38');
    expect(field(after, 'Games')).toBe('39');
    // Before 2025 every Pudge game was on one day: one daily bar.
    const before = rendersBefore2025.find((call) => call.chart === 'hero-trend');
    expect((before?.input as ChartInput<'hero-trend'>).periods).toEqual([
      { label: '5 Aug 2019', games: 38, wins: 20 },
    ]);
    const keyBefore = before?.cacheKey;
    const keyAfter = renders.find((call) => call.chart === 'hero-trend')?.cacheKey;
    expect(keyBefore).toMatch(/^hero:14:/);
    expect(keyAfter).toMatch(/^hero:14:/);
    expect(keyAfter).not.toBe(keyBefore);
  });

  it('when free text with a typo is given instead of a picked id, then it resolves to the closest hero', async () => {
    const reply = await hero('invokr');
    expect(reply.title).toBe('Invoker');
  });

  it('when the hero has no stored games, then the reply says so and carries no chart', async () => {
    const largo = await test.db('match_players').where({ hero_id: 155 }).count<{ count: string }[]>('*');
    expect(Number(largo[0]?.count)).toBe(0);
    renders.splice(0);

    const reply = await hero('largo');

    expect(reply.title).toBe('Largo');
    expect(reply.text).toBe('No games with Largo are stored yet.');
    expect(reply.image).toBeUndefined();
    expect(reply.moreImages).toBeUndefined();
    expect(renders).toEqual([]);
  });

  it('when the text matches no hero, then the error names the input and suggests the closest heroes', async () => {
    const error = await hero('Pudgeeeeeeee').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('hero_not_found');
    expect((error as AppError).userMessage).toMatch(
      /^No hero matches `Pudgeeeeeeee`\. Did you mean \*\*Pudge\*\*/,
    );
  });

  it('when an id no hero has is given, then the error names the id', async () => {
    await expect(hero('9999')).rejects.toMatchObject({
      code: 'hero_not_found',
      userMessage: expect.stringContaining('`9999`') as unknown,
    });
  });
});
