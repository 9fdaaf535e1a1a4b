// /dota status: how fresh our data is, whether ingest is healthy, and which of this server's alerts are failing.
import { entitlementsOf, type Entitlements } from '../../../billing/entitlements.js';
import { findPremiumAccount } from '../../../billing/premium-accounts.repo.js';
import {
  COUNT_CAP,
  ingestHealth,
  recentFailedDeliveries,
  type IngestHealth,
  type PeriodicRun,
} from '../../../store/guild-status.repo.js';
import { listGuildSubscriptions, type GuildSubscription } from '../../../store/subscriptions.repo.js';
import type { CommandContext, Invocation } from '../command-context.js';
import { defineCommand } from '../command.js';
import { placeWord } from '../platform-words.js';
import type { ReplyField } from '../reply.js';
import { ago } from '../relative-time.js';
import { cut, joinWithin, subscriptionLine } from '../subscription-format.js';
import { TEAM_FEED_NOTE } from '../subscription-targets.js';

/** Failed deliveries older than this no longer say anything about the channel's health. */
const FAILURE_WINDOW_MS = 7 * 24 * 3600 * 1000;
const MAX_FAILURES = 5;
/** Discord's limit for one embed field's value. */
const FIELD_BUDGET = 1_000;

function count(value: number): string {
  return value > COUNT_CAP ? `${COUNT_CAP.toLocaleString('en')}+` : value.toLocaleString('en');
}

function runLine(label: string, run: PeriodicRun | null, absent: string, now: number): string {
  if (!run) return `${label}: off (${absent})`;
  if (run.fail_count && run.fail_count > 0) {
    const when = run.failed_at ? `, last ${ago(run.failed_at, now)}` : '';
    return `⚠️ ${label}: failing (${run.fail_count}× in a row${when}): ${cut(run.fail_reason ?? 'no reason recorded', 160)}`;
  }
  return run.last_finished_at
    ? `✅ ${label}: last ran ${ago(run.last_finished_at, now)}`
    : `${label}: scheduled, not run yet`;
}

function ingestFields(health: IngestHealth, now: number): ReplyField[] {
  const scanner =
    runLine('Match-feed scanner', health.sequenceScan, 'INGEST_MODE=polling', now) +
    (health.cursorMovedAt ? ` · feed position moved ${ago(health.cursorMovedAt, now)}` : '');
  return [
    {
      name: 'Data',
      value: health.newestMatchStart
        ? `Newest stored match started ${ago(health.newestMatchStart, now)}.`
        : 'No matches stored yet.',
    },
    {
      name: 'Ingest',
      value: [
        // Agenda's rows are shared by every process: none at all means no ingest worker ever started.
        ...(health.playerPoll || health.sequenceScan
          ? [runLine('Player polling', health.playerPoll, 'INGEST_MODE=scanner', now), scanner]
          : ['⚠️ No ingest worker has scheduled polling or scanning: no new matches will arrive.']),
        `Jobs: ${count(health.jobsDue)} due, ${count(health.jobsRunning)} running · ` +
          `${count(health.openDeadLetters)} stopped after failing · ${count(health.deliveriesWaiting)} alerts waiting to send`,
      ].join('\n'),
    },
  ];
}

async function guildField(
  ctx: CommandContext,
  invocation: Invocation,
  subscriptions: GuildSubscription[],
  health: IngestHealth,
  { tier, subscriptionCap }: Entitlements,
): Promise<ReplyField> {
  const name = `This ${placeWord(invocation.platform)}'s alerts`;
  const tierName = tier === 'premium' ? 'Premium' : 'Free';
  // A failed payment or an ended premium: said here too, so whoever looks at the alerts learns why they changed.
  const account = invocation.guildId
    ? await findPremiumAccount(ctx.db, { platform: invocation.platform, guildId: invocation.guildId })
    : undefined;
  const notice = account?.notice ? [`⚠️ ${account.notice}`] : [];
  if (subscriptions.length === 0)
    return {
      name,
      value: [
        `No subscriptions (${tierName.toLowerCase()} tier: up to ${subscriptionCap}). \`/dota help\` shows how to add one.`,
        ...notice,
      ].join('\n'),
    };
  const now = ctx.clock.now();
  const channels = [...new Set(subscriptions.map((subscription) => subscription.channel_id))];
  const failures = await recentFailedDeliveries(
    ctx.db,
    invocation.platform,
    channels,
    new Date(now - FAILURE_WINDOW_MS),
    MAX_FAILURES,
  );
  const paused = subscriptions.filter((subscription) => subscription.paused_at !== null);
  const lines = [
    `${tierName} tier: ${subscriptions.length - paused.length} of ${subscriptionCap} active, ${paused.length} paused.`,
    ...notice,
    ...paused.map((subscription) => subscriptionLine(subscription, now)),
    ...failures.map(
      (failure) =>
        `• ❌ match ${failure.match_id} → <#${failure.channel_id}> failed ${ago(failure.created_at, now)} after ${failure.attempts} attempt(s): ${cut(failure.last_error ?? 'no error recorded', 120)}`,
    ),
  ];
  if (paused.length === 0 && failures.length === 0) lines.push('All delivering.');
  const followsTeams = subscriptions.some(
    (subscription) => subscription.target_kind === 'team' && subscription.paused_at === null,
  );
  if (followsTeams && !health.sequenceScan) lines.push(`⚠️ ${TEAM_FEED_NOTE}`);
  return { name, value: joinWithin(lines, FIELD_BUDGET) };
}

export const statusCommand = defineCommand({
  path: ['status'],
  description: "Data freshness, ingest health, and this server's alerts with any failing ones",
  options: [] as const,
  adminOnly: false,
  ephemeral: true,
  async run(ctx, _args, invocation) {
    const guildId = invocation.guildId;
    // Health, the guild's subscriptions and its tier together, then failures in its channels.
    const [health, subscriptions, entitlements] = await Promise.all([
      ingestHealth(ctx.db),
      guildId ? listGuildSubscriptions(ctx.db, { platform: invocation.platform, guildId }) : null,
      entitlementsOf(ctx, invocation),
    ]);
    const fields = ingestFields(health, ctx.clock.now());
    fields.push(
      subscriptions
        ? await guildField(ctx, invocation, subscriptions, health, entitlements)
        : { name: 'Alerts', value: 'Run /dota status in a server or workspace channel to see its alerts.' },
    );
    return { title: 'DataDrivenDota status', fields, ephemeral: true };
  },
});
