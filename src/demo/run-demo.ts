// The offline demo: shipped Valve data → real jobs → Postgres → Discord and Slack alerts → a guild buying premium.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { shiftedClock } from '../clock.js';
import { configSchema } from '../config.js';
import { startService, type Service } from '../bin/service.js';
import { startDiscordStandin, type DiscordStandin } from '../fakes/discord-standin.server.js';
import { createInteractionSigner } from '../fakes/interaction-signer.js';
import { installThroughBrowser } from '../fakes/slack-install-browser.js';
import { signSlackRequest, slashCommandBody } from '../fakes/slack-request-signer.js';
import { startSlackStandin, type SlackStandin } from '../fakes/slack-standin.server.js';
import { startStripeStandin, type StripeStandin } from '../fakes/stripe-standin.server.js';
import { slashInteraction } from '../fakes/slash-interaction.js';
import { startValveReplay } from '../fakes/valve-replay.server.js';
import { listen } from '../http/listen.js';
import { playerHistoryJob } from '../ingest/jobs/player-history.job.js';
import { createLogger } from '../log.js';
import { startEmbeddedPostgres } from '../store/embedded-postgres.js';
import { createDb } from '../store/db.js';
import { findMatch } from '../store/matches.repo.js';
import { toMatchJson } from '../store/match-json.js';
import { waitFor, waitForSlack } from './demo-waits.js';
import { premiumSteps } from './premium-steps.js';
import { writeTranscript } from './transcript.js';

/** A pro player from the shipped 2025 league match 8591933650 (Vitality Warriors vs Moonwalkers). */
const DEMO_PLAYER = 177062248;
const DEMO_PLAYER_MATCH = 8591933650;
/** That match started at this time; the demo's ingest clock runs from just after it ended. */
const DEMO_MATCH_START = 1764977774_000;
/** The shortest shipped match (a 2019 Turbo game), asked for over HTTP interactions and fetched on demand. */
const DEMO_LOOKUP_MATCH = 4949375791;
const GUILD = '1100000000000000001';
const ALERT_CHANNEL = '1100000000000000002';
const ADMIN = { userId: '1100000000000000003', username: 'guild-admin', permissions: String(0x20) };
const PLAYER = { userId: '1100000000000000004', username: 'curious-player', permissions: '0' };
const DEMO_DATABASE = 'ddd_demo';
/** The league of match 8591933650; a Slack team channel follows it. */
const DEMO_LEAGUE = 16110;
const SLACK_TEAM = 'T0DEMO0001';
const SLACK_CHANNEL = 'C0LEAGUE01';
const SLACK_ADMIN = 'U0ADMIN001';
/** Another player of match 8591933650: /dota compare pairs them with DEMO_PLAYER. */
const DEMO_RIVAL = 95501968;

function step(text: string): void {
  console.log(`• ${text}`);
}

/** A port the OS just gave out and took back: the service listens on it a moment later. */
async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server, 0, '127.0.0.1');
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh database for every run, so the alert is new each time. */
async function freshDemoDatabase(adminUrl: string): Promise<string> {
  const admin = createDb(adminUrl, { poolMax: 1 });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${DEMO_DATABASE} WITH (FORCE)`);
    await admin.raw(`CREATE DATABASE ${DEMO_DATABASE}`);
  } finally {
    await admin.destroy();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${DEMO_DATABASE}`;
  return url.toString();
}

/** Installs the Slack app through OAuth and subscribes a channel to the league, as a workspace admin would. */
async function slackSteps(service: Service, slack: SlackStandin) {
  const base = `http://127.0.0.1:${service.http.port}`;
  slack.setRedirectUrl(`${base}/slack/oauth_redirect`);
  step(
    'A Slack workspace admin installs the app (OAuth via /slack/install; the bot token is stored encrypted)',
  );
  const installed = await installThroughBrowser(base, slack, SLACK_TEAM, SLACK_ADMIN);
  if (installed.status !== 200) throw new Error(`the Slack install answered ${installed.status}`);

  step(
    `The admin types /dota subscribe league ${DEMO_LEAGUE} in #league-recaps (Slack-signed, Bolt HTTPReceiver)`,
  );
  const body = slashCommandBody({
    teamId: SLACK_TEAM,
    channelId: SLACK_CHANNEL,
    channelName: 'league-recaps',
    userId: SLACK_ADMIN,
    text: `subscribe league ${DEMO_LEAGUE}`,
    responseUrl: slack.responseUrl({ teamId: SLACK_TEAM, channelId: SLACK_CHANNEL, userId: SLACK_ADMIN }),
    apiAppId: slack.appId,
  });
  const answer = await fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: { ...signSlackRequest(slack.signingSecret, body) },
    body,
  });
  if (!answer.ok) throw new Error(`/slack/events answered ${answer.status}`);
  await waitForSlack(slack, (post) => post.via === 'response_url' && post.userId === SLACK_ADMIN);
}

