// Guild management commands against a real database and the Valve replay: link, subscribe caps, unsubscribe, lists, status, help.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import type { CommandContext, Invocation } from '../../../src/bots/core/command-context.js';
import { helpCommand } from '../../../src/bots/core/commands/help.command.js';
import { COMMANDS } from '../../../src/bots/core/commands/index.js';
import { linkCommand } from '../../../src/bots/core/commands/link.command.js';
import { statusCommand } from '../../../src/bots/core/commands/status.command.js';
import {
  subscribeLeagueCommand,
  subscribePlayerCommand,
  subscribeTeamCommand,
} from '../../../src/bots/core/commands/subscribe.command.js';
import { subscriptionsCommand } from '../../../src/bots/core/commands/subscriptions.command.js';
import { unlinkCommand } from '../../../src/bots/core/commands/unlink.command.js';
import { unsubscribeTeamCommand } from '../../../src/bots/core/commands/unsubscribe.command.js';
import { playerArg } from '../../../src/bots/core/player-arg.js';
import type { Reply } from '../../../src/bots/core/reply.js';
import { INTERACTIONS_PATH, interactionsRoute } from '../../../src/bots/discord/http-interactions.js';
import { isAppError } from '../../../src/errors.js';
import { createInteractionSigner } from '../../../src/fakes/interaction-signer.js';
import { slashInteraction } from '../../../src/fakes/slash-interaction.js';
import { startHttpServer, type HttpServer } from '../../../src/http/server.js';
import { leagueHistoryJob } from '../../../src/ingest/jobs/league-history.job.js';
import { playerHistoryJob } from '../../../src/ingest/jobs/player-history.job.js';
import { createLogger } from '../../../src/log.js';
import { interestingAmong } from '../../../src/store/interest.repo.js';
import { pauseSubscriptionsForChannel } from '../../../src/store/subscriptions.repo.js';
import { startDiscordHarness, type DiscordHarness } from '../../support/discord-harness.js';

/** steamcommunity.com/id/fredeernice/ in json_files/steam/odota2015_GetPlayerSummaries_8players.json. */
const VANITY = 'fredeernice';
const VANITY_ACCOUNT = Number(76561197972504844n - 76561197960265728n);
const PRO_PLAYER = 177062248;

let harness: DiscordHarness;
let ctx: CommandContext;
let guildCounter = 0;

beforeAll(async () => {
  harness = await startDiscordHarness();
  ctx = harness.deps.ctx;
});

afterAll(async () => {
  await harness?.close();
});

/** A fresh guild per test, so tests sharing the file's database never see each other's subscriptions. */
function guild(): {
  id: string;
  at(channelId: string, userId?: string): Invocation;
  channel(n: number): string;
} {
  guildCounter += 1;
  const guildId = `13000000000000${String(guildCounter).padStart(5, '0')}`;
  return {
    id: guildId,
    channel: (n) => `${guildId}${n}`,
    at: (channelId, userId = '1300000000000000009') => ({
      platform: 'discord',
      userId,
      guildId,
      channelId,
      canManageGuild: true,
    }),
  };
}

function withCap(cap: number, premiumCap = 100): CommandContext {
  return { ...ctx, settings: { freeSubscriptionsPerGuild: cap, premiumSubscriptionsPerGuild: premiumCap } };
}

/** Gives the guild premium until `until` (in the past: a premium that has ended). */
async function premiumUntil(guildId: string, until: Date): Promise<void> {
  await ctx.db('premium_accounts').insert({ platform: 'discord', guild_id: guildId, premium_until: until });
}

/** Everything a user reads in a reply, as one string. */
function shown(reply: Reply): string {
  return [
    reply.title,
    reply.text,
    ...(reply.fields ?? []).flatMap((field) => [field.name, field.value]),
    reply.footer,
  ]
    .filter(Boolean)
    .join('\n');
}

/** The AppError a command refused with: its code for logic, its userMessage for what the user reads. */
async function refusal(pending: Promise<unknown>): Promise<{ code: string; userMessage: string }> {
  try {
    await pending;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, userMessage: error.userMessage };
    throw error;
  }
  throw new Error('expected the command to refuse');
}

