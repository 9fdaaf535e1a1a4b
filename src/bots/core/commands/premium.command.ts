// /dota premium [manage]: a Checkout link for this server or workspace, or its billing portal; admins only.
import { checkoutUrl, portalUrl } from '../../../billing/checkout.js';
import { premiumAdds } from '../../../billing/entitlements.js';
import { findPremiumAccount, hasLiveSubscription } from '../../../billing/premium-accounts.repo.js';
import { isoDay } from '../../../billing/subscription-sync.js';
import { AppError } from '../../../errors.js';
import { defineCommand } from '../command.js';
import { placeWord } from '../platform-words.js';
import type { Reply } from '../reply.js';
import { requireGuild } from '../subscription-targets.js';

const MANAGE = 'manage';

export const premiumCommand = defineCommand({
  path: ['premium'],
  description:
    'Premium for this server: a checkout link, or "manage" for card, invoices, cancel (Manage Server)',
  options: [
    {
      name: 'action',
      description: 'manage: change the card, see invoices or cancel',
      type: 'string',
      required: false,
      choices: [MANAGE],
    },
  ] as const,
  adminOnly: true,
  ephemeral: true,
  async run(ctx, args, invocation): Promise<Reply> {
    const guild = { platform: invocation.platform, guildId: requireGuild(invocation) };
    const place = placeWord(invocation.platform);
    const action = args.action?.trim().toLowerCase();
    if (action !== undefined && action !== MANAGE)
      throw new AppError('bad_input', `unknown premium action ${args.action}`, {
        userMessage: `\`${args.action}\` is not a premium action. Type \`/dota premium\` for a checkout link or \`/dota premium manage\` for billing.`,
      });
    if (!ctx.billing)
      return {
        title: 'Premium is not offered here',
        text: `This bot's operator has not set up payments, so every ${place} runs on the free tier.`,
        ephemeral: true,
      };
    const billing = ctx.billing;
    const account = await findPremiumAccount(ctx.db, guild);
    const notice = account?.notice ? [`⚠️ ${account.notice}`] : [];
    const customer = account?.stripe_customer_id;
    const until = account?.premium_until;
    const active = until !== null && until !== undefined && until.getTime() > billing.clock.now();
    // A subscription that has not ended (even one Stripe is still retrying) is managed, never bought twice.
    if (customer && (action === MANAGE || active || hasLiveSubscription(account))) {
      const url = await portalUrl(billing, customer);
      const state = active
        ? `This ${place} has premium until ${isoDay(until)}.`
        : `This ${place}'s subscription is ${account.status ?? 'not active'}: update the card to bring premium back.`;
      return {
        title: 'Manage premium',
        url,
        text: [
          state,
          ...notice,
          `[Open the billing portal](${url}) to change the card, see invoices or cancel.`,
        ].join('\n'),
        ephemeral: true,
      };
    }
    if (action === MANAGE)
      return {
        text: `This ${place} has never had premium, so there is no billing to manage. \`/dota premium\` starts it.`,
        ephemeral: true,
      };
    const url = await checkoutUrl(billing, guild, invocation.userId, customer);
    return {
      title: 'Get premium',
      url,
      text: [
        ...notice,
        `Premium adds, for the whole ${place}:`,
        ...premiumAdds(ctx.settings, place).map((line) => `• ${line}`),
        `[Subscribe with Stripe Checkout](${url}). It applies here as soon as the payment completes.`,
      ].join('\n'),
      ephemeral: true,
    };
  },
});
