// Forged, replayed, oversized and malformed requests to every HTTP endpoint (Discord, Slack, Stripe): refused with the right status, nothing stored.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_WEBHOOK_PATH } from '../src/billing/billing.js';
import { WEBHOOK_TOLERANCE_SECONDS } from '../src/billing/stripe-webhook.route.js';
import { startService, type Service } from '../src/bin/service.js';
import { INTERACTIONS_PATH } from '../src/bots/discord/http-interactions.js';
import { SLACK_EVENTS_PATH, SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH } from '../src/bots/slack/slack-app.js';
import { startDiscordStandin, type DiscordStandin } from '../src/fakes/discord-standin.server.js';
import { createInteractionSigner, type InteractionSigner } from '../src/fakes/interaction-signer.js';
import {
  eventCallbackBody,
  signSlackRequest,
  slashCommandBody,
  urlVerificationBody,
} from '../src/fakes/slack-request-signer.js';
import { startSlackStandin, type SlackStandin } from '../src/fakes/slack-standin.server.js';
import { slashInteraction } from '../src/fakes/slash-interaction.js';
import { signStripePayload } from '../src/fakes/stripe-signature.js';
import { stripeEvent } from '../src/fakes/stripe-standin/events.js';
import { startStripeStandin, type StripeStandin } from '../src/fakes/stripe-standin.server.js';
import { startValveReplay, type ValveReplay } from '../src/fakes/valve-replay.server.js';
import { createLogger } from '../src/log.js';
import type { Db } from '../src/store/db.js';
import { serviceConfig, serviceEnv, slackStripeEnv } from '../test/support/service-harness.js';
import { createTestDatabase, type TestDatabase } from '../test/support/test-db.js';
import { faultRow } from './support/fault-row.js';

// Each route's own body limit (src/bots/discord/http-interactions.ts, src/bots/slack/slack-app.ts,
// src/billing/stripe-webhook.route.ts): one byte over is enough to be refused.
const DISCORD_BODY_LIMIT = 64 * 1024;
const SLACK_BODY_LIMIT = 64 * 1024;
const STRIPE_BODY_LIMIT = 512 * 1024;
/** Node's default --max-http-header-size: the request line of a GET counts against it. */
const NODE_HEADER_LIMIT = 16 * 1024;
// How old a signed request may be: Bolt's verifySlackRequest (5 minutes), our Discord route (300 s either way),
// Stripe's tolerance as the webhook passes it; @slack/oauth's state store lets a state live 600 s.
const SLACK_TOLERANCE_SECONDS = 5 * 60;
const DISCORD_SKEW_SECONDS = 300;
const OAUTH_STATE_LIFETIME_SECONDS = 600;
/** Past each tolerance by a clear minute, so a slow machine cannot make a stale request look fresh. */
const STALE_MARGIN_SECONDS = 60;
const OAUTH_STATE_COOKIE = 'slack-app-oauth-state';

const GUILD = '1300000000000000001';
const DISCORD_CHANNEL = '1300000000000000002';
const DISCORD_ADMIN = { userId: '1300000000000000003', username: 'guild-admin', permissions: String(0x20) };
const TEAM = 'T0FAULTS01';
const SECOND_TEAM = 'T0FAULTS02';
const SLACK_CHANNEL = 'C0FAULTS01';
const SLACK_ADMIN = 'U0FAULTS01';
const LEAGUE = '16110';

type Kind = 'forged' | 'replayed' | 'oversized' | 'malformed';

/** An HTTP answer; status 0 when the connection failed instead (a reset is not an answer). */
interface Answer {
  status: number;
  body: string;
}

/** One request sent at an endpoint and the status it must be answered with. */
interface HostileCase {
  what: string;
  expected: number;
  send: () => Promise<Answer>;
}

interface Row {
  endpoint: string;
  kind: Kind;
  cases: () => HostileCase[];
}

let database: TestDatabase;
let valve: ValveReplay;
let discord: DiscordStandin;
let slack: SlackStandin;
let stripe: StripeStandin;
let service: Service;
let signer: InteractionSigner;
let stateSecret: string;
let base: string;
/** The Stripe subscription every Stripe body here names: accepted, it would make GUILD premium. */
let subscriptionObject: unknown;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

async function answerOf(request: Promise<Response>): Promise<Answer> {
  try {
    const response = await request;
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { status: 0, body: `${String(error)}${cause}` };
  }
}

/** `body` in 16 KiB chunks with no Content-Length: the size is only known by reading it. */
function chunked(body: string): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(body);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 16 * 1024));
      offset += 16 * 1024;
    },
  });
}

function post(path: string, headers: Record<string, string>, body: string | ReadableStream<Uint8Array>) {
  // A streamed body must say it is sent before the answer starts (half duplex), as fetch requires.
  return answerOf(fetch(`${base}${path}`, { method: 'POST', headers, body, duplex: 'half' }));
}

const get = (pathAndQuery: string, headers: Record<string, string> = {}) =>
  answerOf(fetch(`${base}${pathAndQuery}`, { headers, redirect: 'manual' }));