async function activeCount(guildId: string): Promise<number> {
  const rows = await ctx
    .db('subscriptions')
    .where({ guild_id: guildId })
    .whereNull('paused_at')
    .count<{ count: string }[]>({ count: '*' });
  return Number(rows[0]?.count ?? 0);
}

async function insertMatch(matchId: number, startTime: Date): Promise<void> {
  await ctx.db('matches').insert({
    match_id: matchId,
    match_seq_num: matchId + 1,
    start_time: startTime,
    duration: 2400,
    radiant_win: true,
    lobby_type: 7,
    game_mode: 22,
  });
}

describe('/dota subscribe and the tier caps', () => {
  it('when the guild is at its cap, then one more is refused naming the cap, what premium raises it to and /dota unsubscribe, while resubscribing an existing one still works', async () => {
    const g = guild();
    const capped = withCap(2);
    const first = await subscribeTeamCommand.run(capped, { team: '700001' }, g.at(g.channel(1)));
    await subscribeTeamCommand.run(capped, { team: '700002' }, g.at(g.channel(1)));

    const refused = subscribeTeamCommand.run(capped, { team: '700003' }, g.at(g.channel(1)));
    const capError = await refusal(refused);
    expect(capError.code).toBe('subscription_cap');
    expect(capError.userMessage).toBe(
      "This server already has 2 active subscriptions, the free tier's limit of 2. Premium raises it to 100: an admin runs `/dota premium`. Free a slot with `/dota unsubscribe` (`/dota subscriptions` lists them).",
    );
    const sameTargetElsewhere = subscribeTeamCommand.run(capped, { team: '700001' }, g.at(g.channel(2)));
    expect((await refusal(sameTargetElsewhere)).code).toBe('subscription_cap');

    const again = await subscribeTeamCommand.run(capped, { team: '700001' }, g.at(g.channel(1)));

    expect(first.title).toBe('Subscribed');
    expect(again.title).toBe('Already subscribed');
    expect(await activeCount(g.id)).toBe(2);
  });

  it('when a paused subscription is resubscribed at the cap, then it is refused, because resuming makes it count again', async () => {
    const g = guild();
    const capped = withCap(1);
    await subscribeTeamCommand.run(capped, { team: '700011' }, g.at(g.channel(1)));
    await pauseSubscriptionsForChannel(ctx.db, 'discord', g.channel(1), 'Discord 403 Missing Access');
    const replacement = await subscribeTeamCommand.run(capped, { team: '700012' }, g.at(g.channel(2)));

    const resume = await refusal(subscribeTeamCommand.run(capped, { team: '700011' }, g.at(g.channel(1))));

    expect(replacement.title).toBe('Subscribed');
    expect(resume.code).toBe('subscription_cap');
    expect(await activeCount(g.id)).toBe(1);
  });

  it('when the guild has premium, then it may hold the premium cap, and at that cap the refusal names the premium limit without pitching premium', async () => {
    const g = guild();
    await premiumUntil(g.id, new Date(Date.now() + 86_400_000));
    const capped = withCap(1, 2);
    await subscribeTeamCommand.run(capped, { team: '700061' }, g.at(g.channel(1)));
    const second = await subscribeTeamCommand.run(capped, { team: '700062' }, g.at(g.channel(1)));

    const refused = await refusal(subscribeTeamCommand.run(capped, { team: '700063' }, g.at(g.channel(1))));

    expect(second.title).toBe('Subscribed');
    expect(refused.code).toBe('subscription_cap');
    expect(refused.userMessage).toContain("the premium tier's limit of 2.");
    expect(refused.userMessage).not.toContain('Premium raises');
    expect(await activeCount(g.id)).toBe(2);
  });

  it('when premium ended yesterday, then the guild is back on the free cap', async () => {
    const g = guild();
    await premiumUntil(g.id, new Date(Date.now() - 86_400_000));
    const capped = withCap(1, 2);
    await subscribeTeamCommand.run(capped, { team: '700071' }, g.at(g.channel(1)));

    const refused = await refusal(subscribeTeamCommand.run(capped, { team: '700072' }, g.at(g.channel(1))));

    expect(refused.userMessage).toContain("the free tier's limit of 1. Premium raises it to 2");
  });

  it('when two admins subscribe at once with one slot left, then exactly one gets it', async () => {
    const g = guild();
    const capped = withCap(1);

    const results = await Promise.allSettled(
      ['700051', '700052', '700053'].map((team) =>
        subscribeTeamCommand.run(capped, { team }, g.at(g.channel(1))),
      ),
    );

    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(await activeCount(g.id)).toBe(1);
  });

  it('when a player is subscribed, then the player is tracked and their history is queued', async () => {
    const g = guild();
    const queuedBefore = harness.enqueued.length;

    const reply = await subscribePlayerCommand.run(ctx, { player: String(PRO_PLAYER) }, g.at(g.channel(1)));

    expect(shown(reply)).toContain(`player ${PRO_PLAYER}`);
    expect(shown(reply)).toContain(`<#${g.channel(1)}>`);
    const player = await ctx.db('players').where({ account_id: PRO_PLAYER }).first<{ tracked: boolean }>();
    expect(player?.tracked).toBe(true);
    expect(harness.enqueued.slice(queuedBefore)).toContainEqual({
      name: playerHistoryJob.name,
      data: { account_id: PRO_PLAYER },
    });
  });

  it('when an unknown team id and league id are subscribed, then both become stubs that ingest follows, and the league history is queued', async () => {
    const g = guild();
    const queuedBefore = harness.enqueued.length;

    const team = await subscribeTeamCommand.run(ctx, { team: '8888801' }, g.at(g.channel(1)));
    await subscribeLeagueCommand.run(ctx, { league: '65001' }, g.at(g.channel(1)));

    expect(shown(team)).toContain('team 8888801');
    expect(team.footer).toMatch(/INGEST_MODE must be scanner or both/);
    expect(await ctx.db('teams').where({ team_id: 8888801 }).first()).toMatchObject({ refreshed_at: null });
    expect(await ctx.db('leagues').where({ league_id: 65001 }).first()).toMatchObject({ refreshed_at: null });
    const followed = await interestingAmong(ctx.db, {
      accountIds: [],
      teamIds: [8888801],
      leagueIds: [65001],
    });
    expect([...followed.team, ...followed.league]).toEqual([8888801, 65001]);
    expect(harness.enqueued.slice(queuedBefore)).toEqual([
      { name: leagueHistoryJob.name, data: { league_id: 65001 } },
    ]);
  });

  it('when a team name matches several teams, then the reply lists each with its id and asks for the id, and nothing is stored', async () => {
    const g = guild();
    await ctx.db('teams').insert([
      { team_id: 8888811, name: 'Gridlock Esports', tag: 'GRD', refreshed_at: new Date() },
      { team_id: 8888812, name: 'Gridlock Academy', tag: 'GRDA', refreshed_at: new Date() },
    ]);

    const ambiguous = subscribeTeamCommand.run(ctx, { team: 'gridlock' }, g.at(g.channel(1)));

    const listed = await refusal(ambiguous);
    expect(listed.code).toBe('ambiguous_team');
    expect(listed.userMessage).toMatch(
      /Gridlock Academy \[GRDA\] — id 8888812.*Gridlock Esports \[GRD\] — id 8888811.*with the id/s,
    );
    expect(await activeCount(g.id)).toBe(0);

    const byTag = await subscribeTeamCommand.run(ctx, { team: 'grd' }, g.at(g.channel(1)));
    expect(shown(byTag)).toContain('**Gridlock Esports** (team 8888811)');
  });

  it('when a league is named by part of its name, then the one league containing it is subscribed by id', async () => {
    const g = guild();
    await ctx
      .db('leagues')
      .insert({ league_id: 65011, name: 'Quokka Cup Season 3', refreshed_at: new Date() });

    const reply = await subscribeLeagueCommand.run(ctx, { league: 'quokka cup' }, g.at(g.channel(1)));

    expect(shown(reply)).toContain('**Quokka Cup Season 3** (league 65011)');
    expect(await ctx.db('subscriptions').where({ guild_id: g.id }).pluck('target_id')).toEqual([65011]);
  });
});

