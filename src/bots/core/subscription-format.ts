// One line per subscription, shared by /dota subscriptions and /dota status: what it follows, where, and if paused why.
import type { GuildSubscription } from '../../store/subscriptions.repo.js';
import { ago } from './relative-time.js';
import { describeTarget } from './subscription-targets.js';

/** Pause reasons are platform error texts; a line in a list needs only their gist. */
const MAX_REASON = 160;

export function cut(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** `• team **Team Liquid** (team 2163) → #alerts`, plus `⏸ paused 2 h ago: <reason>` when it is paused. */
export function subscriptionLine(subscription: GuildSubscription, now: number): string {
  const target = describeTarget({
    kind: subscription.target_kind,
    id: subscription.target_id,
    name: subscription.target_name,
  });
  const line = `• ${target} → <#${subscription.channel_id}>`;
  if (subscription.paused_at === null) return line;
  const reason = cut(subscription.pause_reason ?? 'no reason recorded', MAX_REASON);
  return `${line}\n  ⏸ paused ${ago(subscription.paused_at, now)}: ${reason}`;
}

/**
 * Lines joined under a length budget (Discord cuts longer embed text mid-line), ending with how many were left
 * out, so a long list stays readable instead of trailing off.
 */
export function joinWithin(lines: readonly string[], budget: number): string {
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const rest = lines.length - index;
    const suffix = `\n…and ${rest} more`;
    if (used + line.length + 1 > budget - (rest > 1 ? suffix.length : 0)) {
      kept.push(suffix.trim());
      break;
    }
    kept.push(line);
    used += line.length + 1;
  }
  return kept.join('\n');
}
