// /dota player, recent, last and compare over real Postgres and the Valve replay: what the user sees, and what gets fetched.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../../src/clock.js';
import type { CommandContext, Invocation } from '../../../src/bots/core/command-context.js';
import { compareCommand } from '../../../src/bots/core/commands/compare.command.js';
import { lastCommand } from '../../../src/bots/core/commands/last.command.js';
import { playerCommand } from '../../../src/bots/core/commands/player.command.js';
import { recentCommand } from '../../../src/bots/core/commands/recent.command.js';
import type { Reply } from '../../../src/bots/core/reply.js';
import { toDiscordMessage } from '../../../src/bots/discord/discord-message.js';
import { INTERACTIONS_PATH, interactionsRoute } from '../../../src/bots/discord/http-interactions.js';
import { isAppError } from '../../../src/errors.js';
import { createInteractionSigner, type InteractionSigner } from '../../../src/fakes/interaction-signer.js';
import { slashInteraction } from '../../../src/fakes/slash-interaction.js';
import type { ValveReplay } from '../../../src/fakes/valve-replay.server.js';
import { startHttpServer, type HttpServer } from '../../../src/http/server.js';
import { ingestMatchById } from '../../../src/ingest/fetch-match.js';
import type { IngestContext } from '../../../src/ingest/ingest-context.js';
import { matchSeqJob } from '../../../src/ingest/jobs/match-seq.job.js';
import { playerHistoryJob } from '../../../src/ingest/jobs/player-history.job.js';
import { toSteamId64 } from '../../../src/ingest/steam/steam-ids.js';
import type { SteamMatch } from '../../../src/ingest/steam/steam.schemas.js';
import { createLogger } from '../../../src/log.js';
import { createRenderer } from '../../../src/render/renderer.js';
import { linkAccount } from '../../../src/store/account-links.repo.js';
import { storeMatches } from '../../../src/store/matches.repo.js';
import { recentMatches } from '../../../src/store/player-stats.repo.js';
import {
  markHistoryChecked,
  markPlayerPrivate,
  storeProfiles,
  type PlayerRow,
} from '../../../src/store/players.repo.js';
import {
  PNG_SIGNATURE,
  startDiscordHarness,
  waitForMessage,
  type DiscordHarness,
} from '../../support/discord-harness.js';
import { replayIngest } from '../../support/replay-ingest.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.js';

/** Underlord, Radiant (Vitality Warriors), won match 8591933650 9/3/15; one hour before the replay clock's "now". */
const PRO_PLAYER = 177062248;
const PRO_MATCH = 8591933650;
/** The only account in two shipped matches: 1443560328 (newer, won) and 1430857330 (older, lost). */
const TWO_GAMES = 76482434;
/** 2019 page, match 4949300197: Dire, Lina (25), 8/2/21; Dire won. Its only shipped match. */
const LINA_2019 = 174392777;
/** 2019 page, match 4949340618: Radiant, Timbersaw (98), 6/15/13; Dire won. Stored, then marked private. */
const PRIVATE_WITH_MATCH = 926048969;
/** In match 1781962623 and in the shipped summaries as "Cherno Billy"; the replay answers status 15 for it here. */
const CHERNO = 120269134;
/** Not a real account: only the derived matches below name it. */
const DERIVED = 4243;
const DERIVED_AVATAR = 'https://avatars.steamstatic.com/derived_dan_full.jpg';

/**
 * Twelve copies of shipped match 1443560328 for DERIVED, oldest first: [slot, hero id]. Slot 129 is the winning
 * Dire seat (7/0/10), slot 0 the losing Radiant one. 7 wins, 5 losses; newest ten, newest first: LWLWWLWLWW.
 * Heroes: Anti-Mage (1) 5 games 4 wins, Axe (2) 3/1, Bane (3) 2/1, Bloodseeker (4) 1/1, Crystal Maiden (5) 1/0.
 */
const DERIVED_GAMES: readonly (readonly [slot: number, heroId: number])[] = [
  [129, 1],
  [0, 2],
  [129, 1],
  [129, 3],
  [0, 1],
  [129, 2],
  [0, 2],
  [129, 1],
  [129, 4],
  [0, 5],
  [129, 1],
  [0, 3],
];
const derivedMatchId = (n: number) => 9_000_000_000 + n;