describe('/dota unsubscribe and /dota subscriptions', () => {
  it('when a subscription is removed, then it is gone, and a second unsubscribe says there is nothing to remove', async () => {
    const g = guild();
    await subscribeTeamCommand.run(ctx, { team: '700021' }, g.at(g.channel(1)));

    const removed = await unsubscribeTeamCommand.run(ctx, { team: '700021' }, g.at(g.channel(1)));
    const nothing = await refusal(unsubscribeTeamCommand.run(ctx, { team: '700021' }, g.at(g.channel(1))));

    expect(removed.title).toBe('Unsubscribed');
    expect(await ctx.db('subscriptions').where({ guild_id: g.id })).toEqual([]);
    expect(nothing.code).toBe('subscription_not_found');
    expect(nothing.userMessage).toMatch(/Nothing to remove.*team 700021/);
  });

  it("when /dota subscriptions runs, then it lists each target's name and channel, and a paused one with its reason", async () => {
    const g = guild();
    await ctx.db('teams').insert({ team_id: 8888821, name: 'Wombat Five', refreshed_at: new Date() });
    await subscribeTeamCommand.run(ctx, { team: '8888821' }, g.at(g.channel(1)));
    await subscribeLeagueCommand.run(ctx, { league: '65021' }, g.at(g.channel(2)));
    await pauseSubscriptionsForChannel(ctx.db, 'discord', g.channel(2), 'Discord 404 Unknown Channel');

    const text = shown(await subscriptionsCommand.run(ctx, {}, g.at(g.channel(1))));

    expect(text).toContain(`1 of 5 free subscriptions active, 1 paused`);
    await premiumUntil(g.id, new Date(Date.now() + 86_400_000));
    const withPremium = shown(await subscriptionsCommand.run(ctx, {}, g.at(g.channel(1))));
    expect(withPremium).toContain(`1 of 100 premium subscriptions active, 1 paused`);
    expect(text).toContain(`**Wombat Five** (team 8888821) → <#${g.channel(1)}>`);
    expect(text).toMatch(
      new RegExp(`league 65021 → <#${g.channel(2)}>\\n  ⏸ paused just now: Discord 404 Unknown Channel`),
    );
  });
});

