// Discord autocomplete for /dota hero over both transports: choices in the first response, failures as an empty list.
import { Routes } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import type { AnyCommand } from '../../../src/bots/core/command.js';
import { COMMANDS } from '../../../src/bots/core/commands/index.js';
import { heroCommand } from '../../../src/bots/core/commands/hero.command.js';
import { buildCommandData } from '../../../src/bots/discord/command-data.js';
import { startGatewayBot, type GatewayBot } from '../../../src/bots/discord/gateway.js';
import { INTERACTIONS_PATH, interactionsRoute } from '../../../src/bots/discord/http-interactions.js';
import type { InteractionDeps } from '../../../src/bots/discord/interactions.js';
import { DiscordHttpError } from '../../../src/fakes/discord-standin.server.js';
import { createInteractionSigner, type InteractionSigner } from '../../../src/fakes/interaction-signer.js';
import { autocompleteInteraction, slashInteraction } from '../../../src/fakes/slash-interaction.js';
import { startHttpServer, type HttpServer } from '../../../src/http/server.js';
import { createLogger } from '../../../src/log.js';
import {
  startDiscordHarness,
  startHarnessGateway,
  type DiscordHarness,
} from '../../support/discord-harness.js';

const GUILD = '1500000000000000001';
const CHANNEL = '1500000000000000002';
const MEMBER = { userId: '1500000000000000003', username: 'member', permissions: '0' };
const STRING = 3;

let harness: DiscordHarness;
let signer: InteractionSigner;
const servers: HttpServer[] = [];
let bot: GatewayBot | undefined;

beforeAll(async () => {
  harness = await startDiscordHarness();
  signer = createInteractionSigner();
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await harness?.close();
});

/** An HTTP-interactions endpoint serving `deps`; its URL. */
async function endpoint(deps: InteractionDeps): Promise<string> {
  const route = interactionsRoute(deps, signer.publicKeyHex, systemClock, createLogger('silent'));
  const server = await startHttpServer([route], 0, createLogger('silent'));
  servers.push(server);
  return `http://127.0.0.1:${server.port}${INTERACTIONS_PATH}`;
}

function typing(value: string, applicationId = harness.standin.applicationId) {
  return autocompleteInteraction({
    applicationId,
    guildId: GUILD,
    channelId: CHANNEL,
    ...MEMBER,
    path: ['hero'],
    options: [{ name: 'name', type: STRING, value }],
    focused: 'name',
  });
}

/** Plays Discord's part in HTTP mode: POST the signed interaction, then hand the answer to the stand-in. */
async function deliver(url: string, interaction: Record<string, unknown> & { id: string }) {
  harness.standin.registerInteraction(interaction);
  const body = JSON.stringify(interaction);
  const response = await fetch(url, { method: 'POST', headers: signer.headers(body), body });
  const json = (await response.json()) as { type: number; data?: { choices?: unknown[] } };
  if (response.status === 200) harness.standin.recordInteractionResponse(interaction.id, json);
  return { status: response.status, json };
}

/** The command list with hero's `complete` replaced. */
function withHeroComplete(complete: AnyCommand['complete']): readonly AnyCommand[] {
  return COMMANDS.map((command) => (command === heroCommand ? { ...heroCommand, complete } : command));
}

/** A logger whose JSON lines land in `lines`. */
function capturingLogger(lines: Record<string, unknown>[]) {
  return createLogger('info', {
    write: (line: string) => {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
}

describe('autocomplete over HTTP interactions', () => {
  it('when "anti" is typed into /dota hero, then the HTTP answer is type 8 with Anti-Mage first and nothing is posted', async () => {
    const url = await endpoint(harness.deps);
    const interaction = typing('anti');
    const messagesBefore = harness.standin.messages.length;

    const answer = await deliver(url, interaction);

    expect(answer.status).toBe(200);
    expect(answer.json.type).toBe(8);
    const choices = answer.json.data?.choices ?? [];
    expect(choices[0]).toEqual({ name: 'Anti-Mage', value: '1' });
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(harness.standin.autocompleteResults.find((r) => r.interactionId === interaction.id)).toEqual({
      interactionId: interaction.id,
      choices,
    });
    expect(harness.standin.messages.length).toBe(messagesBefore);
  });

  it('when the command’s complete throws, then the answer is type 8 with no choices and the failure is logged', async () => {
    const lines: Record<string, unknown>[] = [];
    const url = await endpoint({
      ...harness.deps,
      commands: withHeroComplete(() => Promise.reject(new Error('database unavailable'))),
      log: capturingLogger(lines),
    });

    const answer = await deliver(url, typing('anti'));

    expect(answer).toEqual({ status: 200, json: { type: 8, data: { choices: [] } } });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'autocomplete failed',
        err: expect.objectContaining({ message: 'database unavailable' }) as unknown,
      }),
    );
  });

  it('when complete never answers, then the deadline still gets an empty list in time', async () => {
    const url = await endpoint({
      ...harness.deps,
      commands: withHeroComplete(() => new Promise(() => undefined)),
      autocompleteTimeoutMs: 50,
    });

    const answer = await deliver(url, typing('pudge'));

    expect(answer).toEqual({ status: 200, json: { type: 8, data: { choices: [] } } });
  });

  it('when complete offers more than 25 choices or over-long names, then Discord gets 25 that fit its limits', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `${'x'.repeat(120)}${i}`, value: String(i) }));
    const url = await endpoint({ ...harness.deps, commands: withHeroComplete(() => Promise.resolve(many)) });

    const answer = await deliver(url, typing('x'));

    const choices = (answer.json.data?.choices ?? []) as { name: string }[];
    expect(choices).toHaveLength(25);
    expect(choices.every((choice) => choice.name.length === 100)).toBe(true);
  });
});