const USER = '1200000000000000009';
/** A guild with no premium_accounts row (free), and one whose premium runs for another month (see beforeAll). */
const FREE_GUILD = '1200000000000000000';
const PREMIUM_GUILD = '1200000000000000005';
const log = createLogger('silent');

function invocation(userId = USER, guildId = FREE_GUILD): Invocation {
  return {
    platform: 'discord',
    userId,
    guildId,
    channelId: '1',
    canManageGuild: false,
  };
}

const premium = () => invocation(USER, PREMIUM_GUILD);

function field(reply: Reply, name: string | RegExp): string | undefined {
  return reply.fields?.find((f) => (typeof name === 'string' ? f.name === name : name.test(f.name)))?.value;
}

/** The AppError a command threw; fails the test if it did not throw one. */
async function appError(run: Promise<unknown>) {
  const error: unknown = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('player commands over stored data', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let ingest: IngestContext;
  let enqueued: { name: string; data: unknown }[];
  let slot0: SteamMatch['players'][number];
  let slot129: SteamMatch['players'][number];

  function context(clock: Clock = ingest.clock): CommandContext {
    return {
      db: test.db,
      ingest: { ...ingest, clock },
      render: createRenderer(),
      enqueue: (job, data) => {
        enqueued.push({ name: job.name, data });
        return Promise.resolve();
      },
      log,
      clock,
      settings: { freeSubscriptionsPerGuild: 5, premiumSubscriptionsPerGuild: 100 },
    };
  }

  const valveCalls = (endpoint: string) =>
    valve.requests.filter((request) => request.path.includes(`/${endpoint}/`)).length;

  const playerRow = (accountId: number) =>
    test.db('players').where({ account_id: accountId }).first<PlayerRow | undefined>();

  beforeAll(async () => {
    test = await createTestDatabase();
    ({ ingest, valve } = await replayIngest(test.db));
    await ingestMatchById(ingest, PRO_MATCH);
    await ingestMatchById(ingest, 4949340618);
    await markPlayerPrivate(test.db, PRIVATE_WITH_MATCH);

    const [source] = await ingest.steam.getMatchHistoryBySequenceNum(1295176476, 1);
    if (source?.match_id !== 1443560328) throw new Error('replay did not serve match 1443560328');
    slot0 = source.players.find((p) => p.player_slot === 0)!;
    slot129 = source.players.find((p) => p.player_slot === 129)!;
    const derived = DERIVED_GAMES.map(([slot, heroId], index) => ({
      ...source,
      match_id: derivedMatchId(index + 1),
      match_seq_num: derivedMatchId(index + 1),
      start_time: source.start_time + (index + 1) * 3600,
      players: source.players.map((player) =>
        player.player_slot === slot
          ? { ...player, account_id: DERIVED, hero_id: heroId }
          : { ...player, account_id: 4294967295 },
      ),
    }));
    await test.db.transaction((trx) => storeMatches(trx, derived));
    await storeProfiles(
      test.db,
      [DERIVED],
      [{ account_id: DERIVED, persona: 'Derived Dan', avatar_url: DERIVED_AVATAR, profile_url: null }],
    );
    await markHistoryChecked(test.db, DERIVED);
    await linkAccount(test.db, { platform: 'discord', userId: USER }, DERIVED);
    await test.db('premium_accounts').insert({
      platform: 'discord',
      guild_id: PREMIUM_GUILD,
      status: 'active',
      premium_until: new Date(ingest.clock.now() + 30 * 86_400_000),
    });
  });
  afterAll(async () => {
    await valve.close();
    await test.drop();
  });
  beforeEach(() => {
    enqueued = [];
  });

  describe('/dota player', () => {
    it('when no player is named, then the linked account is shown from our database: record, form, heroes, links, avatar and both charts', async () => {
      const before = valve.requests.length;

      const reply = await playerCommand.run(context(), {}, invocation());

      expect(reply.title).toBe('Derived Dan');
      expect(reply.thumbnailUrl).toBe(DERIVED_AVATAR);
      expect(field(reply, 'Record (12 stored matches)')).toBe('7W – 5L · 58%');
      expect(field(reply, 'Last 10 (newest first)')).toBe('LWLWWLWLWW');
      expect(field(reply, 'Most played heroes')?.split('\n')).toEqual([
        '**Anti-Mage** · 5 games · 80% won',
        '**Axe** · 3 games · 33% won',
        '**Bane** · 2 games · 50% won',
        '**Bloodseeker** · 1 game · 100% won',
        '**Crystal Maiden** · 1 game · 0% won',
      ]);
      const kills = (7 * slot129.kills + 5 * slot0.kills) / 12;
      expect(field(reply, 'Averages')).toContain(`K/D/A ${kills.toFixed(1)}/`);
      expect(reply.text).toContain(`[OpenDota](https://www.opendota.com/players/${DERIVED})`);
      expect(reply.text).toContain(`[Dotabuff](https://www.dotabuff.com/players/${DERIVED})`);
      expect(reply.text).toContain(`[STRATZ](https://stratz.com/players/${DERIVED})`);
      expect(reply.text).not.toContain('Expose Public Match Data');
      expect(reply.image?.filename).toBe(`player-${DERIVED}-trend.png`);
      expect(reply.image?.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(reply.moreImages?.map((image) => image.filename)).toEqual([`player-${DERIVED}-heroes.png`]);
      expect(reply.moreImages?.[0]?.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(toDiscordMessage(reply).body.embeds[0]?.thumbnail).toEqual({ url: DERIVED_AVATAR });
      // Answered from our data: Valve was not asked and nothing was queued.
      expect(valve.requests.length).toBe(before);
      expect(enqueued).toEqual([]);
    });

    it('when no player is named and the caller has no link, then the error says how to name one or link', async () => {
      const error = await appError(playerCommand.run(context(), {}, invocation('1200000000000000077')));
      expect(error.code).toBe('no_linked_account');
      expect(error.userMessage).toContain('/dota link');
    });

    it('when the player typed is not readable, then the error names the input', async () => {
      const error = await appError(playerCommand.run(context(), { player: 'not a player!' }, invocation()));
      expect(error.userMessage).toContain('not a player!');
    });

    it('when the player was never fetched, then they are tracked, their newest match is fetched inline and the rest queued', async () => {
      expect(await playerRow(TWO_GAMES)).toBeUndefined();
      const sequenceCallsBefore = valveCalls('GetMatchHistoryBySequenceNum');

      const reply = await playerCommand.run(context(), { player: String(TWO_GAMES) }, invocation());

      expect(await playerRow(TWO_GAMES)).toMatchObject({ tracked: true, is_private: false });
      expect((await playerRow(TWO_GAMES))?.history_checked_at).toBeInstanceOf(Date);
      expect(valveCalls('GetMatchHistoryBySequenceNum') - sequenceCallsBefore).toBe(1);
      expect((await recentMatches(test.db, TWO_GAMES, 10)).map((row) => row.match_id)).toEqual([1443560328]);
      expect(enqueued).toEqual([{ name: playerHistoryJob.name, data: { account_id: TWO_GAMES } }]);
      expect(field(reply, 'Record (1 stored match)')).toBe('1W – 0L · 100%');
      expect(reply.text).toContain('being fetched');

      // The queued job then asks for exactly the match the inline fetch left out.
      const queued: { name: string; data: unknown }[] = [];
      await playerHistoryJob.run(
        {
          ...ingest,
          enqueue: (job, data) => {
            queued.push({ name: job.name, data });
            return Promise.resolve();
          },
        },
        { account_id: TWO_GAMES },
      );
      expect(queued).toEqual([
        {
          name: matchSeqJob.name,
          data: expect.objectContaining({ match_id: 1430857330, matches_requested: 1 }) as unknown,
        },
      ]);
    });

    it('when Valve says the profile is private, then it is recorded and the reply names "Expose Public Match Data"', async () => {
      valve.setPrivate(CHERNO);
      const sequenceCallsBefore = valveCalls('GetMatchHistoryBySequenceNum');

      const reply = await playerCommand.run(context(), { player: String(CHERNO) }, invocation());

      expect(await playerRow(CHERNO)).toMatchObject({ tracked: true, is_private: true });
      expect(reply.text).toContain('Settings → Options → Social → "Expose Public Match Data"');
      expect(reply.text).toContain('No matches of Cherno Billy stored yet.');
      // The profile call still ran: the persona and avatar come from GetPlayerSummaries.
      expect(reply.title).toBe('Cherno Billy');
      expect(reply.thumbnailUrl).toMatch(/_full\.jpg$/);
      expect(reply.image).toBeUndefined();
      expect(valveCalls('GetMatchHistoryBySequenceNum')).toBe(sequenceCallsBefore);
      expect(enqueued).toEqual([]);
    });

    it('when a private player has stored matches, then the reply shows them along with how to fix the setting', async () => {
      const before = valve.requests.length;

      const reply = await playerCommand.run(
        context(systemClock),
        { player: String(PRIVATE_WITH_MATCH) },
        invocation(),
      );

      expect(field(reply, 'Record (1 stored match)')).toBe('0W – 1L · 0%');
      expect(field(reply, 'Most played heroes')).toBe('**Timbersaw** · 1 game · 0% won');
      expect(reply.text).toContain('"Expose Public Match Data"');
      expect(reply.image?.filename).toBe(`player-${PRIVATE_WITH_MATCH}-trend.png`);
      // Checked moments ago: not asked again.
      expect(valve.requests.length).toBe(before);
    });

    it('when the player is only in a match fetched for someone else, then that match answers at once and their history is queued', async () => {
      const seat = await test
        .db('match_players')
        .where({ match_id: PRO_MATCH })
        .whereNot({ account_id: PRO_PLAYER })
        .whereNotNull('account_id')
        .orderBy('player_slot')
        .first<{ account_id: number; player_slot: number }>('account_id', 'player_slot');
      const before = valve.requests.length;

      const reply = await playerCommand.run(context(), { player: String(seat.account_id) }, invocation());

      // Radiant (slots below 128) won that match.
      expect(field(reply, 'Record (1 stored match)')).toBe(
        seat.player_slot < 128 ? '1W – 0L · 100%' : '0W – 1L · 0%',
      );
      expect(reply.text).toContain('being fetched');
      expect(valve.requests.length).toBe(before);
      expect(enqueued).toEqual([{ name: playerHistoryJob.name, data: { account_id: seat.account_id } }]);
    });

    it('when rechecking a private profile fails at Valve, then the stored data and the private note still answer', async () => {
      valve.failNext('/IDOTA2Match_570/GetMatchHistory/v1/', {
        status: 403,
        body: '<html><body>Forbidden</body></html>',
        headers: { 'content-type': 'text/html' },
      });
      const tenMinutesLater: Clock = { ...systemClock, now: () => Date.now() + 10 * 60_000 };
      const historyCallsBefore = valveCalls('GetMatchHistory');

      const reply = await playerCommand.run(
        context(tenMinutesLater),
        { player: String(PRIVATE_WITH_MATCH) },
        invocation(),
      );

      expect(valveCalls('GetMatchHistory') - historyCallsBefore).toBe(1);
      expect(field(reply, 'Record (1 stored match)')).toBe('0W – 1L · 0%');
      expect(reply.text).toContain('"Expose Public Match Data"');
    });

    it('when a private profile was last checked over five minutes ago and is public now, then it is checked again and no longer private', async () => {
      await markPlayerPrivate(test.db, PRO_PLAYER);
      const tenMinutesLater: Clock = { ...systemClock, now: () => Date.now() + 10 * 60_000 };
      const historyCallsBefore = valveCalls('GetMatchHistory');

      const reply = await playerCommand.run(
        context(tenMinutesLater),
        { player: String(PRO_PLAYER) },
        invocation(),
      );

      expect(valveCalls('GetMatchHistory') - historyCallsBefore).toBe(1);
      expect(await playerRow(PRO_PLAYER)).toMatchObject({ is_private: false });
      expect(reply.text).not.toContain('Expose Public Match Data');
      expect(field(reply, 'Record (1 stored match)')).toBe('1W – 0L · 100%');
    });
  });

  describe('/dota recent', () => {
    it('when five matches are asked for, then five lines come newest first with result, hero, K/D/A, duration, date and link', async () => {
      const reply = await recentCommand.run(context(), { count: 5 }, invocation());

      const lines = reply.text?.split('\n').slice(0, 5) ?? [];
      const newestFirst = [12, 11, 10, 9, 8];
      expect(lines).toEqual(
        newestFirst.map((n) => {
          const [slot, heroId] = DERIVED_GAMES[n - 1]!;
          const seat = slot === 129 ? slot129 : slot0;
          const hero = ['Anti-Mage', 'Axe', 'Bane', 'Bloodseeker', 'Crystal Maiden'][heroId - 1];
          const id = derivedMatchId(n);
          // 1443560328 lasted 1855 s; started 2015-05-03, so far past the "relative" window.
          const day = new Date((1430638606 + n * 3600) * 1000).toISOString().slice(0, 10);
          return `**${slot === 129 ? 'W' : 'L'}** · ${hero} · ${seat.kills}/${seat.deaths}/${seat.assists} · 30:55 · ${day} · [${id}](https://www.opendota.com/matches/${id})`;
        }),
      );
      expect(reply.title).toBe('Derived Dan — last 5 matches');
      expect(reply.image?.filename).toBe(`player-${DERIVED}-recent.png`);
      expect(reply.image?.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    });

    it('when the match was an hour ago, then its line says so', async () => {
      const reply = await recentCommand.run(context(), { player: String(PRO_PLAYER) }, invocation());
      expect(reply.text?.split('\n')[0]).toBe(
        `**W** · Underlord · 9/3/15 · 27:04 · 1h ago · [${PRO_MATCH}](https://www.opendota.com/matches/${PRO_MATCH})`,
      );
      expect(reply.footer).toBe('1 of 10 asked for: that is every match of Player 177062248 we have stored.');
    });

    it.each([0, 31, -3])(
      'when a free server asks for count %i, then the error names count, its range and the premium range',
      async (count) => {
        const before = valve.requests.length;
        const error = await appError(recentCommand.run(context(), { count }, invocation()));
        expect(error.code).toBe('invalid_count');
        expect(error.userMessage).toContain(
          `count must be a whole number from 1 to 20 (up to 30 with premium)`,
        );
        expect(error.userMessage).toContain(String(count));
        expect(valve.requests.length).toBe(before);
      },
    );

    it('when a free server asks for 21 matches, then it gets the premium pitch, not a silent clamp, before any lookup', async () => {
      const before = valve.requests.length;
      const error = await appError(recentCommand.run(context(), { count: 21 }, invocation()));
      expect(error.code).toBe('premium_required');
      expect(error.userMessage).toContain('`/dota recent` with count 21 needs premium');
      expect(error.userMessage).toContain('`/dota recent` count up to 30 (free: 20)');
      expect(error.userMessage).toContain('an admin runs `/dota premium`');
      expect(valve.requests.length).toBe(before);
    });

    it('when a premium server asks for 25 matches, then it gets every stored one of the 25, and 31 is out of its range', async () => {
      const reply = await recentCommand.run(context(), { count: 25 }, premium());
      const tooMany = await appError(recentCommand.run(context(), { count: 31 }, premium()));

      expect(reply.title).toBe('Derived Dan — last 12 matches');
      expect(reply.footer).toBe('12 of 25 asked for: that is every match of Derived Dan we have stored.');
      expect(tooMany.code).toBe('invalid_count');
      expect(tooMany.userMessage).toBe('count must be a whole number from 1 to 30; 31 is out of range.');
    });
  });

  describe('/dota last', () => {
    it("when the player has stored matches, then the newest one's recap comes with a headline for that player", async () => {
      const reply = await lastCommand.run(context(), { player: String(PRO_PLAYER) }, invocation());
      expect(reply.title).toBe(`Vitality Warriors victory — match ${PRO_MATCH}`);
      expect(reply.text?.split('\n')[0]).toBe('**Player 177062248** played **Underlord** · **Won** · 9/3/15');
      expect(reply.image?.filename).toBe(`match-${PRO_MATCH}-scoreboard.png`);
    });

    it('when no player is named, then the linked account’s newest match is recapped', async () => {
      const reply = await lastCommand.run(context(), {}, invocation());
      expect(reply.title).toContain(`match ${derivedMatchId(12)}`);
      expect(reply.text?.split('\n')[0]).toBe(
        `**Derived Dan** played **Bane** · **Lost** · ${slot0.kills}/${slot0.deaths}/${slot0.assists}`,
      );
    });

    it('when the player is unknown, then their one match is fetched and recapped, with nothing left to queue', async () => {
      const reply = await lastCommand.run(context(), { player: String(LINA_2019) }, invocation());
      expect(reply.title).toContain('match 4949300197');
      expect(reply.text?.split('\n')[0]).toBe(`**Player ${LINA_2019}** played **Lina** · **Won** · 8/2/21`);
      expect(await playerRow(LINA_2019)).toMatchObject({ tracked: true });
      expect(enqueued).toEqual([]);
    });

    it('when a private player has nothing stored, then the error says how to expose the match data', async () => {
      const error = await appError(lastCommand.run(context(), { player: String(CHERNO) }, invocation()));
      expect(error.code).toBe('no_stored_match');
      expect(error.userMessage).toContain('Cherno Billy');
      expect(error.userMessage).toContain('"Expose Public Match Data"');
    });
  });

  describe('/dota compare', () => {
    it('when a free server asks for a comparison, then it gets the premium pitch and nothing is looked up', async () => {
      const before = valve.requests.length;
      const error = await appError(
        compareCommand.run(
          context(),
          { player: String(DERIVED), other: String(LINA_2019 + 1) },
          invocation(),
        ),
      );

      expect(error.code).toBe('premium_required');
      expect(error.userMessage.split('\n')).toEqual([
        '**A premium feature**',
        '`/dota compare` needs premium. Premium adds, for the whole server:',
        '• Up to 100 active match alerts per server (free: 5)',
        '• `/dota compare`: two players side by side with a chart (free: not available)',
        '• `/dota recent` count up to 30 (free: 20)',
        '• `/dota player` trend chart over the last 30 matches (free: 20)',
        'To get it, an admin runs `/dota premium`.',
      ]);
      expect(valve.requests.length).toBe(before);
      expect(await playerRow(LINA_2019 + 1)).toBeUndefined();
    });

    it('when a premium server names two players, then their stored records are side by side and the chart is attached', async () => {
      const reply = await compareCommand.run(
        context(),
        { player: String(DERIVED), other: String(PRO_PLAYER) },
        premium(),
      );

      expect(reply.title).toBe('Derived Dan vs Player 177062248');
      const avg = (pick: (p: typeof slot0) => number) =>
        ((7 * pick(slot129) + 5 * pick(slot0)) / 12).toFixed(1);
      expect(reply.fields).toEqual([
        {
          name: 'Derived Dan',
          value: expect.stringContaining(
            `7W – 5L · 58% · 12 matches\nK/D/A ${avg((p) => p.kills)}/${avg((p) => p.deaths)}/${avg((p) => p.assists)}`,
          ) as unknown,
          inline: true,
        },
        {
          name: 'Player 177062248',
          value: expect.stringContaining('1W – 0L · 100% · 1 match\nK/D/A 9.0/3.0/15.0') as unknown,
          inline: true,
        },
      ]);
      expect(reply.image?.filename).toBe(`compare-${DERIVED}-${PRO_PLAYER}.png`);
      expect(reply.image?.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    });

    it('when both inputs are the same account, then the error names both inputs', async () => {
      const error = await appError(
        compareCommand.run(context(), { player: String(DERIVED), other: toSteamId64(DERIVED) }, premium()),
      );
      expect(error.code).toBe('same_player');
      expect(error.userMessage).toContain(`"${DERIVED}"`);
      expect(error.userMessage).toContain(`"${toSteamId64(DERIVED)}"`);
      expect(error.userMessage).toContain('same account');
    });

    it('when the second input is not readable, then the error names it', async () => {
      const error = await appError(
        compareCommand.run(context(), { player: String(DERIVED), other: 'who?' }, premium()),
      );
      expect(error.userMessage).toContain('who?');
    });
  });
});

describe('/dota player through the Discord HTTP interactions route', () => {
  let harness: DiscordHarness;
  let http: HttpServer;
  let signer: InteractionSigner;

  beforeAll(async () => {
    harness = await startDiscordHarness();
    signer = createInteractionSigner();
    const route = interactionsRoute(harness.deps, signer.publicKeyHex, systemClock, log);
    http = await startHttpServer([route], 0, log);
  });
  afterAll(async () => {
    await http?.close();
    await harness?.close();
  });

  /** Plays Discord's part: register, POST signed, hand the HTTP answer to the stand-in as the acknowledgement. */
  async function deliver(
    player: string,
    path: string[] = ['player'],
    options: { name: string; type: number; value: string }[] = [{ name: 'player', type: 3, value: player }],
  ) {
    const interaction = slashInteraction({
      applicationId: harness.standin.applicationId,
      guildId: '1200000000000000001',
      channelId: '1200000000000000002',
      userId: USER,
      username: 'member',
      permissions: '0',
      path,
      options,
    });
    harness.standin.registerInteraction(interaction);
    const body = JSON.stringify(interaction);
    // Valve waits until the deferral is recorded, so the edit cannot arrive before it.
    const release = harness.holdSteam();
    try {
      const response = await fetch(`http://127.0.0.1:${http.port}${INTERACTIONS_PATH}`, {
        method: 'POST',
        headers: signer.headers(body),
        body,
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (response.status === 200) harness.standin.recordInteractionResponse(interaction.id, json);
      return { interaction, status: response.status, json };
    } finally {
      release();
    }
  }

  it('when an unknown player is asked for, then the deferred reply is edited into the profile with its chart attachments', async () => {
    const { interaction, status, json } = await deliver(String(PRO_PLAYER));

    expect({ status, json }).toEqual({ status: 200, json: { type: 5, data: {} } });
    const edit = await waitForMessage(
      harness.standin,
      (message) => message.interactionToken === interaction.token && message.via === 'webhook-edit',
    );
    const embeds = edit.embeds as { title?: string; image?: { url?: string }; fields?: { name: string }[] }[];
    expect(embeds[0]?.title).toBe(`Player ${PRO_PLAYER}`);
    expect(embeds[0]?.fields?.map((f) => f.name)).toContain('Record (1 stored match)');
    expect(edit.attachments.map((chart) => chart.filename)).toEqual([
      `player-${PRO_PLAYER}-trend.png`,
      `player-${PRO_PLAYER}-heroes.png`,
    ]);
    for (const [index, chart] of edit.attachments.entries()) {
      expect(chart.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(embeds[index]?.image?.url).toBe(`attachment://${chart.filename}`);
    }
  });

  it('when Valve fails while fetching an unknown player, then an ephemeral follow-up names the player instead of a failed interaction', async () => {
    harness.valve.failNext('/IDOTA2Match_570/GetMatchHistory/v1/', {
      status: 503,
      body: '<html><body>Service Unavailable</body></html>',
      headers: { 'content-type': 'text/html' },
    });

    const { interaction } = await deliver(String(TWO_GAMES));

    const followUp = await waitForMessage(
      harness.standin,
      (message) => message.interactionToken === interaction.token,
    );
    expect(followUp.via).toBe('webhook-followup');
    expect(followUp.flags).toBe(64);
    expect(followUp.content).toContain(`player ${TWO_GAMES}`);
    expect(followUp.content).toContain('ask again in a minute');
    // Queued anyway, so their history arrives once Valve answers.
    expect(harness.enqueued).toContainEqual({ name: playerHistoryJob.name, data: { account_id: TWO_GAMES } });
  });

  it('when a free server runs /dota compare, then the public placeholder is replaced by the pitch only the caller sees', async () => {
    const { interaction, json } = await deliver(
      String(PRO_PLAYER),
      ['compare'],
      [
        { name: 'player', type: 3, value: String(PRO_PLAYER) },
        { name: 'other', type: 3, value: String(TWO_GAMES) },
      ],
    );

    const followUp = await waitForMessage(
      harness.standin,
      (message) => message.interactionToken === interaction.token,
    );
    expect(json).toEqual({ type: 5, data: {} });
    expect(followUp.via).toBe('webhook-followup');
    expect(followUp.flags).toBe(64);
    expect(followUp.content).toContain('`/dota compare` needs premium');
    expect(followUp.content).toContain('an admin runs `/dota premium`');
  });
});