describe('/dota status', () => {
  it('when a channel is paused and a delivery failed, then status shows both for this guild only, with data freshness', async () => {
    const g = guild();
    const other = guild();
    const matchId = 9_100_000_001;
    await insertMatch(matchId, new Date(Date.now() - 20 * 60_000));
    await subscribeTeamCommand.run(ctx, { team: '700031' }, g.at(g.channel(1)));
    await subscribeTeamCommand.run(ctx, { team: '700032' }, g.at(g.channel(2)));
    await subscribeTeamCommand.run(ctx, { team: '700033' }, other.at(other.channel(1)));
    await pauseSubscriptionsForChannel(ctx.db, 'discord', g.channel(2), 'Discord 403 Missing Permissions');
    await ctx.db('deliveries').insert([
      {
        match_id: matchId,
        platform: 'discord',
        channel_id: g.channel(1),
        status: 'failed',
        attempts: 5,
        last_error: 'Discord 503 after retries',
      },
      {
        match_id: matchId,
        platform: 'discord',
        channel_id: other.channel(1),
        status: 'failed',
        attempts: 5,
        last_error: 'other guild failure',
      },
    ]);

    const text = shown(await statusCommand.run(ctx, {}, g.at(g.channel(1))));

    expect(text).toMatch(/Newest stored match started (19|20|21) min ago/);
    expect(text).toContain('Free tier: 1 of 5 active, 1 paused.');
    expect(text).toContain(
      `team 700032 → <#${g.channel(2)}>\n  ⏸ paused just now: Discord 403 Missing Permissions`,
    );
    expect(text).toContain(
      `❌ match ${matchId} → <#${g.channel(1)}> failed just now after 5 attempt(s): Discord 503 after retries`,
    );
    expect(text).not.toContain('other guild failure');
    expect(text).toContain('No ingest worker has scheduled polling or scanning');
  });

  it('when the guild has premium, then status names the premium tier and its cap', async () => {
    const g = guild();
    await premiumUntil(g.id, new Date(Date.now() + 86_400_000));
    await subscribeLeagueCommand.run(ctx, { league: '65051' }, g.at(g.channel(1)));

    const text = shown(await statusCommand.run(ctx, {}, g.at(g.channel(1))));

    expect(text).toContain('Premium tier: 1 of 100 active, 0 paused.');
  });

  it('when a premium payment failed, then status carries the grace-period notice beside the tier', async () => {
    const g = guild();
    await ctx.db('premium_accounts').insert({
      platform: 'discord',
      guild_id: g.id,
      premium_until: new Date(Date.now() + 86_400_000),
      notice:
        'A premium payment failed on 2026-12-01. Premium holds until 2026-12-08 while Stripe retries the card.',
    });

    const text = shown(await statusCommand.run(ctx, {}, g.at(g.channel(1))));

    expect(text).toContain('⚠️ A premium payment failed on 2026-12-01. Premium holds until 2026-12-08');
  });

  it('when nothing fails in the guild, then status says all its alerts are delivering', async () => {
    const g = guild();
    await subscribeLeagueCommand.run(ctx, { league: '65041' }, g.at(g.channel(1)));

    const text = shown(await statusCommand.run(ctx, {}, g.at(g.channel(1))));

    expect(text).toContain('Free tier: 1 of 5 active, 0 paused.\nAll delivering.');
  });

  it('when the player poll keeps failing and the scanner runs, then status says which, with the failure reason', async () => {
    const g = guild();
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    await ctx.db('agenda_jobs').insert([
      {
        name: 'ingest.poll-players',
        type: 'single',
        repeat_interval: '5 minutes',
        next_run_at: new Date(Date.now() + 60_000),
        last_finished_at: minutesAgo(3),
        failed_at: minutesAgo(3),
        fail_count: 2,
        fail_reason: 'Valve answered 503',
      },
      {
        name: 'ingest.sequence-scan',
        type: 'single',
        repeat_interval: '10 seconds',
        next_run_at: new Date(Date.now() + 10_000),
        last_finished_at: minutesAgo(2),
        fail_count: 0,
      },
    ]);
    await ctx.db('sequence_cursor').insert({ name: 'head', next_seq_num: 1, updated_at: minutesAgo(2) });
    try {
      const text = shown(await statusCommand.run(ctx, {}, g.at(g.channel(1))));

      expect(text).toContain('⚠️ Player polling: failing (2× in a row, last 3 min ago): Valve answered 503');
      expect(text).toContain('✅ Match-feed scanner: last ran 2 min ago · feed position moved 2 min ago');
      expect(text).toContain('No subscriptions (free tier: up to 5).');
    } finally {
      await ctx.db('agenda_jobs').delete();
      await ctx.db('sequence_cursor').delete();
    }
  });
});

