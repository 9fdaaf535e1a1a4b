// /dota subscriptions: this server's match alerts, with paused ones and why, and how much of the cap is used.
import { entitlementsOf } from '../../../billing/entitlements.js';
import { listGuildSubscriptions } from '../../../store/subscriptions.repo.js';
import { defineCommand } from '../command.js';
import { placeWord } from '../platform-words.js';
import { joinWithin, subscriptionLine } from '../subscription-format.js';
import { requireGuild } from '../subscription-targets.js';

/** Below Discord's 4,096-character embed description, leaving room for the summary line. */
const LIST_BUDGET = 3_800;

export const subscriptionsCommand = defineCommand({
  path: ['subscriptions'],
  description: "List this server's match alerts, paused ones with the reason (Manage Server)",
  options: [] as const,
  adminOnly: true,
  ephemeral: true,
  async run(ctx, _args, invocation) {
    const guildId = requireGuild(invocation);
    const [subscriptions, { tier, subscriptionCap: cap }] = await Promise.all([
      listGuildSubscriptions(ctx.db, { platform: invocation.platform, guildId }),
      entitlementsOf(ctx, invocation),
    ]);
    if (subscriptions.length === 0) {
      return {
        title: 'No subscriptions',
        text: `This ${placeWord(invocation.platform)} has no match alerts yet (${tier} tier: up to ${cap}). Add one with \`/dota subscribe player|team|league\`.`,
        ephemeral: true,
      };
    }
    const active = subscriptions.filter((subscription) => subscription.paused_at === null).length;
    const paused = subscriptions.length - active;
    const now = ctx.clock.now();
    const summary =
      `${active} of ${cap} ${tier} subscriptions active` +
      (paused > 0 ? `, ${paused} paused (a paused one resumes when subscribed again)` : '') +
      '.';
    return {
      title: `Match alerts in this ${placeWord(invocation.platform)}`,
      text: `${summary}\n${joinWithin(
        subscriptions.map((subscription) => subscriptionLine(subscription, now)),
        LIST_BUDGET,
      )}`,
      footer: 'Remove one with /dota unsubscribe player|team|league <target> [channel]',
      ephemeral: true,
    };
  },
});
