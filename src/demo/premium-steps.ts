// The demo's premium part: a free guild is refused a chart, buys premium through Checkout, and gets the chart.
import type { Service } from '../bin/service.js';
import type { DiscordStandin, StandinMessage } from '../fakes/discord-standin.server.js';
import { slashInteraction } from '../fakes/slash-interaction.js';
import type { StripeStandin, WebhookDelivery } from '../fakes/stripe-standin.server.js';
import { waitFor } from './demo-waits.js';

export interface DemoGuild {
  guildId: string;
  channelId: string;
  admin: { userId: string; username: string; permissions: string };
}

type SlashOptions = Parameters<typeof slashInteraction>[0]['options'];

/** Runs `/dota <path>` through the gateway and resolves with the reply the caller saw (edit or error follow-up). */
async function gatewayCommand(
  discord: DiscordStandin,
  guild: DemoGuild,
  path: [string] | [string, string],
  options: SlashOptions,
): Promise<StandinMessage> {
  const interaction = slashInteraction({
    applicationId: discord.applicationId,
    guildId: guild.guildId,
    channelId: guild.channelId,
    ...guild.admin,
    path,
    options,
  });
  const answered = (message: StandinMessage) =>
    message.interactionToken === interaction.token &&
    (message.via === 'webhook-edit' || message.via === 'webhook-followup');
  await discord.dispatchInteraction(interaction);
  await waitFor(discord, answered);
  return discord.messages.find(answered)!;
}

/**
 * /dota compare refused on the free tier → /dota premium → the customer pays at Checkout (the stand-in) → signed
 * webhooks applied → the success page → /dota compare answered with its chart. Returns the webhook deliveries.
 */
export async function premiumSteps(
  service: Service,
  discord: DiscordStandin,
  stripe: StripeStandin,
  guild: DemoGuild,
  players: [number, number],
  step: (text: string) => void,
): Promise<WebhookDelivery[]> {
  const compare: SlashOptions = [
    { name: 'player', type: 3, value: String(players[0]) },
    { name: 'other', type: 3, value: String(players[1]) },
  ];
  step(`The guild admin runs /dota compare ${players.join(' ')}: a free guild is told what premium adds`);
  const refused = await gatewayCommand(discord, guild, ['compare'], compare);
  if (!refused.content?.includes('needs premium'))
    throw new Error('a free guild was not refused /dota compare');

  step('The admin runs /dota premium: an ephemeral Stripe Checkout link bound to this guild');
  const offer = await gatewayCommand(discord, guild, ['premium'], []);
  const link = (offer.embeds as { url?: string }[])[0]?.url ?? '';
  const sessionId = /\/checkout\/(cs_test_\w+)/.exec(link)?.[1];
  if (!sessionId) throw new Error(`/dota premium gave no checkout link: ${JSON.stringify(offer.embeds)}`);

  step('The admin pays at Checkout (Stripe stand-in); its signed webhooks reach /stripe/webhook');
  const { deliveries } = await stripe.completeCheckout(sessionId);
  const refusedDeliveries = deliveries.filter((delivery) => delivery.status !== 200);
  if (refusedDeliveries.length > 0)
    throw new Error(`webhooks refused: ${JSON.stringify(refusedDeliveries.map((d) => [d.type, d.body]))}`);
  step(
    'Stripe delivers checkout.session.completed again (at-least-once): applied once, answered "duplicate"',
  );
  const again = await stripe.sendEvent(JSON.parse(deliveries[0]!.payload) as object);
  deliveries.push(again);
  const success = await fetch(
    `http://127.0.0.1:${service.http.port}/billing/success?session_id=${sessionId}`,
  );
  if (!success.ok) throw new Error(`the billing success page answered ${success.status}`);

  step('/dota compare again: premium now, so the comparison chart is drawn');
  const allowed = await gatewayCommand(discord, guild, ['compare'], compare);
  if (allowed.attachments.length === 0) throw new Error('premium /dota compare came without its chart');
  return deliveries;
}