describe('/dota link and /dota unlink', () => {
  it('when a user links by vanity name, then a player-less command resolves to that account, and the player is tracked and fetched', async () => {
    const g = guild();
    const me = g.at(g.channel(1), '1300000000000000101');
    const queuedBefore = harness.enqueued.length;

    const reply = await linkCommand.run(ctx, { player: VANITY }, me);

    expect(reply.ephemeral).toBe(true);
    expect(shown(reply)).toContain(`account ${VANITY_ACCOUNT}`);
    expect(await playerArg(ctx, undefined, me)).toBe(VANITY_ACCOUNT);
    expect(await playerArg(ctx, '  ', me)).toBe(VANITY_ACCOUNT);
    expect(await playerArg(ctx, String(PRO_PLAYER), me)).toBe(PRO_PLAYER);
    expect(harness.enqueued.slice(queuedBefore)).toEqual([
      { name: playerHistoryJob.name, data: { account_id: VANITY_ACCOUNT } },
    ]);
    const player = await ctx
      .db('players')
      .where({ account_id: VANITY_ACCOUNT })
      .first<{ tracked: boolean }>();
    expect(player?.tracked).toBe(true);
  });

  it('when a user re-links, then the reply names the replaced account; unlink forgets it and a second unlink says there is none', async () => {
    const g = guild();
    const me = g.at(g.channel(1), '1300000000000000102');
    await linkCommand.run(ctx, { player: String(PRO_PLAYER) }, me);

    const relinked = await linkCommand.run(ctx, { player: VANITY }, me);
    const unlinked = await unlinkCommand.run(ctx, {}, me);
    const twice = await unlinkCommand.run(ctx, {}, me);

    expect(shown(relinked)).toContain(`It replaces account ${PRO_PLAYER}.`);
    expect(shown(unlinked)).toContain(`no longer linked to account ${VANITY_ACCOUNT}`);
    expect(shown(twice)).toContain('You have no linked account');
    const unlinkedArg = await refusal(playerArg(ctx, undefined, me));
    expect(unlinkedArg.code).toBe('no_linked_account');
    expect(unlinkedArg.userMessage).toContain('/dota link');
  });
});