describe('the stand-in enforces autocomplete answers', () => {
  it('when 26 choices are answered, then it refuses with 400 Invalid Form Body on data.choices', () => {
    const interaction = typing('a');
    harness.standin.registerInteraction(interaction);
    const choices = Array.from({ length: 26 }, (_, i) => ({ name: `Hero ${i}`, value: String(i) }));

    let refusal: unknown;
    try {
      harness.standin.recordInteractionResponse(interaction.id, { type: 8, data: { choices } });
    } catch (error) {
      refusal = error;
    }

    expect(refusal).toBeInstanceOf(DiscordHttpError);
    expect((refusal as DiscordHttpError).body()).toEqual({
      message: 'Invalid Form Body',
      code: 50035,
      errors: {
        data: {
          choices: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] },
        },
      },
    });
  });

  it('when a slash command is answered with type 8, then it refuses with 40043', () => {
    const command = slashInteraction({
      applicationId: harness.standin.applicationId,
      guildId: GUILD,
      channelId: CHANNEL,
      ...MEMBER,
      path: ['hero'],
      options: [{ name: 'name', type: STRING, value: 'pudge' }],
    });
    harness.standin.registerInteraction(command);

    expect(() =>
      harness.standin.recordInteractionResponse(command.id, { type: 8, data: { choices: [] } }),
    ).toThrow(expect.objectContaining({ status: 400, code: 40043 }));
  });
});

describe('autocomplete over the gateway', () => {
  it('when "anti" is typed, then the interaction callback carries type-8 choices with Anti-Mage first', async () => {
    const { standin } = harness;
    bot = await startHarnessGateway(harness);
    const interaction = typing('anti');

    await standin.dispatchInteraction(interaction);
    const result = await standin.waitForAutocompleteResult(interaction.id);

    expect(result.choices[0]).toEqual({ name: 'Anti-Mage', value: '1' });
    const callbacks = standin.requests.filter((request) =>
      request.path.endsWith(`/${interaction.id}/${interaction.token}/callback`),
    );
    expect(callbacks.map((request) => `${request.method} ${request.status}`)).toEqual(['POST 204']);
  });

  it('when complete throws over the gateway, then the callback still answers with an empty list', async () => {
    const { standin } = harness;
    bot = await startGatewayBot(
      { ...harness.deps, commands: withHeroComplete(() => Promise.reject(new Error('boom'))) },
      { token: standin.botToken, apiBaseUrl: standin.restBaseUrl },
      createLogger('silent'),
    );
    await standin.waitForIdentify();
    const interaction = typing('anti');

    await standin.dispatchInteraction(interaction);

    expect(await standin.waitForAutocompleteResult(interaction.id)).toEqual({
      interactionId: interaction.id,
      choices: [],
    });
  });
});

describe('registered command', () => {
  it('when /dota is registered, then hero’s name option has autocomplete: true and other options do not', async () => {
    await harness.rest.put(Routes.applicationCommands(harness.standin.applicationId), {
      body: [buildCommandData(COMMANDS)],
    });

    const [dota] = harness.standin.commands as { options?: Record<string, unknown>[] }[];
    const hero = dota?.options?.find((option) => option.name === 'hero') as
      { options?: Record<string, unknown>[] } | undefined;
    expect(hero?.options).toEqual([
      expect.objectContaining({ name: 'name', type: STRING, required: true, autocomplete: true }),
    ]);
    const match = dota?.options?.find((option) => option.name === 'match') as
      { options?: Record<string, unknown>[] } | undefined;
    expect(match?.options?.[0]).not.toHaveProperty('autocomplete');
  });
});