const MIB = 1024 * 1024;
/** Rounds of oversized bodies sent back to back: enough to land on a connection an earlier one left behind. */
const OVERSIZED_ROUNDS = 4;

const oversizedInARowWhat = (limit: number) =>
  `${OVERSIZED_ROUNDS} rounds of a signed ${(4 * limit) / 1024} KiB body then an 8 MiB one, chunked, back to back`;

/**
 * Sends the rounds one after another; fetch keeps its connections alive between them, so a server that left an
 * oversized body half read on a connection fails the request that comes next on it: no answer at all.
 * Answers with the one status they all got, or -1 and the list when they differ.
 */
async function oversizedInARow(
  limit: number,
  bodyOfSize: (bytes: number) => string,
  sendChunked: (body: string) => Promise<Answer>,
): Promise<Answer> {
  const statuses: number[] = [];
  for (let round = 0; round < OVERSIZED_ROUNDS; round += 1) {
    for (const bytes of [4 * limit, 8 * MIB]) statuses.push((await sendChunked(bodyOfSize(bytes))).status);
  }
  const [first] = statuses;
  const agreed = first !== undefined && statuses.every((status) => status === first);
  return { status: agreed ? first : -1, body: `statuses in order: ${statuses.join(' ')}` };
}

/** Pads a JSON object with a `padding` field until its serialisation is exactly `bytes` long. */
function jsonOfSize(value: Record<string, unknown>, bytes: number): string {
  const bare = JSON.stringify({ ...value, padding: '' });
  return JSON.stringify({ ...value, padding: 'x'.repeat(bytes - bare.length) });
}

// --- Discord -------------------------------------------------------------------------------------------------

/** `/dota subscribe league` by a guild admin: accepted, it would store a subscription and edit the reply. */
const discordSubscribe = () =>
  JSON.stringify(
    slashInteraction({
      applicationId: discord.applicationId,
      guildId: GUILD,
      channelId: DISCORD_CHANNEL,
      ...DISCORD_ADMIN,
      path: ['subscribe', 'league'],
      options: [{ name: 'league', type: 3, value: LEAGUE }],
    }),
  );
const discordPing = () => JSON.stringify({ id: '1', application_id: discord.applicationId, type: 1 });
const toDiscord = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string>) =>
  post(INTERACTIONS_PATH, headers, body);
/** Correctly signed `body`, sent as JSON. */
const signedToDiscord = (body: string) => toDiscord(body, signer.headers(body));

// --- Slack ---------------------------------------------------------------------------------------------------

/** `/dota subscribe league` by a workspace admin: accepted, it would store a subscription and answer Slack. */
const slackSubscribe = () =>
  slashCommandBody({
    teamId: TEAM,
    channelId: SLACK_CHANNEL,
    userId: SLACK_ADMIN,
    text: `subscribe league ${LEAGUE}`,
    responseUrl: slack.responseUrl(),
    apiAppId: slack.appId,
  });
/** app_uninstalled: accepted, it would delete the workspace's installation. */
const slackUninstall = (teamId = TEAM) =>
  eventCallbackBody({ teamId, apiAppId: slack.appId, event: { type: 'app_uninstalled' } });
const toSlack = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string>) =>
  post(SLACK_EVENTS_PATH, headers, body);
const signedToSlack = (body: string, timestampSeconds?: number) =>
  toSlack(body, { ...signSlackRequest(slack.signingSecret, body, timestampSeconds) });

// --- Slack OAuth ---------------------------------------------------------------------------------------------

/** An HS256 JWT, as @slack/oauth's ClearStateStore makes its state: signed with `secret`, dated `issuedAt`. */
function oauthState(secret: string, issuedAt: Date): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
    installOptions: { scopes: ['commands'] },
    now: issuedAt.toJSON(),
    random: 1,
    iat: Math.floor(issuedAt.getTime() / 1000),
  })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
/** The redirect back from Slack with `state`, and the browser's state cookie when given. */
function redirectWith(query: Record<string, string>, cookie?: string) {
  return get(
    `${SLACK_REDIRECT_PATH}?${new URLSearchParams(query).toString()}`,
    cookie === undefined ? {} : { cookie: `${OAUTH_STATE_COOKIE}=${cookie}` },
  );
}
/** A code Slack never issued: a redirect that got past the state checks would spend an oauth.v2.access call. */
const UNISSUED_CODE = '1111111111.2222222222.forged';

/** An admin's browser through /slack/install and the consent page, stopping before it follows the redirect. */
async function startInstall(teamId: string): Promise<{ redirect: string; cookie: string }> {
  slack.approveNextInstall(teamId, SLACK_ADMIN);
  const start = await fetch(`${base}${SLACK_INSTALL_PATH}`, { redirect: 'manual' });
  const cookie = start.headers.get('set-cookie')?.split(';')[0] ?? '';
  const consent = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
  return { redirect: consent.headers.get('location') ?? '', cookie };
}
const followRedirect = (install: { redirect: string; cookie: string }) =>
  answerOf(fetch(install.redirect, { redirect: 'manual', headers: { cookie: install.cookie } }));

// --- Stripe --------------------------------------------------------------------------------------------------

