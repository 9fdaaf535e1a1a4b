// POST /discord/interactions over the real HTTP server: Ed25519 checks, limits, and deferred commands end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { INTERACTIONS_PATH, interactionsRoute } from '../../../src/bots/discord/http-interactions.js';
import { createInteractionSigner, type InteractionSigner } from '../../../src/fakes/interaction-signer.js';
import { slashInteraction } from '../../../src/fakes/slash-interaction.js';
import { startHttpServer, type HttpServer } from '../../../src/http/server.js';
import { createLogger } from '../../../src/log.js';
import { findMatch } from '../../../src/store/matches.repo.js';
import {
  PNG_SIGNATURE,
  startDiscordHarness,
  waitForMessage,
  type DiscordHarness,
} from '../../support/discord-harness.js';

const GUILD = '1200000000000000001';
const CHANNEL = '1200000000000000002';
const ADMIN = { userId: '1200000000000000003', username: 'guild-admin', permissions: String(0x20) };
const MEMBER = { userId: '1200000000000000004', username: 'member', permissions: '0' };
/** A 2025 league match shipped in json_files/steam (Vitality Warriors vs Moonwalkers). */
const KNOWN_MATCH = 8591933650;
const PLAYER = 177062248;

let harness: DiscordHarness;
let http: HttpServer;
let signer: InteractionSigner;
let url: string;

beforeAll(async () => {
  harness = await startDiscordHarness();
  signer = createInteractionSigner();
  const route = interactionsRoute(harness.deps, signer.publicKeyHex, systemClock, createLogger('silent'));
  http = await startHttpServer([route], 0, createLogger('silent'));
  url = `http://127.0.0.1:${http.port}${INTERACTIONS_PATH}`;
});

afterAll(async () => {
  await http?.close();
  await harness?.close();
});

function command(
  who: typeof ADMIN,
  path: readonly string[],
  options: { name: string; type: number; value: string | number }[],
) {
  return slashInteraction({
    applicationId: harness.standin.applicationId,
    guildId: GUILD,
    channelId: CHANNEL,
    ...who,
    path,
    options,
  });
}

