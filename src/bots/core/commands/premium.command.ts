// /dota premium [manage]: a Checkout link for this server or workspace, or its billing portal; admins only.
import { checkoutUrl, portalUrl } from '../../../billing/checkout.js';
import { premiumAdds } from '../../../billing/entitlements.js';
import { findPremiumAccount } from '../../../billing/premium-accounts.repo.js';
import { AppError } from '../../../errors.js';
import { defineCommand } from '../command.js';
import { placeWord } from '../platform-words.js';
import type { Reply } from '../reply.js';
import { requireGuild } from '../subscription-targets.js';

const MANAGE = 'manage';
const day = (date: Date): string => date.toISOString().slice(0, 10);

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
    const adds = premiumAdds(ctx.settings, place).map((line) => `• ${line}`);
    if (!ctx.billing)
      return {
        title: 'Premium is not offered here',
        text: `This bot's operator has not set up payments, so every ${place} runs on the free tier.`,
        ephemeral: true,
      };
    const billing = ctx.billing;
    const account = await findPremiumAccount(ctx.db, guild);
    const notice = account?.notice ? [`⚠️ ${account.notice}`] : [];
    if (action === MANAGE) {
      const url = await portalUrl(billing, ctx.db, guild);
      return url
        ? {
            title: 'Manage premium',
            url,
            text: [
              `[Open the billing portal](${url}) to change the card, see invoices or cancel.`,
              ...notice,
            ].join('\n'),
            ephemeral: true,
          }
        : {
            text: `This ${place} has never had premium, so there is no billing to manage. \`/dota premium\` starts it.`,
            ephemeral: true,
          };
    }
    const until = account?.premium_until;
    if (until && until.getTime() > billing.clock.now())
      return {
        title: 'Premium is active',
        text: [
          `This ${place} has premium until ${day(until)} (renews automatically unless cancelled).`,
          ...notice,
          '`/dota premium manage` changes the card, shows invoices or cancels.',
        ].join('\n'),
        ephemeral: true,
      };
    const url = await checkoutUrl(billing, ctx.db, guild, invocation.userId);
    return {
      title: 'Get premium',
      url,
      text: [
        ...notice,
        `Premium adds, for the whole ${place}:`,
        ...adds,
        `[Subscribe with Stripe Checkout](${url}). It applies here as soon as the payment completes.`,
      ].join('\n'),
      ephemeral: true,
    };
  },
});