describe('/dota help', () => {
  it('when help runs, then every command in COMMANDS is listed once with its description, admin-only ones marked', async () => {
    const text = shown(await helpCommand.run(ctx, {}, guild().at('1')));
    const lines = text.split('\n');

    for (const command of COMMANDS) {
      const name = `/dota ${command.path.join(' ')}`;
      const matching = lines.filter((line) => new RegExp(`^(🔒 )?\`${name}[ \`]`).test(line));
      expect(matching, name).toHaveLength(1);
      expect(matching[0], name).toContain(command.description.replace(/ \(Manage Server\)$/, ''));
      expect(matching[0]?.startsWith('🔒'), name).toBe(command.adminOnly);
    }
  });
});

describe('admin subcommands through the Discord adapter', () => {
  let http: HttpServer;
  const signer = createInteractionSigner();

  beforeAll(async () => {
    const log = createLogger('silent');
    http = await startHttpServer(
      [interactionsRoute(harness.deps, signer.publicKeyHex, systemClock, log)],
      0,
      log,
    );
  });
  afterAll(async () => {
    await http?.close();
  });

  it('when a member without Manage Server runs /dota subscriptions or /dota unsubscribe, then an ephemeral refusal comes back and nothing changes', async () => {
    const g = guild();
    await subscribeTeamCommand.run(ctx, { team: '700041' }, g.at(g.channel(1)));
    const asMember = (path: string[], options: { name: string; type: number; value: string }[]) =>
      slashInteraction({
        applicationId: harness.standin.applicationId,
        guildId: g.id,
        channelId: g.channel(1),
        userId: '1300000000000000201',
        username: 'member',
        permissions: '0',
        path,
        options,
      });

    const answers = [];
    for (const interaction of [
      asMember(['subscriptions'], []),
      asMember(['unsubscribe', 'team'], [{ name: 'team', type: 3, value: '700041' }]),
    ]) {
      const body = JSON.stringify(interaction);
      const response = await fetch(`http://127.0.0.1:${http.port}${INTERACTIONS_PATH}`, {
        method: 'POST',
        headers: signer.headers(body),
        body,
      });
      answers.push({ status: response.status, json: (await response.json()) as Record<string, unknown> });
    }

    expect(answers).toEqual([
      {
        status: 200,
        json: {
          type: 4,
          data: expect.objectContaining({
            content: '/dota subscriptions needs the Manage Server permission.',
            flags: 64,
          }) as unknown,
        },
      },
      {
        status: 200,
        json: {
          type: 4,
          data: expect.objectContaining({
            content: '/dota unsubscribe team needs the Manage Server permission.',
            flags: 64,
          }) as unknown,
        },
      },
    ]);
    expect(await activeCount(g.id)).toBe(1);
  });
});