async function runSteps(
  service: Service,
  discord: DiscordStandin,
  slack: SlackStandin,
  stripe: StripeStandin,
  signer: ReturnType<typeof createInteractionSigner>,
) {
  const { scheduler } = service.runtime;
  const channelPosts = () => discord.messages.filter((message) => message.via === 'channel');
  await slackSteps(service, slack);

  step(
    `Guild admin runs /dota subscribe player ${DEMO_PLAYER} in #dota-alerts (gateway, real discord.js Client)`,
  );
  const subscribe = slashInteraction({
    applicationId: discord.applicationId,
    guildId: GUILD,
    channelId: ALERT_CHANNEL,
    ...ADMIN,
    path: ['subscribe', 'player'],
    options: [{ name: 'player', type: 3, value: String(DEMO_PLAYER) }],
  });
  await discord.dispatchInteraction(subscribe);
  await waitFor(
    discord,
    (message) => message.interactionToken === subscribe.token && message.via === 'webhook-edit',
  );

  step(
    'Agenda jobs run: player history → missing match by sequence number → stored → Discord alert and Slack league recap',
  );
  await scheduler.whenIdle(60_000);
  const alerts = channelPosts();
  if (alerts.length !== 1) throw new Error(`expected one alert in the channel, saw ${alerts.length}`);
  const recaps = slack.posts.filter((post) => post.channelId === SLACK_CHANNEL && post.files.length > 0);
  if (recaps.length !== 1)
    throw new Error(`expected one Slack league recap with charts, saw ${recaps.length}`);

  step('Ingesting the same history again (idempotency): no second alert');
  await scheduler.enqueue(playerHistoryJob, { account_id: DEMO_PLAYER });
  await scheduler.whenIdle(60_000);
  if (channelPosts().length !== 1)
    throw new Error(`a second ingest posted again: ${channelPosts().length} alerts`);

  step(
    `A player runs /dota match ${DEMO_LOOKUP_MATCH} (HTTP interactions, Ed25519-signed): not stored yet, so deferred and fetched`,
  );
  const lookup = slashInteraction({
    applicationId: discord.applicationId,
    guildId: GUILD,
    channelId: ALERT_CHANNEL,
    ...PLAYER,
    path: ['match'],
    options: [{ name: 'id', type: 4, value: DEMO_LOOKUP_MATCH }],
  });
  discord.registerInteraction(lookup);
  const body = JSON.stringify(lookup);
  const response = await fetch(`http://127.0.0.1:${service.http.port}/discord/interactions`, {
    method: 'POST',
    headers: signer.headers(body),
    body,
  });
  if (!response.ok) throw new Error(`interaction endpoint answered ${response.status}`);
  discord.recordInteractionResponse(lookup.id, await response.json());
  await waitFor(
    discord,
    (message) => message.interactionToken === lookup.token && message.via === 'webhook-edit',
  );

  const guild = { guildId: GUILD, channelId: ALERT_CHANNEL, admin: ADMIN };
  return premiumSteps(service, discord, stripe, guild, [DEMO_PLAYER, DEMO_RIVAL], step);
}

export async function runDemo(options: { outDir: string; dataDir?: string }): Promise<void> {
  const started = Date.now();
  const outDir = resolve(options.outDir);
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  step(
    'Starting embedded Postgres, the Valve replay server (json_files/) and local Discord, Slack and Stripe stand-ins',
  );
  const postgres = await startEmbeddedPostgres(options.dataDir ?? './.data');
  const valve = await startValveReplay();
  const discord = await startDiscordStandin();
  const slack = await startSlackStandin();
  const stripe = await startStripeStandin();
  slack.addWorkspace({
    teamId: SLACK_TEAM,
    teamName: 'Moonwalkers fan club',
    channels: [{ id: SLACK_CHANNEL, name: 'league-recaps' }],
    users: [{ id: SLACK_ADMIN, name: 'workspace-admin', isAdmin: true }],
    installerUserId: SLACK_ADMIN,
    installed: false,
  });
  const signer = createInteractionSigner();
  let service: Service | undefined;
  try {
    const httpPort = await freePort();
    const config = configSchema.parse({
      DATABASE_URL: await freshDemoDatabase(postgres.url),
      STEAM_API_KEYS: 'demo-key',
      STEAM_API_BASE_URL: valve.baseUrl,
      DOTA2_WEBAPI_BASE_URL: valve.baseUrl,
      STEAM_REQUESTS_PER_SECOND: '50',
      DISCORD_TOKEN: discord.botToken,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_PUBLIC_KEY: signer.publicKeyHex,
      DISCORD_API_BASE_URL: discord.restBaseUrl,
      DISCORD_MODE: 'both',
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_CLIENT_ID: slack.clientId,
      SLACK_CLIENT_SECRET: slack.clientSecret,
      SLACK_STATE_SECRET: randomBytes(16).toString('hex'),
      SLACK_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SLACK_API_URL: slack.apiUrl,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_PREMIUM_PRICE_ID: stripe.priceId,
      STRIPE_API_URL: stripe.baseUrl,
      // Checkout's return links are made before the service listens, so its port is chosen here.
      PUBLIC_BASE_URL: `http://127.0.0.1:${httpPort}`,
      HTTP_PORT: String(httpPort),
      LOG_LEVEL: 'warn',
    });
    // The shipped match is from 2025; ingest's clock is set to just after it so it counts as a fresh game.
    service = await startService(config, log, {
      ingestClock: shiftedClock(DEMO_MATCH_START + 60 * 60_000),
    });
    stripe.setWebhookUrl(`http://127.0.0.1:${service.http.port}/stripe/webhook`);
    const webhooks = await runSteps(service, discord, slack, stripe, signer);

    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const matches = await Promise.all(
      [DEMO_PLAYER_MATCH, DEMO_LOOKUP_MATCH].map(async (id) => {
        const stored = await findMatch(service!.runtime.db, id);
        return stored ? toMatchJson(stored) : null;
      }),
    );
    const deliveries = await service.runtime
      .db('deliveries')
      .select('match_id', 'channel_id', 'status', 'attempts', 'message_id');
    await writeFile(join(outDir, 'matches.json'), `${JSON.stringify(matches, null, 2)}\n`);
    const files = await writeTranscript(outDir, discord.messages, slack.posts, webhooks, {
      deliveries,
      valveRequests: valve.requests.length,
    });
    console.log(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s. Look at:`);
    for (const file of files) console.log(`  ${file}`);
  } finally {
    await service?.stop();
    await Promise.allSettled([discord.close(), slack.close(), stripe.close(), valve.close()]);
    await postgres.stop();
  }
}