/** A subscription update for GUILD's subscription, exactly as Stripe would serialise it. */
const stripeUpdate = (id = `evt_fault_${randomBytes(6).toString('hex')}`) =>
  JSON.stringify(
    {
      ...stripeEvent('customer.subscription.updated', subscriptionObject, stripe.apiVersion, nowSeconds()),
      id,
    },
    null,
    2,
  );
const toStripe = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string>) =>
  post(STRIPE_WEBHOOK_PATH, { 'content-type': 'application/json; charset=utf-8', ...headers }, body);
const signedToStripe = (body: string, timestampSeconds?: number) =>
  toStripe(body, { 'stripe-signature': signStripePayload(stripe.webhookSecret, body, timestampSeconds) });

// --- The table -----------------------------------------------------------------------------------------------

const ROWS: Row[] = [
  {
    endpoint: 'POST /discord/interactions',
    kind: 'forged',
    cases: () => [
      {
        what: 'admin /dota subscribe signed with another Ed25519 key',
        expected: 401,
        send: () => {
          const body = discordSubscribe();
          return toDiscord(body, createInteractionSigner().headers(body));
        },
      },
      {
        what: 'a signed PING with the subscribe command sent in its place',
        expected: 401,
        send: () => toDiscord(discordSubscribe(), signer.headers(discordPing())),
      },
      {
        what: 'admin /dota subscribe with no signature headers',
        expected: 401,
        send: () => toDiscord(discordSubscribe(), { 'content-type': 'application/json' }),
      },
      {
        what: 'admin /dota subscribe with a timestamp but a signature that is not hex',
        expected: 401,
        send: () => {
          const body = discordSubscribe();
          return toDiscord(body, { ...signer.headers(body), 'x-signature-ed25519': 'not-a-signature' });
        },
      },
      {
        what: 'admin /dota subscribe signed, then its timestamp header moved by one second',
        expected: 401,
        send: () => {
          const body = discordSubscribe();
          return toDiscord(body, {
            ...signer.headers(body),
            'x-signature-timestamp': String(nowSeconds() + 1),
          });
        },
      },
    ],
  },
  {
    endpoint: 'POST /discord/interactions',
    kind: 'replayed',
    cases: () => [
      {
        what: `admin /dota subscribe correctly signed ${DISCORD_SKEW_SECONDS + STALE_MARGIN_SECONDS} s ago`,
        expected: 401,
        send: () => {
          const body = discordSubscribe();
          return toDiscord(
            body,
            signer.headers(body, nowSeconds() - DISCORD_SKEW_SECONDS - STALE_MARGIN_SECONDS),
          );
        },
      },
      {
        what: `admin /dota subscribe correctly signed ${DISCORD_SKEW_SECONDS + STALE_MARGIN_SECONDS} s in the future`,
        expected: 401,
        send: () => {
          const body = discordSubscribe();
          return toDiscord(
            body,
            signer.headers(body, nowSeconds() + DISCORD_SKEW_SECONDS + STALE_MARGIN_SECONDS),
          );
        },
      },
    ],
  },
  {
    endpoint: 'POST /discord/interactions',
    kind: 'oversized',
    cases: () => [
      {
        what: `signed PING padded to ${DISCORD_BODY_LIMIT + 1} bytes, with Content-Length`,
        expected: 413,
        send: () => signedToDiscord(jsonOfSize({ type: 1 }, DISCORD_BODY_LIMIT + 1)),
      },
      {
        what: `signed PING padded to ${DISCORD_BODY_LIMIT + 1} bytes, chunked (no Content-Length)`,
        expected: 413,
        send: () => {
          const body = jsonOfSize({ type: 1 }, DISCORD_BODY_LIMIT + 1);
          return toDiscord(chunked(body), signer.headers(body));
        },
      },
      {
        what: oversizedInARowWhat(DISCORD_BODY_LIMIT),
        expected: 413,
        send: () =>
          oversizedInARow(
            DISCORD_BODY_LIMIT,
            (bytes) => jsonOfSize({ type: 1 }, bytes),
            (body) => toDiscord(chunked(body), signer.headers(body)),
          ),
      },
    ],
  },
  {
    endpoint: 'POST /discord/interactions',
    kind: 'malformed',
    cases: () => [
      { what: 'signed form body, not JSON', expected: 400, send: () => signedToDiscord('type=1&not=json') },
      { what: 'signed JSON cut short', expected: 400, send: () => signedToDiscord('{"type":2,"data":{') },
      { what: 'signed JSON null', expected: 400, send: () => signedToDiscord('null') },
      { what: 'signed JSON array', expected: 400, send: () => signedToDiscord('[{"type":1}]') },
      { what: 'signed object without a type', expected: 400, send: () => signedToDiscord('{"id":"1"}') },
      { what: 'signed type as a string', expected: 400, send: () => signedToDiscord('{"type":"1"}') },
      {
        what: 'signed APPLICATION_COMMAND without data',
        expected: 400,
        send: () => signedToDiscord('{"type":2}'),
      },
      { what: 'signed AUTOCOMPLETE without data', expected: 400, send: () => signedToDiscord('{"type":4}') },
      {
        what: 'signed /dota subscribe whose subcommand group has no options',
        expected: 400,
        send: () => {
          const interaction = JSON.parse(discordSubscribe()) as { data: { options: unknown[] } };
          interaction.data.options = [{ type: 2, name: 'subscribe' }];
          return signedToDiscord(JSON.stringify(interaction));
        },
      },
      {
        what: 'signed /dota subscribe whose member permissions are not a number',
        expected: 400,
        send: () => {
          const interaction = JSON.parse(discordSubscribe()) as { member: { permissions: string } };
          interaction.member.permissions = 'all of them';
          return signedToDiscord(JSON.stringify(interaction));
        },
      },
    ],
  },
  {
    endpoint: 'POST /slack/events (slash command)',
    kind: 'forged',
    cases: () => [
      {
        what: 'admin /dota subscribe signed with another signing secret',
        expected: 401,
        send: () => {
          const body = slackSubscribe();
          return toSlack(body, { ...signSlackRequest(randomBytes(16).toString('hex'), body) });
        },
      },
      {
        what: 'a signed /dota help with /dota subscribe sent in its place',
        expected: 401,
        send: () => {
          const body = slackSubscribe();
          return toSlack(body, {
            ...signSlackRequest(slack.signingSecret, body.replace(/subscribe/, 'help')),
          });
        },
      },
      {
        what: 'admin /dota subscribe with no signature headers',
        expected: 401,
        send: () => toSlack(slackSubscribe(), { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      {
        what: 'admin /dota subscribe with a signature but no timestamp header',
        expected: 401,
        send: () => {
          const body = slackSubscribe();
          const headers: Record<string, string> = { ...signSlackRequest(slack.signingSecret, body) };
          delete headers['x-slack-request-timestamp'];
          return toSlack(body, headers);
        },
      },
    ],
  },
  {
    endpoint: 'POST /slack/events (slash command)',
    kind: 'replayed',
    cases: () => [
      {
        what: `admin /dota subscribe correctly signed ${SLACK_TOLERANCE_SECONDS + STALE_MARGIN_SECONDS} s ago`,
        expected: 401,
        send: () =>
          signedToSlack(slackSubscribe(), nowSeconds() - SLACK_TOLERANCE_SECONDS - STALE_MARGIN_SECONDS),
      },
    ],
  },
  {
    endpoint: 'POST /slack/events (slash command)',
    kind: 'oversized',
    cases: () => [
      {
        what: `signed /dota subscribe padded to ${SLACK_BODY_LIMIT + 1} bytes, with Content-Length`,
        expected: 413,
        send: () => {
          const body = slackSubscribe();
          return signedToSlack(`${body}&padding=${'x'.repeat(SLACK_BODY_LIMIT + 1 - body.length - 9)}`);
        },
      },
      {
        what: oversizedInARowWhat(SLACK_BODY_LIMIT),
        expected: 413,
        send: () =>
          oversizedInARow(
            SLACK_BODY_LIMIT,
            (bytes) => `${slackSubscribe()}&padding=${'x'.repeat(bytes)}`,
            (body) => toSlack(chunked(body), { ...signSlackRequest(slack.signingSecret, body) }),
          ),
      },
    ],
  },
  {
    endpoint: 'POST /slack/events (slash command)',
    kind: 'malformed',
    cases: () => [
      {
        what: 'signed /dota subscribe labelled application/json',
        expected: 400,
        send: () => {
          const body = slackSubscribe();
          return toSlack(body, {
            ...signSlackRequest(slack.signingSecret, body),
            'content-type': 'application/json',
          });
        },
      },
      {
        what: 'signed /dota subscribe labelled text/plain',
        expected: 400,
        send: () => {
          const body = slackSubscribe();
          return toSlack(body, {
            ...signSlackRequest(slack.signingSecret, body),
            'content-type': 'text/plain',
          });
        },
      },
      {
        // Bolt finds no type in it, runs nothing and never acknowledges it: its unhandled-request handler answers
        // 404 once Slack's 3 s acknowledgement deadline has passed.
        what: 'signed form without a command field',
        expected: 404,
        send: () => signedToSlack(slackSubscribe().replace(/&command=[^&]*/, '')),
      },
      {
        // Bolt cannot authorize a command naming no workspace: it acknowledges it with an empty 200 (so Slack does
        // not retry) and runs no listener.
        what: 'signed form without a team_id',
        expected: 200,
        send: () => signedToSlack(slackSubscribe().replace(/&?team_id=[^&]*/, '')),
      },
      {
        what: 'signed form whose payload field is not JSON',
        expected: 400,
        send: () => signedToSlack('payload=%7Bnot-json'),
      },
    ],
  },
  {
    endpoint: 'POST /slack/events (event callback)',
    kind: 'forged',
    cases: () => [
      {
        what: 'app_uninstalled signed with another signing secret',
        expected: 401,
        send: () => {
          const body = slackUninstall();
          return toSlack(body, { ...signSlackRequest(randomBytes(16).toString('hex'), body) });
        },
      },
      {
        what: "another team's signed app_uninstalled with our team's id put in",
        expected: 401,
        send: () => {
          const signed = slackUninstall('T0SOMEONE1');
          return toSlack(signed.replaceAll('T0SOMEONE1', TEAM), {
            ...signSlackRequest(slack.signingSecret, signed),
          });
        },
      },
      {
        what: 'app_uninstalled with no signature headers',
        expected: 401,
        send: () => toSlack(slackUninstall(), { 'content-type': 'application/json' }),
      },
      {
        what: 'app_uninstalled with a v1= signature (a scheme Slack does not use)',
        expected: 401,
        send: () => {
          const body = slackUninstall();
          const headers = signSlackRequest(slack.signingSecret, body);
          return toSlack(body, {
            ...headers,
            'x-slack-signature': headers['x-slack-signature'].replace('v0=', 'v1='),
          });
        },
      },
    ],
  },
  {
    endpoint: 'POST /slack/events (event callback)',
    kind: 'replayed',
    cases: () => [
      {
        what: `app_uninstalled correctly signed ${SLACK_TOLERANCE_SECONDS + STALE_MARGIN_SECONDS} s ago`,
        expected: 401,
        send: () =>
          signedToSlack(slackUninstall(), nowSeconds() - SLACK_TOLERANCE_SECONDS - STALE_MARGIN_SECONDS),
      },
    ],
  },
  {
    endpoint: 'POST /slack/events (event callback)',
    kind: 'oversized',
    cases: () => [
      {
        what: `signed app_uninstalled padded to ${SLACK_BODY_LIMIT + 1} bytes, with Content-Length`,
        expected: 413,
        send: () =>
          signedToSlack(
            jsonOfSize(JSON.parse(slackUninstall()) as Record<string, unknown>, SLACK_BODY_LIMIT + 1),
          ),
      },
      {
        what: `signed app_uninstalled padded to ${SLACK_BODY_LIMIT + 1} bytes, chunked`,
        expected: 413,
        send: () => {
          const body = jsonOfSize(
            JSON.parse(slackUninstall()) as Record<string, unknown>,
            SLACK_BODY_LIMIT + 1,
          );
          return toSlack(chunked(body), { ...signSlackRequest(slack.signingSecret, body) });
        },
      },
    ],
  },
  {
    endpoint: 'POST /slack/events (event callback)',
    kind: 'malformed',
    cases: () => [
      {
        what: 'signed JSON cut short',
        expected: 400,
        send: () => signedToSlack('{"type":"event_callback",'),
      },
      {
        // Read as a form, the JSON is one odd key: no type Bolt knows, so 404 after the 3 s ack deadline.
        what: 'signed app_uninstalled labelled application/x-www-form-urlencoded',
        expected: 404,
        send: () => {
          const body = slackUninstall();
          return toSlack(body, {
            ...signSlackRequest(slack.signingSecret, body),
            'content-type': 'application/x-www-form-urlencoded',
          });
        },
      },
      {
        what: 'signed event_callback without an event',
        expected: 404,
        send: () => {
          const envelope = JSON.parse(slackUninstall()) as Record<string, unknown>;
          delete envelope.event;
          return signedToSlack(JSON.stringify(envelope));
        },
      },
      {
        // Bolt skips authorization for app_uninstalled; our listener removes nothing when no team is named.
        what: 'signed app_uninstalled without a team_id',
        expected: 200,
        send: () => {
          const envelope = JSON.parse(slackUninstall()) as Record<string, unknown>;
          delete envelope.team_id;
          return signedToSlack(JSON.stringify(envelope));
        },
      },
    ],
  },
  {
    endpoint: 'GET /slack/oauth_redirect',
    kind: 'forged',
    cases: () => [
      {
        what: 'state signed with another state secret, its cookie set to match',
        expected: 400,
        send: () => {
          const state = oauthState(randomBytes(16).toString('hex'), new Date());
          return redirectWith({ code: UNISSUED_CODE, state }, state);
        },
      },
      {
        what: 'state that is not a JWT, its cookie set to match',
        expected: 400,
        send: () => redirectWith({ code: UNISSUED_CODE, state: 'forged-state' }, 'forged-state'),
      },
      {
        what: 'our own fresh state from /slack/install, sent from a browser without its cookie (login CSRF)',
        expected: 400,
        send: async () => {
          const start = await fetch(`${base}${SLACK_INSTALL_PATH}`, { redirect: 'manual' });
          const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
          return redirectWith({ code: UNISSUED_CODE, state });
        },
      },
      {
        what: "our own fresh state with another browser's state cookie",
        expected: 400,
        send: async () => {
          const start = await fetch(`${base}${SLACK_INSTALL_PATH}`, { redirect: 'manual' });
          const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
          return redirectWith({ code: UNISSUED_CODE, state }, oauthState(stateSecret, new Date()));
        },
      },
    ],
  },
  {
    endpoint: 'GET /slack/oauth_redirect',
    kind: 'replayed',
    cases: () => [
      {
        what: `state signed with our secret ${OAUTH_STATE_LIFETIME_SECONDS + STALE_MARGIN_SECONDS} s ago, cookie matching`,
        expected: 400,
        send: () => {
          const state = oauthState(
            stateSecret,
            new Date(Date.now() - (OAUTH_STATE_LIFETIME_SECONDS + STALE_MARGIN_SECONDS) * 1000),
          );
          return redirectWith({ code: UNISSUED_CODE, state }, state);
        },
      },
    ],
  },
  {
    endpoint: 'GET /slack/oauth_redirect',
    kind: 'oversized',
    cases: () => [
      {
        what: `redirect whose query string is ${NODE_HEADER_LIMIT + 1} bytes`,
        expected: 431,
        send: () => redirectWith({ code: UNISSUED_CODE, state: 'x'.repeat(NODE_HEADER_LIMIT + 1) }),
      },
    ],
  },
  {
    endpoint: 'GET /slack/oauth_redirect',
    kind: 'malformed',
    cases: () => [
      { what: 'no query string at all', expected: 400, send: () => get(SLACK_REDIRECT_PATH) },
      {
        what: 'a fresh valid state and cookie but no code',
        expected: 400,
        send: () => {
          const state = oauthState(stateSecret, new Date());
          return redirectWith({ state }, state);
        },
      },
      {
        what: 'a code but no state',
        expected: 400,
        send: () => redirectWith({ code: UNISSUED_CODE }),
      },
      {
        what: 'error=access_denied (the admin pressed Cancel), fresh valid state and cookie',
        expected: 400,
        send: () => {
          const state = oauthState(stateSecret, new Date());
          return redirectWith({ error: 'access_denied', state }, state);
        },
      },
    ],
  },
  {
    endpoint: 'POST /stripe/webhook',
    kind: 'forged',
    cases: () => [
      {
        what: 'subscription update signed with another whsec_ secret',
        expected: 400,
        send: () => {
          const body = stripeUpdate();
          return toStripe(body, {
            'stripe-signature': signStripePayload(`whsec_${randomBytes(24).toString('hex')}`, body),
          });
        },
      },
      {
        what: 'signed subscription update with its status changed after signing',
        expected: 400,
        send: () => {
          const body = stripeUpdate();
          return toStripe(body.replace('"active"', '"canceled"'), {
            'stripe-signature': signStripePayload(stripe.webhookSecret, body),
          });
        },
      },
      {
        what: 'subscription update with no Stripe-Signature header',
        expected: 400,
        send: () => toStripe(stripeUpdate(), {}),
      },
      {
        what: 'subscription update whose Stripe-Signature has a timestamp and no v1',
        expected: 400,
        send: () => toStripe(stripeUpdate(), { 'stripe-signature': `t=${nowSeconds()}` }),
      },
    ],
  },
  {
    endpoint: 'POST /stripe/webhook',
    kind: 'replayed',
    cases: () => [
      {
        what: `subscription update correctly signed ${WEBHOOK_TOLERANCE_SECONDS + STALE_MARGIN_SECONDS} s ago`,
        expected: 400,
        send: () =>
          signedToStripe(stripeUpdate(), nowSeconds() - WEBHOOK_TOLERANCE_SECONDS - STALE_MARGIN_SECONDS),
      },
    ],
  },
  {
    endpoint: 'POST /stripe/webhook',
    kind: 'oversized',
    cases: () => [
      {
        what: `signed subscription update padded to ${STRIPE_BODY_LIMIT + 1} bytes, with Content-Length`,
        expected: 413,
        send: () =>
          signedToStripe(
            jsonOfSize(JSON.parse(stripeUpdate()) as Record<string, unknown>, STRIPE_BODY_LIMIT + 1),
          ),
      },
      {
        what: oversizedInARowWhat(STRIPE_BODY_LIMIT),
        expected: 413,
        send: () =>
          oversizedInARow(
            STRIPE_BODY_LIMIT,
            (bytes) => jsonOfSize(JSON.parse(stripeUpdate()) as Record<string, unknown>, bytes),
            (body) =>
              toStripe(chunked(body), { 'stripe-signature': signStripePayload(stripe.webhookSecret, body) }),
          ),
      },
    ],
  },
  {
    endpoint: 'POST /stripe/webhook',
    kind: 'malformed',
    cases: () => [
      { what: 'signed body that is not JSON', expected: 400, send: () => signedToStripe('id=evt_1&type=x') },
      { what: 'signed JSON cut short', expected: 400, send: () => signedToStripe('{"id":"evt_cut","type":') },
      { what: 'signed empty object', expected: 400, send: () => signedToStripe('{}') },
      {
        what: 'signed subscription update without data',
        expected: 400,
        send: () =>
          signedToStripe('{"id":"evt_fault_nodata","object":"event","type":"customer.subscription.updated"}'),
      },
      {
        what: 'signed subscription update without an id',
        expected: 400,
        send: () => {
          const event = JSON.parse(stripeUpdate()) as Record<string, unknown>;
          delete event.id;
          return signedToStripe(JSON.stringify(event));
        },
      },
    ],
  },
];

// --- Nothing stored, nobody called ---------------------------------------------------------------------------

/** Rows in every table of the public schema, by table name. */
async function tableRowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await db('information_schema.tables')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
    .orderBy('table_name')
    .pluck<string[]>('table_name');
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = Number((await db(table).count<{ n: string }[]>({ n: '*' }))[0]?.n ?? 0);
  }
  return counts;
}

async function installationCount(): Promise<number> {
  return Number((await database.db('slack_installations').count<{ n: string }[]>({ n: '*' }))[0]?.n ?? 0);
}

async function stripeEventCount(): Promise<number> {
  return Number((await database.db('stripe_events').count<{ n: string }[]>({ n: '*' }))[0]?.n ?? 0);
}

/** What the stand-ins have been asked so far: every Web API call, post, REST request. */
const platformTraffic = () => ({
  slackApiCalls: slack.calls.length,
  slackPosts: slack.posts.length,
  discordRequests: discord.requests.length,
  discordMessages: discord.messages.length,
  stripeRequests: stripe.requests.length,
});

/** The start of an answer's body (or of a failed connection's error), on one line. */
const excerpt = (body: string) =>
  body === '' ? '(empty body)' : JSON.stringify(body.replace(/\s+/g, ' ').slice(0, 90));

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

let rowsBefore: Record<string, number>;
let trafficBefore: ReturnType<typeof platformTraffic>;

beforeAll(async () => {
  database = await createTestDatabase();
  [valve, discord, slack, stripe] = await Promise.all([
    startValveReplay(),
    startDiscordStandin(),
    startSlackStandin(),
    startStripeStandin(),
  ]);
  signer = createInteractionSigner();
  const platforms = slackStripeEnv(slack, stripe);
  stateSecret = platforms.secrets.SLACK_STATE_SECRET ?? '';
  const env = serviceEnv(database.url, valve, discord, {
    ...platforms.env,
    DISCORD_PUBLIC_KEY: signer.publicKeyHex,
  });
  // 'web' serves every endpoint and runs no jobs: nothing but these requests writes to the database.
  service = await startService(serviceConfig(env, 'web'), log, { role: 'web' });
  base = `http://127.0.0.1:${service.http.port}`;
  slack.setRedirectUrl(`${base}${SLACK_REDIRECT_PATH}`);
  for (const teamId of [TEAM, SECOND_TEAM]) {
    slack.addWorkspace({
      teamId,
      teamName: `Faults ${teamId}`,
      channels: [{ id: SLACK_CHANNEL, name: 'general' }],
      users: [{ id: SLACK_ADMIN, name: 'admin', isAdmin: true }],
      installerUserId: SLACK_ADMIN,
      installed: false,
    });
  }
  // TEAM is installed, so a hostile request that got through would find a workspace to act for.
  const installed = await followRedirect(await startInstall(TEAM));
  expect(installed.status).toBe(200);
  subscriptionObject = stripe.putSubscription({
    id: 'sub_faults_guild',
    metadata: { platform: 'discord', guild_id: GUILD },
  });
  rowsBefore = await tableRowCounts(database.db);
  trafficBefore = platformTraffic();
});

afterAll(async () => {
  await service?.stop(0);
  await Promise.allSettled([valve?.close(), discord?.close(), slack?.close(), stripe?.close()]);
  await database?.drop();
});

describe('HTTP endpoints under hostile requests', () => {
  it.each(ROWS)('$kind requests to $endpoint get their exact status', async ({ endpoint, kind, cases }) => {
    const row = faultRow(`${kind} → ${endpoint}`);
    const answers: { what: string; status: number }[] = [];
    const expected: { what: string; status: number }[] = [];
    for (const hostile of cases()) {
      const answer = await hostile.send();
      row.did(hostile.what);
      row.checked(`answered ${answer.status} (expected ${hostile.expected}): ${excerpt(answer.body)}`);
      answers.push({ what: hostile.what, status: answer.status });
      expected.push({ what: hostile.what, status: hostile.expected });
    }
    const health = await get('/healthz');
    row.checked(`GET /healthz afterwards answered ${health.status}: the process still serves`);
    expect(answers).toEqual(expected);
    expect(health.status).toBe(200);
  });

  it('after every hostile request, no table gained or lost a row and no platform was called', async () => {
    const row = faultRow('nothing stored');
    const rowsAfter = await tableRowCounts(database.db);
    const changed = Object.keys({ ...rowsBefore, ...rowsAfter }).filter(
      (table) => rowsBefore[table] !== rowsAfter[table],
    );
    row.checked(
      `${Object.keys(rowsAfter).length} public tables, ${sum(rowsBefore)} rows before and ${sum(rowsAfter)} after; changed: ${changed.join(', ') || 'none'}`,
    );
    const trafficAfter = platformTraffic();
    row.checked(
      `stand-in traffic before ${JSON.stringify(trafficBefore)}, after ${JSON.stringify(trafficAfter)}`,
    );
    expect(rowsAfter).toEqual(rowsBefore);
    expect(trafficAfter).toEqual(trafficBefore);
  });

  it('then a valid signed request to each endpoint still succeeds', async () => {
    const row = faultRow('valid requests still served');
    const ping = await signedToDiscord(discordPing());
    row.did('POST /discord/interactions: correctly signed PING');
    row.checked(`answered ${ping.status} ${ping.body}`);
    expect([ping.status, ping.body]).toEqual([200, '{"type":1}']);

    const challenge = randomBytes(8).toString('hex');
    const verification = await signedToSlack(urlVerificationBody(challenge));
    row.did('POST /slack/events: correctly signed url_verification');
    row.checked(`answered ${verification.status} ${verification.body}`);
    expect(verification.status).toBe(200);
    expect(JSON.parse(verification.body)).toEqual({ challenge });

    const postsBefore = slack.posts.length;
    const help = await signedToSlack(
      slashCommandBody({
        teamId: TEAM,
        channelId: SLACK_CHANNEL,
        userId: SLACK_ADMIN,
        text: 'help',
        responseUrl: slack.responseUrl({ teamId: TEAM, channelId: SLACK_CHANNEL, userId: SLACK_ADMIN }),
        apiAppId: slack.appId,
      }),
    );
    await slack.waitForPosts(postsBefore + 1, 15_000);
    row.did('POST /slack/events: correctly signed /dota help');
    row.checked(`answered ${help.status}; the help reached Slack through response_url`);
    expect(help.status).toBe(200);

    const revoked = await signedToSlack(
      eventCallbackBody({
        teamId: TEAM,
        apiAppId: slack.appId,
        event: { type: 'tokens_revoked', tokens: { oauth: [SLACK_ADMIN] } },
      }),
    );
    row.did('POST /slack/events: correctly signed tokens_revoked (user tokens only)');
    row.checked(`answered ${revoked.status}`);
    expect(revoked.status).toBe(200);

    const installationsBefore = await installationCount();
    const installed = await followRedirect(await startInstall(SECOND_TEAM));
    row.did(`GET /slack/install → consent → GET /slack/oauth_redirect for ${SECOND_TEAM}, with its cookie`);
    row.checked(
      `answered ${installed.status}; installations ${installationsBefore} → ${await installationCount()}`,
    );
    expect(installed.status).toBe(200);
    expect(await installationCount()).toBe(installationsBefore + 1);

    const eventsBefore = await stripeEventCount();
    const update = await signedToStripe(stripeUpdate());
    row.did('POST /stripe/webhook: correctly signed customer.subscription.updated');
    row.checked(
      `answered ${update.status} ${update.body}; stripe_events ${eventsBefore} → ${await stripeEventCount()}`,
    );
    expect([update.status, JSON.parse(update.body)]).toEqual([200, { received: true, outcome: 'applied' }]);
    expect(await stripeEventCount()).toBe(eventsBefore + 1);
  });

  it('and the exact same valid request sent twice is applied once', async () => {
    const row = faultRow('replayed valid requests');
    const body = stripeUpdate();
    const signature = signStripePayload(stripe.webhookSecret, body);
    const eventsBefore = await stripeEventCount();
    const first = await toStripe(body, { 'stripe-signature': signature });
    const second = await toStripe(body, { 'stripe-signature': signature });
    row.did('POST /stripe/webhook: one signed event, then the same bytes and signature again');
    row.checked(
      `answered ${first.status} ${first.body}, then ${second.status} ${second.body}; stripe_events ${eventsBefore} → ${await stripeEventCount()}`,
    );
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(JSON.parse(second.body)).toEqual({ received: true, outcome: 'duplicate' });
    expect(await stripeEventCount()).toBe(eventsBefore + 1);

    slack.addWorkspace({ teamId: 'T0FAULTS03', installed: false });
    const install = await startInstall('T0FAULTS03');
    const installed = await followRedirect(install);
    const installations = await installationCount();
    const callsBefore = slack.calls.length;
    const replayed = await followRedirect(install);
    const exchanges = slack.calls.slice(callsBefore);
    row.did('GET /slack/oauth_redirect for T0FAULTS03, then the same URL and cookie again');
    row.checked(
      `answered ${installed.status}, then ${replayed.status}; installations ${installations} → ${await installationCount()}; Slack saw ${exchanges.map((call) => `${call.method} ${call.error ?? 'ok'}`).join(', ') || 'no call'}`,
    );
    expect([installed.status, replayed.status]).toEqual([200, 400]);
    expect(await installationCount()).toBe(installations);
    // The state is a signed token, not a stored one: only Slack's single-use code stops the replay.
    expect(exchanges.map((call) => [call.method, call.error])).toEqual([['oauth.v2.access', 'invalid_code']]);
  });

  it('and the hand-made OAuth state was refused for its age alone: dated now, it passes the state checks', async () => {
    const row = faultRow('control for the stale OAuth state');
    const state = oauthState(stateSecret, new Date());
    const callsBefore = slack.calls.length;
    const answer = await redirectWith({ code: UNISSUED_CODE, state }, state);
    const exchanges = slack.calls.slice(callsBefore).map((call) => [call.method, call.error ?? 'ok']);
    row.did('GET /slack/oauth_redirect with a state made as the stale one was, dated now, cookie matching');
    row.checked(`answered ${answer.status}; Slack saw ${JSON.stringify(exchanges)}: the state checks passed`);
    // Only a state our service accepts gets as far as exchanging the code, which Slack refuses: never issued.
    expect(exchanges).toEqual([['oauth.v2.access', 'invalid_code']]);
    expect(answer.status).toBe(400);
  });
});
