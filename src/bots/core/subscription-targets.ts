// What a subscription follows, per kind: read from what the user typed, named for replies, and handed to ingest.
import { AppError } from '../../errors.js';
import { leagueHistoryJob } from '../../ingest/jobs/league-history.job.js';
import { playerHistoryJob } from '../../ingest/jobs/player-history.job.js';
import { resolvePlayer } from '../../ingest/resolve-player.js';
import { trackPlayer } from '../../store/players.repo.js';
import type { TargetKind } from '../../store/subscriptions.repo.js';
import {
  ensureStub,
  findLeaguesByName,
  findTeamsByName,
  targetName,
  type NamedCandidate,
} from '../../store/target-lookup.repo.js';
import type { CommandContext, Invocation } from './command-context.js';

export interface SubscriptionTarget {
  kind: TargetKind;
  id: number;
  /** Persona, team or league name when we have it; a stub is named once convergence fills it in. */
  name: string | null;
}

/** How each kind's option is explained, so subscribe and unsubscribe read the same. */
export const TARGET_OPTION_DESCRIPTIONS: Record<TargetKind, string> = {
  player: 'Account id, steamid64, Steam profile URL or vanity name',
  team: 'Team id, or a team name or tag seen in our matches',
  league: 'League id, or a league name',
};

export const CHANNEL_OPTION = {
  name: 'channel',
  description: 'Where the alerts go (default: this channel)',
  type: 'channel',
  required: false,
} as const;

/**
 * Team alerts rely on the sequence scanner: Valve has no per-team match history, so with INGEST_MODE=polling
 * only a tracked player's or a subscribed league's matches reach us.
 */
export const TEAM_FEED_NOTE =
  "Team matches come from the match-feed scanner: the bot's INGEST_MODE must be scanner or both.";

/** Shown when the user's list is cut short. */
const MAX_LISTED = 10;
/** leagues.league_id is a 32-bit integer column. */
const MAX_LEAGUE_ID = 2_147_483_647;

/** Subscriptions belong to a server; in a DM there is none to attach them to. */
export function requireGuild(invocation: Invocation): string {
  if (invocation.guildId) return invocation.guildId;
  throw new AppError('guild_only', `subscription command outside a guild by ${invocation.userId}`, {
    userMessage: 'Match alerts belong to a server: run this in a server channel.',
  });
}

/** `**Team Liquid** (team 2163)`, or `team 2163` while the name is unknown. */
export function describeTarget(target: SubscriptionTarget): string {
  return target.name ? `**${target.name}** (${target.kind} ${target.id})` : `${target.kind} ${target.id}`;
}

function idFrom(kind: 'team' | 'league', typed: string): number | null {
  if (!/^\d+$/.test(typed)) return null;
  const id = Number(typed);
  const max = kind === 'league' ? MAX_LEAGUE_ID : Number.MAX_SAFE_INTEGER;
  if (id <= 0 || id > max) {
    throw new AppError(`invalid_${kind}_id`, `${kind} id ${typed} out of range`, {
      userMessage: `${typed} is not a ${kind} id: ${kind} ids are whole numbers from 1 to ${max}.`,
    });
  }
  return id;
}

function pick(kind: 'team' | 'league', typed: string, candidates: NamedCandidate[]): NamedCandidate {
  const exact = candidates.filter((candidate) => candidate.exact);
  const shortlist = exact.length > 0 ? exact : candidates;
  const [only] = shortlist;
  if (only && shortlist.length === 1) return only;
  const shown = typed.slice(0, 64);
  if (!only) {
    throw new AppError(`${kind}_not_found`, `no ${kind} named "${typed}"`, {
      userMessage: `No ${kind} named "${shown}" in our data. Use the ${kind} id instead (the number in its Dotabuff, OpenDota or STRATZ ${kind} page URL).`,
    });
  }
  const lines = shortlist
    .slice(0, MAX_LISTED)
    .map(
      (candidate) =>
        `• ${candidate.name.slice(0, 60)}${candidate.tag ? ` [${candidate.tag}]` : ''} — id ${candidate.id}`,
    );
  const more = shortlist.length > MAX_LISTED ? '\n• … and more: type more of the name' : '';
  throw new AppError(`ambiguous_${kind}`, `${shortlist.length} ${kind}s match "${typed}"`, {
    userMessage: `Several ${kind}s match "${shown}":\n${lines.join('\n')}${more}\nRun the command again with the id of the one you mean.`,
  });
}

/**
 * Reads the target from what the user typed, without side effects (unsubscribe uses it too): a player as
 * `resolvePlayer` accepts it; a team or league by id, or by a name in our tables. Several names matching →
 * an error listing them with their ids.
 */
export async function resolveTarget(
  ctx: CommandContext,
  kind: TargetKind,
  typed: string,
): Promise<SubscriptionTarget> {
  const text = typed.trim();
  if (kind === 'player') {
    const id = await resolvePlayer(text, ctx.ingest.steam);
    return { kind, id, name: await targetName(ctx.db, kind, id) };
  }
  if (text === '') {
    throw new AppError(`empty_${kind}`, `empty ${kind} option`, {
      userMessage: `Name a ${kind}: its id, or its name.`,
    });
  }
  const id = idFrom(kind, text);
  if (id !== null) return { kind, id, name: await targetName(ctx.db, kind, id) };
  const find = kind === 'team' ? findTeamsByName : findLeaguesByName;
  const chosen = pick(kind, text, await find(ctx.db, text, MAX_LISTED + 1));
  return { kind, id: chosen.id, name: chosen.name };
}

/**
 * Makes ingest follow a newly subscribed target: a player is tracked and their history fetched now; a team or
 * league unknown to us becomes a stub the team-info and leagues jobs name; a league's recent matches are
 * fetched now rather than at the next poll. Idempotent, so a resubscribe may run it again.
 */
export async function followTarget(ctx: CommandContext, target: SubscriptionTarget): Promise<void> {
  switch (target.kind) {
    case 'player':
      await trackPlayer(ctx.db, target.id);
      await ctx.enqueue(playerHistoryJob, { account_id: target.id });
      return;
    case 'team':
      await ensureStub(ctx.db, 'team', target.id);
      return;
    case 'league':
      await ensureStub(ctx.db, 'league', target.id);
      await ctx.enqueue(leagueHistoryJob, { league_id: target.id });
      return;
  }
}