async function post(body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Plays Discord's part: register, POST signed, then hand the HTTP answer to the stand-in as the acknowledgement. */
async function deliver(interaction: Record<string, unknown> & { id: string }) {
  harness.standin.registerInteraction(interaction);
  const body = JSON.stringify(interaction);
  const release = harness.holdSteam();
  try {
    const answer = await post(body, signer.headers(body));
    if (answer.status === 200) harness.standin.recordInteractionResponse(interaction.id, answer.json);
    return answer;
  } finally {
    release();
  }
}

async function subscriptionCount(createdBy: string): Promise<number> {
  const rows = await harness.database
    .db('subscriptions')
    .where({ created_by: createdBy })
    .count<{ count: string }[]>({ count: '*' });
  return Number(rows[0]?.count ?? 0);
}

describe('POST /discord/interactions', () => {
  it('when a validly signed PING arrives, then it answers 200 with a PONG', async () => {
    const body = JSON.stringify({ id: '1', application_id: harness.standin.applicationId, type: 1 });
    const answer = await post(body, signer.headers(body));
    expect(answer).toEqual({ status: 200, json: { type: 1 } });
  });

  it('when the body differs from the signed one, then it answers 401 and nothing is posted or stored', async () => {
    const signed = JSON.stringify(command(ADMIN, ['match'], [{ name: 'id', type: 4, value: 1 }]));
    const sent = command(
      ADMIN,
      ['subscribe', 'player'],
      [{ name: 'player', type: 3, value: String(PLAYER) }],
    );
    harness.standin.registerInteraction(sent);
    const before = { messages: harness.standin.messages.length, requests: harness.standin.requests.length };

    const answer = await post(JSON.stringify(sent), signer.headers(signed));

    expect(answer.status).toBe(401);
    expect(harness.standin.messages.length).toBe(before.messages);
    expect(harness.standin.requests.length).toBe(before.requests);
    expect(await subscriptionCount(ADMIN.userId)).toBe(0);
    expect(harness.enqueued).toEqual([]);
  });

  it('when the signature comes from a different key, then it answers 401', async () => {
    const body = JSON.stringify({ id: '2', application_id: harness.standin.applicationId, type: 1 });
    const answer = await post(body, createInteractionSigner().headers(body));
    expect(answer.status).toBe(401);
  });

  it('when the request is signed correctly but 10 minutes old, then it answers 401', async () => {
    const body = JSON.stringify({ id: '3', application_id: harness.standin.applicationId, type: 1 });
    const answer = await post(body, signer.headers(body, Math.floor(Date.now() / 1000) - 600));
    expect(answer.status).toBe(401);
  });

  it('when the signature headers are missing, then it answers 401', async () => {
    const body = JSON.stringify({ id: '4', application_id: harness.standin.applicationId, type: 1 });
    const timestampOnly = signer.headers(body);
    delete timestampOnly['x-signature-ed25519'];
    const neither = await post(body, { 'content-type': 'application/json' });
    const noSignature = await post(body, timestampOnly);
    expect([neither.status, noSignature.status]).toEqual([401, 401]);
  });

  it('when the body is over 64 KiB, then it answers 413', async () => {
    const body = JSON.stringify({ type: 1, padding: 'x'.repeat(64 * 1024) });
    const answer = await post(body, signer.headers(body));
    expect(answer.status).toBe(413);
  });

  it('when a signed body is not JSON, then it answers 400', async () => {
    const body = 'type=1&not=json';
    const answer = await post(body, signer.headers(body));
    expect(answer.status).toBe(400);
  });

  it('when /dota match asks for a shipped match, then it defers and edits in the recap with its three charts, and stores the match', async () => {
    const interaction = command(MEMBER, ['match'], [{ name: 'id', type: 4, value: KNOWN_MATCH }]);
    expect(await findMatch(harness.database.db, KNOWN_MATCH)).toBeNull();

    const answer = await deliver(interaction);

    expect(answer).toEqual({ status: 200, json: { type: 5, data: {} } });
    const edit = await waitForMessage(
      harness.standin,
      (message) => message.interactionToken === interaction.token && message.via === 'webhook-edit',
    );
    const embeds = edit.embeds as { title?: string; image?: { url?: string } }[];
    expect(embeds[0]?.title).toContain(String(KNOWN_MATCH));
    expect(edit.attachments.map((chart) => chart.filename)).toEqual([
      `match-${KNOWN_MATCH}-scoreboard.png`,
      `match-${KNOWN_MATCH}-teams.png`,
      `match-${KNOWN_MATCH}-net-worth.png`,
    ]);
    for (const [index, chart] of edit.attachments.entries()) {
      expect(chart.contentType).toBe('image/png');
      expect(chart.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(embeds[index]?.image?.url).toBe(`attachment://${chart.filename}`);
    }

    const stored = await findMatch(harness.database.db, KNOWN_MATCH);
    expect(stored?.match.match_id).toBe(KNOWN_MATCH);
    expect(stored?.players).toHaveLength(10);
    const paths = harness.valve.requests.map((request) => request.path);
    expect(paths.some((path) => path.includes('GetMatchHistoryBySequenceNum'))).toBe(true);
    expect(paths.some((path) => path.includes('GetMatchDetails'))).toBe(false);
  });

  it('when a member without Manage Server subscribes a player, then an ephemeral refusal comes back at once and no subscription is stored', async () => {
    const interaction = command(
      MEMBER,
      ['subscribe', 'player'],
      [{ name: 'player', type: 3, value: String(PLAYER) }],
    );
    const enqueuedBefore = harness.enqueued.length;

    const answer = await deliver(interaction);

    expect(answer.status).toBe(200);
    expect(answer.json.type).toBe(4);
    const data = answer.json.data as { content?: string; flags?: number };
    expect(data.flags).toBe(64);
    expect(data.content).toContain('Manage Server');
    const shown = harness.standin.messages.find((message) => message.interactionToken === interaction.token);
    expect(shown).toMatchObject({ via: 'interaction-callback', flags: 64 });
    expect(await subscriptionCount(MEMBER.userId)).toBe(0);
    expect(harness.enqueued.length).toBe(enqueuedBefore);
  });

  it('when /dota match asks for a match Valve does not have, then the deferred reply is deleted and an ephemeral follow-up says so', async () => {
    const interaction = command(MEMBER, ['match'], [{ name: 'id', type: 4, value: 999 }]);

    const answer = await deliver(interaction);

    expect(answer).toEqual({ status: 200, json: { type: 5, data: {} } });
    const followUp = await waitForMessage(
      harness.standin,
      (message) => message.interactionToken === interaction.token,
    );
    expect(followUp.via).toBe('webhook-followup');
    expect(followUp.flags).toBe(64);
    expect(followUp.content).toContain('999');
    expect(followUp.content).toMatch(/no public match/i);
    const webhookCalls = harness.standin.requests.filter((request) =>
      request.path.includes(interaction.token),
    );
    expect(webhookCalls.map(({ method, status }) => `${method} ${status}`)).toEqual([
      'DELETE 204',
      'POST 204',
    ]);
    expect(webhookCalls[0]?.path).toMatch(/\/messages\/(@|%40)original$/);
    expect(harness.standin.messages.filter((m) => m.interactionToken === interaction.token)).toHaveLength(1);
    expect(await findMatch(harness.database.db, 999)).toBeNull();
  });
});
