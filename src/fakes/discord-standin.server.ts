// Loopback Discord (REST v10 + gateway) for tests and the offline demo: the real discord.js talks to it, and it enforces the protocol.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../http/listen.js';
import { StandinGateway, type ShardPair } from './discord-standin/gateway.js';
import {
  DiscordHttpError,
  attachmentsFrom,
  invalidFormBody,
  isRecord,
  isSnowflake,
  messageObject,
  numberField,
  parseBody,
  recordField,
  snowflake,
  validateMessagePayload,
  type StoredMessage,
  type UploadedFile,
} from './discord-standin/payloads.js';
import {
  FixedWindowLimiter,
  bucketHash,
  rateLimitHeaders,
  retryAfter,
} from './discord-standin/rate-limits.js';

export { DiscordHttpError } from './discord-standin/payloads.js';

/** One message as Discord would have shown it: channel posts, interaction replies, edits and follow-ups. */
export interface StandinMessage {
  /** Discord message id; an edit of `@original` keeps the id of the message it edits. */
  id: string;
  channelId: string;
  content: string;
  embeds: unknown[];
  attachments: { filename: string; contentType: string; data: Buffer }[];
  via: 'channel' | 'interaction-callback' | 'webhook-edit' | 'webhook-followup';
  interactionToken?: string;
  /** Message flags as sent (64 = ephemeral). */
  flags: number;
  receivedAt: number;
}

/** The choices an AUTOCOMPLETE interaction was answered with (callback type 8), as Discord would show them. */
export interface StandinAutocompleteResult {
  interactionId: string;
  choices: { name: string; value: string | number }[];
}

/** One REST request as the stand-in answered it (429s included), for asserting client behaviour. */
export interface StandinRequest {
  method: string;
  path: string;
  status: number;
  /** When the request arrived (before its body was read). */
  at: number;
}

export interface DiscordStandinOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The only token accepted; defaults to a random Discord-shaped token. */
  botToken?: string;
  /** Application id; the bot user shares it, as for real bot applications. */
  applicationId?: string;
  botUsername?: string;
  /** Requests per window in each (route, channel) bucket of channel routes; default 5 (Discord's message bucket). */
  channelLimit?: number;
  /** Window of every per-route bucket in ms; default 5000. */
  windowMs?: number;
  /** Requests per window for non-channel buckets (gateway, users, applications, interactions, webhooks); default 50. */
  routeLimit?: number;
  /** Authenticated requests per second across all routes; default 50, Discord's global limit. */
  globalLimit?: number;
  /** When given, only these channel ids exist (others answer 404 Unknown Channel); otherwise any snowflake exists. */
  channels?: string[];
  /** Discord invalidates an interaction not acknowledged within 3 s; default 3000. */
  interactionAckTimeoutMs?: number;
  /** Per-file upload limit; default 10 MiB. */
  attachmentSizeLimit?: number;
  /** Privileged intents enabled for the app (bit mask); requesting others closes the gateway with 4014. */
  privilegedIntents?: number;
  /** Clock for rate-limit windows and interaction expiry; defaults to Date.now. */
  now?: () => number;
  /** Shard count GET /gateway/bot recommends (what discord.js's `shards: 'auto'` connects); default 1. */
  shards?: number;
  /**
   * `session_start_limit.max_concurrency`: shards that may IDENTIFY in the same 5 s; default 1, as for most bots.
   * discord.js waits 5 s between shards in one bucket, so sharding tests raise it.
   */
  maxConcurrency?: number;
}

export interface DiscordStandin {
  /** Give to discord.js as `rest: { api: restBaseUrl }`; discord.js appends `/v10`. */
  restBaseUrl: string;
  /** ws URL of the gateway (discord.js learns it from GET /gateway/bot). */
  gatewayUrl: string;
  botToken: string;
  applicationId: string;
  /** Everything posted, in order. */
  messages: StandinMessage[];
  /** Every REST request answered, in order. */
  requests: StandinRequest[];
  /** Global application commands last registered with PUT /applications/:id/commands. */
  commands: Record<string, unknown>[];
  /** How many 429s were served (bucket and global). */
  readonly rateLimitedCount: number;
  /** Every autocomplete answer accepted, in order. */
  autocompleteResults: StandinAutocompleteResult[];
  /** Resolves with the choices once the interaction's autocomplete answer arrives; rejects after `timeoutMs` (default 5000). */
  waitForAutocompleteResult(interactionId: string, timeoutMs?: number): Promise<StandinAutocompleteResult>;
  /** Resolves once `messages.length >= count`; rejects after `timeoutMs` (default 5000). */
  waitForMessages(count: number, timeoutMs?: number): Promise<StandinMessage[]>;
  /**
   * Sends INTERACTION_CREATE to the gateway session of the shard owning the interaction's guild (shard 0 for DMs)
   * and registers the interaction for callbacks.
   */
  dispatchInteraction(interaction: Record<string, unknown>): Promise<void>;
  /** Registers an interaction delivered some other way (HTTP interactions) so its callback and webhooks work. */
  registerInteraction(interaction: Record<string, unknown>): void;
  /**
   * Applies an interaction response the bot returned in its HTTP reply (HTTP interactions) exactly as if it had been
   * POSTed to the callback route; throws DiscordHttpError with Discord's status/code when Discord would refuse it.
   */
  recordInteractionResponse(interactionId: string, response: unknown): void;
  /** Resolves once a gateway client has identified and received READY; rejects after `timeoutMs` (default 5000). */
  waitForIdentify(timeoutMs?: number): Promise<void>;
  /** `[shard_id, num_shards]` of every gateway session that is identified and connected now. */
  readonly identifiedShards: ShardPair[];
  /** Subsequent posts to the channel get 403 Missing Access (50001). */
  forbidChannel(channelId: string): void;
  /**
   * The next request to `path` (e.g. `/channels/123/messages`, without `/api/v10`) answers `status` instead of
   * running the route, after the rate limits counted it, as Discord's 5xx do; queued calls are served in order.
   */
  failNext(path: string, status: number): void;
  /** Sends op 7 RECONNECT to connected clients (they should RESUME). */
  requestReconnect(): Promise<void>;
  close(): Promise<void>;
}

interface InteractionState {
  id: string;
  token: string;
  type: number | undefined;
  channelId: string;
  user: unknown;
  registeredAt: number;
  acknowledged: boolean;
  /** Flags of a deferred response (64 = ephemeral) that the first edit of @original inherits. */
  deferredFlags: number;
  /** Answered with type 5: Discord shows a "thinking…" message as @original until the first edit. */
  deferred: boolean;
  /** @original was deleted (the loading message or the reply): later edits get Unknown Message. */
  originalDeleted: boolean;
  originalId: string | undefined;
  followupIds: Set<string>;
}

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface RouteReply {
  status: number;
  /** undefined → no body and no Content-Type, as Discord answers 204 (discord.js crashes on a JSON-typed 204). */
  body?: unknown;
}

interface Route {
  method: string;
  template: string;
  segments: string[];
  auth: boolean;
  /** Channel routes share `channelLimit`; everything else uses `routeLimit`. */
  channelRoute: boolean;
  major: (params: Record<string, string>) => string;
  handle: (ctx: RouteContext) => RouteReply | Promise<RouteReply>;
}

const apiPrefix = '/api/v10';
const webhookTokenLifetimeMs = 15 * 60_000;
/** How long Discord remembers an enforced nonce ("the past few minutes"). */
const nonceLifetimeMs = 5 * 60_000;
/** Callback types Discord accepts per interaction type (PING, APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL). */
const allowedCallbackTypes: Record<number, number[]> = {
  1: [1],
  2: [4, 5, 9, 12],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};
const knownCallbackTypes = [1, 4, 5, 6, 7, 8, 9, 10, 12];

const unknownInteraction = () => new DiscordHttpError(404, 10062, 'Unknown interaction');
const unknownWebhook = () => new DiscordHttpError(404, 10015, 'Unknown Webhook');
const unknownMessage = () => new DiscordHttpError(404, 10008, 'Unknown Message');

function defaultToken(applicationId: string): string {
  // Discord tokens are base64(user id).timestamp.hmac; discord.js only strips a "Bot " prefix, but keep the shape.
  return `${Buffer.from(applicationId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    // Keep draining so the client sees the 413 instead of a reset connection.
    if (size > maxBytes) tooLarge = true;
    else chunks.push(buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

/** Starts the stand-in on 127.0.0.1 and resolves once it listens. */
export async function startDiscordStandin(options: DiscordStandinOptions = {}): Promise<DiscordStandin> {
  const now = options.now ?? (() => Date.now());
  const applicationId = options.applicationId ?? '1100000000000000001';
  const botToken = options.botToken ?? defaultToken(applicationId);
  const bot = { id: applicationId, username: options.botUsername ?? 'DataDrivenDota' };
  const channelLimit = options.channelLimit ?? 5;
  const routeLimit = options.routeLimit ?? 50;
  const windowMs = options.windowMs ?? 5000;
  const globalLimit = options.globalLimit ?? 50;
  const ackTimeoutMs = options.interactionAckTimeoutMs ?? 3000;
  const attachmentSizeLimit = options.attachmentSizeLimit ?? 10 * 1024 * 1024;
  const knownChannels = options.channels ? new Set(options.channels) : undefined;
  const forbiddenChannels = new Set<string>();
  /** API path → statuses still to be served by `failNext`, in order. */
  const injectedFailures = new Map<string, number[]>();
  /** `channel:nonce` → the message an `enforce_nonce` post created, and when. */
  const nonces = new Map<string, { messageId: string; at: number }>();

  const limiter = new FixedWindowLimiter(now);
  const messages: StandinMessage[] = [];
  const requests: StandinRequest[] = [];
  const commands: Record<string, unknown>[] = [];
  const guildCommands = new Map<string, Record<string, unknown>[]>();
  const stored = new Map<string, StoredMessage>();
  const interactionsById = new Map<string, InteractionState>();
  const interactionsByToken = new Map<string, InteractionState>();
  const messageWaiters = new Set<() => void>();
  const autocompleteResults: StandinAutocompleteResult[] = [];
  const autocompleteWaiters = new Set<() => void>();
  const identifyWaiters = new Set<() => void>();
  let rateLimitedCount = 0;
  let origin = '';

  const newId = () => snowflake(now());
  const wire = (message: StoredMessage) =>
    messageObject(message, bot, `${origin}/attachments`, applicationId);

  function record(message: StoredMessage, via: StandinMessage['via'], interactionToken?: string): void {
    messages.push({
      id: message.id,
      channelId: message.channelId,
      content: message.content,
      embeds: message.embeds,
      attachments: message.attachments.map(({ filename, contentType, data }) => ({
        filename,
        contentType,
        data,
      })),
      via,
      ...(interactionToken === undefined ? {} : { interactionToken }),
      flags: message.flags,
      receivedAt: now(),
    });
    for (const wake of [...messageWaiters]) wake();
  }

  function storeNew(
    channelId: string,
    payload: Record<string, unknown>,
    files: UploadedFile[],
    extra: Partial<StoredMessage> = {},
  ): StoredMessage {
    const message: StoredMessage = {
      id: newId(),
      channelId,
      content: typeof payload.content === 'string' ? payload.content : '',
      embeds: Array.isArray(payload.embeds) ? (payload.embeds as unknown[]) : [],
      attachments: attachmentsFrom(payload, files, newId),
      flags: numberField(payload, 'flags') ?? 0,
      createdAt: now(),
      editedAt: null,
      ...extra,
    };
    stored.set(message.id, message);
    return message;
  }

  /** Webhook edits replace only the fields sent; `attachments` lists which existing attachments to keep. */
  function applyEdit(
    message: StoredMessage,
    payload: Record<string, unknown>,
    files: UploadedFile[],
  ): StoredMessage {
    const kept = Array.isArray(payload.attachments)
      ? message.attachments.filter((a) =>
          (payload.attachments as unknown[]).some((keep) => isRecord(keep) && String(keep.id) === a.id),
        )
      : message.attachments;
    const next: StoredMessage = {
      ...message,
      content:
        typeof payload.content === 'string'
          ? payload.content
          : payload.content === null
            ? ''
            : message.content,
      embeds: Array.isArray(payload.embeds) ? (payload.embeds as unknown[]) : message.embeds,
      attachments: [...kept, ...attachmentsFrom(payload, files, newId)],
      flags: numberField(payload, 'flags') ?? message.flags,
      editedAt: now(),
    };
    const merged = { content: next.content, embeds: next.embeds, components: payload.components };
    validateMessagePayload(merged, [], { attachmentSizeLimit });
    if (
      next.content === '' &&
      next.embeds.length === 0 &&
      next.attachments.length === 0 &&
      !payload.components
    ) {
      throw new DiscordHttpError(400, 50006, 'Cannot send an empty message');
    }
    stored.set(next.id, next);
    return next;
  }

  function checkChannel(channelId: string): void {
    if (!isSnowflake(channelId)) {
      throw invalidFormBody('channel_id', 'NUMBER_TYPE_COERCE', `Value "${channelId}" is not snowflake.`);
    }
    if (knownChannels && !knownChannels.has(channelId))
      throw new DiscordHttpError(404, 10003, 'Unknown Channel');
    if (forbiddenChannels.has(channelId)) throw new DiscordHttpError(403, 50001, 'Missing Access');
  }

  function register(interaction: Record<string, unknown>): InteractionState {
    const { id, token } = interaction;
    if (typeof id !== 'string' || typeof token !== 'string') {
      throw new TypeError('an interaction needs string `id` and `token`');
    }
    const channel = recordField(interaction, 'channel');
    const member = recordField(interaction, 'member');
    const state: InteractionState = {
      id,
      token,
      type: numberField(interaction, 'type'),
      channelId:
        typeof interaction.channel_id === 'string'
          ? interaction.channel_id
          : typeof channel?.id === 'string'
            ? channel.id
            : '0',
      user: member?.user ?? interaction.user,
      registeredAt: now(),
      acknowledged: false,
      deferredFlags: 0,
      deferred: false,
      originalDeleted: false,
      originalId: undefined,
      followupIds: new Set(),
    };
    interactionsById.set(id, state);
    interactionsByToken.set(token, state);
    return state;
  }

  /** Discord's limits on autocomplete choices: at most 25, names 1–100 characters, string values up to 100. */
  function validateChoices(data: Record<string, unknown>): StandinAutocompleteResult['choices'] {
    const { choices } = data;
    if (choices === undefined) return [];
    if (!Array.isArray(choices))
      throw invalidFormBody('data.choices', 'LIST_TYPE_CONVERT', 'Must be an array.');
    if (choices.length > 25) {
      throw invalidFormBody('data.choices', 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    }
    return choices.map((choice: unknown, i) => {
      const name = isRecord(choice) ? choice.name : undefined;
      const value = isRecord(choice) ? choice.value : undefined;
      if (typeof name !== 'string' || name.length < 1 || name.length > 100) {
        throw invalidFormBody(
          `data.choices.${i}.name`,
          'BASE_TYPE_BAD_LENGTH',
          'Must be between 1 and 100 in length.',
        );
      }
      if (!(typeof value === 'number' || (typeof value === 'string' && value.length <= 100))) {
        throw invalidFormBody(
          `data.choices.${i}.value`,
          'BASE_TYPE_MAX_LENGTH',
          'Must be 100 or fewer in length.',
        );
      }
      return { name, value };
    });
  }

  function acknowledge(
    state: InteractionState,
    body: Record<string, unknown>,
    files: UploadedFile[],
  ): { callbackType: number; message: StoredMessage | undefined } {
    // Discord forgets interactions that were not answered within 3 s; late answers get "Unknown interaction".
    if (!state.acknowledged && now() - state.registeredAt > ackTimeoutMs) throw unknownInteraction();
    if (state.acknowledged)
      throw new DiscordHttpError(400, 40060, 'Interaction has already been acknowledged.');
    const callbackType = body.type;
    if (typeof callbackType !== 'number' || !knownCallbackTypes.includes(callbackType)) {
      throw invalidFormBody(
        'type',
        'BASE_TYPE_CHOICES',
        `Value must be one of ${knownCallbackTypes.join(', ')}.`,
      );
    }
    const allowed = state.type === undefined ? knownCallbackTypes : (allowedCallbackTypes[state.type] ?? []);
    if (!allowed.includes(callbackType)) {
      throw new DiscordHttpError(
        400,
        40043,
        'This interaction response type is not valid for this interaction type.',
      );
    }
    const data = recordField(body, 'data') ?? {};
    let message: StoredMessage | undefined;
    if (callbackType === 4 || callbackType === 7) {
      validateMessagePayload(data, files, { attachmentSizeLimit });
      message = storeNew(state.channelId, data, files, {
        interaction: { id: state.id, type: state.type ?? 2, user: state.user },
      });
      state.originalId = message.id;
    }
    if (callbackType === 8) {
      autocompleteResults.push({ interactionId: state.id, choices: validateChoices(data) });
      for (const wake of [...autocompleteWaiters]) wake();
    }
    if (callbackType === 5) {
      state.deferred = true;
      state.deferredFlags = numberField(data, 'flags') ?? 0;
    }
    state.acknowledged = true;
    if (message) record(message, 'interaction-callback', state.token);
    return { callbackType, message };
  }

  function webhookInteraction(params: Record<string, string>): InteractionState {
    const state = interactionsByToken.get(params.token ?? '');
    if (params.app !== applicationId || !state) throw unknownWebhook();
    if (now() - state.registeredAt > webhookTokenLifetimeMs) {
      throw new DiscordHttpError(401, 50027, 'Invalid Webhook Token');
    }
    // The interaction webhook only exists once the interaction was acknowledged (reply or defer).
    if (!state.acknowledged) throw unknownWebhook();
    return state;
  }

  function webhookMessage(state: InteractionState, messageId: string): StoredMessage | undefined {
    if (messageId === '@original')
      return state.originalId === undefined ? undefined : stored.get(state.originalId);
    if (!state.followupIds.has(messageId)) throw unknownMessage();
    return stored.get(messageId);
  }

  function validateCommands(body: unknown): Record<string, unknown>[] {
    if (!Array.isArray(body)) throw new DiscordHttpError(400, 50035, 'Invalid Form Body');
    if (body.length > 100)
      throw invalidFormBody('_errors', 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
    return body.map((command: unknown, i) => {
      if (!isRecord(command)) throw invalidFormBody(`${i}`, 'DICT_TYPE_CONVERT', 'Must be an object.');
      const type = numberField(command, 'type') ?? 1;
      const name = command.name;
      // Chat-input command names are lowercase; Discord rejects anything else with APPLICATION_COMMAND_INVALID_NAME.
      if (
        typeof name !== 'string' ||
        !/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u.test(name) ||
        (type !== 1 && name.length === 0)
      ) {
        throw invalidFormBody(`${i}.name`, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      const description = command.description;
      if (
        type === 1 &&
        (typeof description !== 'string' || description.length < 1 || description.length > 100)
      ) {
        throw invalidFormBody(
          `${i}.description`,
          'BASE_TYPE_BAD_LENGTH',
          'Must be between 1 and 100 in length.',
        );
      }
      if (Array.isArray(command.options) && command.options.length > 25) {
        throw invalidFormBody(`${i}.options`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      }
      return {
        default_member_permissions: null,
        nsfw: false,
        integration_types: [0],
        contexts: null,
        options: [],
        ...command,
        id: newId(),
        application_id: applicationId,
        version: newId(),
        type,
        description: typeof description === 'string' ? description : '',
      };
    });
  }

  function checkApplication(params: Record<string, string>): void {
    if (params.app !== applicationId) throw new DiscordHttpError(403, 50001, 'Missing Access');
  }

  const userObject = () => ({
    id: bot.id,
    username: bot.username,
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
    flags: 0,
    verified: true,
    mfa_enabled: false,
  });

  const routeDefinitions: Omit<Route, 'segments'>[] = [
    {
      method: 'GET',
      template: '/gateway',
      auth: false,
      channelRoute: false,
      major: () => '',
      handle: () => ({ status: 200, body: { url: gatewayUrl } }),
    },
    {
      method: 'GET',
      template: '/gateway/bot',
      auth: true,
      channelRoute: false,
      major: () => '',
      handle: () => ({
        status: 200,
        body: {
          url: gatewayUrl,
          shards: options.shards ?? 1,
          session_start_limit: {
            total: 1000,
            remaining: 999,
            reset_after: 0,
            max_concurrency: options.maxConcurrency ?? 1,
          },
        },
      }),
    },
    {
      method: 'GET',
      template: '/users/@me',
      auth: true,
      channelRoute: false,
      major: () => '',
      handle: () => ({ status: 200, body: userObject() }),
    },
    {
      method: 'GET',
      template: '/applications/@me',
      auth: true,
      channelRoute: false,
      major: () => '',
      handle: () => ({
        status: 200,
        body: {
          id: applicationId,
          name: bot.username,
          icon: null,
          description: '',
          summary: '',
          bot_public: false,
          bot_require_code_grant: false,
          flags: 0,
          team: null,
          owner: { id: '1100000000000000002', username: 'standin-owner', discriminator: '0', avatar: null },
          bot: userObject(),
        },
      }),
    },
    {
      method: 'GET',
      template: '/applications/:app/commands',
      auth: true,
      channelRoute: false,
      major: ({ app }) => app ?? '',
      handle: ({ params }) => {
        checkApplication(params);
        return { status: 200, body: commands };
      },
    },
    {
      method: 'PUT',
      template: '/applications/:app/commands',
      auth: true,
      channelRoute: false,
      major: ({ app }) => app ?? '',
      handle: ({ params, body }) => {
        checkApplication(params);
        const registered = validateCommands(JSON.parse(body.toString('utf8') || '[]'));
        commands.splice(0, commands.length, ...registered);
        return { status: 200, body: registered };
      },
    },
    {
      method: 'GET',
      template: '/applications/:app/guilds/:guild/commands',
      auth: true,
      channelRoute: false,
      major: ({ app }) => app ?? '',
      handle: ({ params }) => {
        checkApplication(params);
        return { status: 200, body: guildCommands.get(params.guild ?? '') ?? [] };
      },
    },
    {
      method: 'PUT',
      template: '/applications/:app/guilds/:guild/commands',
      auth: true,
      channelRoute: false,
      major: ({ app }) => app ?? '',
      handle: ({ params, body }) => {
        checkApplication(params);
        const guildId = params.guild ?? '';
        const registered = validateCommands(JSON.parse(body.toString('utf8') || '[]')).map((c) => ({
          ...c,
          guild_id: guildId,
        }));
        guildCommands.set(guildId, registered);
        return { status: 200, body: registered };
      },
    },
    {
      method: 'POST',
      template: '/channels/:channel/messages',
      auth: true,
      channelRoute: true,
      major: ({ channel }) => channel ?? '',
      handle: async ({ params, headers, body }) => {
        const channelId = params.channel ?? '';
        checkChannel(channelId);
        const { payload, files } = await parseBody(headers['content-type'], body);
        validateMessagePayload(payload, files, { attachmentSizeLimit });
        const { nonce } = payload;
        if (typeof nonce === 'string' && nonce.length > 25) {
          throw invalidFormBody('nonce', 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
        }
        const nonceKey =
          payload.enforce_nonce === true && (typeof nonce === 'string' || typeof nonce === 'number')
            ? `${channelId}:${String(nonce)}`
            : undefined;
        // With enforce_nonce, a repeat within a few minutes returns the first message and creates nothing.
        const earlier = nonceKey === undefined ? undefined : nonces.get(nonceKey);
        const original =
          earlier && now() - earlier.at < nonceLifetimeMs ? stored.get(earlier.messageId) : undefined;
        if (original) return { status: 200, body: wire(original) };
        const message = storeNew(channelId, payload, files);
        if (nonceKey !== undefined) nonces.set(nonceKey, { messageId: message.id, at: now() });
        record(message, 'channel');
        return { status: 200, body: wire(message) };
      },
    },
    {
      method: 'POST',
      template: '/interactions/:interaction/:token/callback',
      auth: false,
      channelRoute: false,
      major: ({ interaction }) => interaction ?? '',
      handle: async ({ params, query, headers, body }) => {
        const state = interactionsById.get(params.interaction ?? '');
        if (!state || state.token !== params.token) throw unknownInteraction();
        const { payload, files } = await parseBody(headers['content-type'], body);
        const { callbackType, message } = acknowledge(state, payload, files);
        if (query.get('with_response') !== 'true') return { status: 204 };
        return {
          status: 200,
          body: {
            interaction: {
              id: state.id,
              type: state.type ?? 2,
              ...(message ? { response_message_id: message.id, response_message_loading: false } : {}),
              ...(message ? { response_message_ephemeral: (message.flags & 64) !== 0 } : {}),
              ...(callbackType === 5 ? { response_message_loading: true } : {}),
            },
            ...(message ? { resource: { type: callbackType, message: wire(message) } } : {}),
          },
        };
      },
    },
    {
      method: 'POST',
      template: '/webhooks/:app/:token',
      auth: false,
      channelRoute: false,
      major: ({ app, token }) => `${app}/${token}`,
      handle: async ({ params, query, headers, body }) => {
        const state = webhookInteraction(params);
        const { payload, files } = await parseBody(headers['content-type'], body);
        validateMessagePayload(payload, files, { attachmentSizeLimit });
        const message = storeNew(state.channelId, payload, files, {
          webhookId: applicationId,
          interaction: { id: state.id, type: state.type ?? 2, user: state.user },
        });
        state.followupIds.add(message.id);
        record(message, 'webhook-followup', state.token);
        return query.get('wait') === 'true' ? { status: 200, body: wire(message) } : { status: 204 };
      },
    },
    {
      method: 'GET',
      template: '/webhooks/:app/:token/messages/:message',
      auth: false,
      channelRoute: false,
      major: ({ app, token }) => `${app}/${token}`,
      handle: ({ params }) => {
        const message = webhookMessage(webhookInteraction(params), params.message ?? '');
        if (!message) throw unknownMessage();
        return { status: 200, body: wire(message) };
      },
    },
    {
      method: 'PATCH',
      template: '/webhooks/:app/:token/messages/:message',
      auth: false,
      channelRoute: false,
      major: ({ app, token }) => `${app}/${token}`,
      handle: async ({ params, headers, body }) => {
        const state = webhookInteraction(params);
        if (params.message === '@original' && state.originalDeleted) throw unknownMessage();
        const existing = webhookMessage(state, params.message ?? '');
        const { payload, files } = await parseBody(headers['content-type'], body);
        let message: StoredMessage;
        if (existing) {
          message = applyEdit(existing, payload, files);
        } else {
          // After a deferral the "original" is a loading placeholder: the first edit gives it its content.
          validateMessagePayload(payload, files, { attachmentSizeLimit });
          message = storeNew(state.channelId, payload, files, {
            webhookId: applicationId,
            interaction: { id: state.id, type: state.type ?? 2, user: state.user },
            flags: state.deferredFlags,
          });
          state.originalId = message.id;
        }
        record(message, 'webhook-edit', state.token);
        return { status: 200, body: wire(message) };
      },
    },
    {
      method: 'DELETE',
      template: '/webhooks/:app/:token/messages/:message',
      auth: false,
      channelRoute: false,
      major: ({ app, token }) => `${app}/${token}`,
      handle: ({ params }) => {
        const state = webhookInteraction(params);
        const message = webhookMessage(state, params.message ?? '');
        if (!message) {
          // A deferred reply's "thinking…" message is a real @original that can be deleted before any edit.
          if (params.message !== '@original' || !state.deferred || state.originalDeleted)
            throw unknownMessage();
          state.originalDeleted = true;
          return { status: 204 };
        }
        stored.delete(message.id);
        if (state.originalId === message.id) {
          state.originalId = undefined;
          state.originalDeleted = true;
        }
        state.followupIds.delete(message.id);
        return { status: 204 };
      },
    },
  ];
  const routes: Route[] = routeDefinitions.map((r) => ({ ...r, segments: r.template.split('/').slice(1) }));

  function match(segments: string[]): {
    candidates: Route[];
    params: (route: Route) => Record<string, string>;
  } {
    const candidates = routes.filter(
      (route) =>
        route.segments.length === segments.length &&
        route.segments.every((part, i) => part.startsWith(':') || part === segments[i]),
    );
    return {
      candidates,
      params: (route) =>
        Object.fromEntries(
          route.segments.flatMap((part, i) =>
            part.startsWith(':') ? [[part.slice(1), segments[i] ?? '']] : [],
          ),
        ),
    };
  }

  function sendJson(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): void {
    response.statusCode = status;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    if (body === undefined) {
      response.end();
      return;
    }
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://standin.invalid');
    const method = (request.method ?? 'GET').toUpperCase();
    const arrivedAt = now();
    const reply = (status: number, body: unknown, headers: Record<string, string>) => {
      requests.push({ method, path: url.pathname, status, at: arrivedAt });
      sendJson(response, status, body, headers);
    };

    const maxBody = attachmentSizeLimit * 10 + 1024 * 1024;
    const body = await readBody(request, maxBody);

    if (url.pathname.startsWith('/attachments/') && method === 'GET') {
      const id = url.pathname.split('/')[3] ?? '';
      const attachment = [...stored.values()].flatMap((m) => m.attachments).find((a) => a.id === id);
      if (!attachment) return reply(404, { message: '404: Not Found', code: 0 }, {});
      requests.push({ method, path: url.pathname, status: 200, at: arrivedAt });
      response.writeHead(200, {
        'Content-Type': attachment.contentType,
        'Content-Length': attachment.data.length,
      });
      response.end(attachment.data);
      return;
    }

    // Discord decodes each path segment, so discord.js's `%40original` and a literal `@original` are the same.
    const segments = url.pathname.startsWith(`${apiPrefix}/`)
      ? url.pathname
          .slice(apiPrefix.length + 1)
          .split('/')
          .map((s) => {
            try {
              return decodeURIComponent(s);
            } catch {
              return s;
            }
          })
      : undefined;
    const { candidates, params } = segments ? match(segments) : { candidates: [], params: () => ({}) };
    const route = candidates.find((r) => r.method === method);
    const fallbackHash = bucketHash(method, 'unmatched');
    const fallbackHeaders = () =>
      rateLimitHeaders(limiter.peek(`${fallbackHash}:`, routeLimit, windowMs), fallbackHash, now());
    if (!route) {
      if (candidates.length > 0)
        return reply(405, { message: '405: Method Not Allowed', code: 0 }, fallbackHeaders());
      return reply(404, { message: '404: Not Found', code: 0 }, fallbackHeaders());
    }

    const routeParams = params(route);
    const hash = bucketHash(method, route.template);
    const bucketKey = `${hash}:${route.major(routeParams)}`;
    const limit = route.channelRoute ? channelLimit : routeLimit;

    if (route.auth && request.headers.authorization !== `Bot ${botToken}`) {
      return reply(
        401,
        { message: '401: Unauthorized', code: 0 },
        rateLimitHeaders(limiter.peek(bucketKey, limit, windowMs), hash, now()),
      );
    }

    // Discord's global limit counts a bot token's requests; interaction and webhook routes are exempt.
    if (route.auth) {
      const global = limiter.take('global', globalLimit, 1000);
      if (!global.allowed) {
        rateLimitedCount += 1;
        const wait = retryAfter(global, now());
        return reply(
          429,
          { message: 'You are being rate limited.', retry_after: wait.body, global: true },
          {
            ...rateLimitHeaders(limiter.peek(bucketKey, limit, windowMs), hash, now()),
            'Retry-After': wait.header,
            'X-RateLimit-Global': 'true',
            'X-RateLimit-Scope': 'global',
          },
        );
      }
    }

    const bucket = limiter.take(bucketKey, limit, windowMs);
    const headers = rateLimitHeaders(bucket, hash, now());
    if (!bucket.allowed) {
      rateLimitedCount += 1;
      const wait = retryAfter(bucket, now());
      return reply(
        429,
        { message: 'You are being rate limited.', retry_after: wait.body, global: false },
        { ...headers, 'Retry-After': wait.header, 'X-RateLimit-Scope': 'user' },
      );
    }

    if (body === undefined) return reply(413, { message: 'Request entity too large', code: 40005 }, headers);
    const injected = injectedFailures.get(url.pathname.slice(apiPrefix.length))?.shift();
    if (injected !== undefined)
      return reply(injected, { message: `${injected}: Injected failure`, code: 0 }, headers);
    try {
      const result = await route.handle({
        params: routeParams,
        query: url.searchParams,
        headers: request.headers,
        body,
      });
      return reply(result.status, result.body, headers);
    } catch (error) {
      if (error instanceof DiscordHttpError) return reply(error.status, error.body(), headers);
      if (error instanceof SyntaxError) {
        return reply(400, { message: 'The request body contains invalid JSON.', code: 50109 }, headers);
      }
      throw error;
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendJson(response, 500, { message: `500: Internal Server Error (${String(error)})`, code: 0 }, {});
      } else {
        response.destroy();
      }
    });
  });

  let gatewayUrl = '';
  const gateway = new StandinGateway({
    token: botToken,
    user: bot,
    applicationId,
    privilegedIntents: options.privilegedIntents ?? 0,
    heartbeatIntervalMs: 41_250,
    resumeUrl: () => gatewayUrl,
    onReady: () => {
      for (const wake of [...identifyWaiters]) wake();
    },
  });
  server.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://standin.invalid').pathname !== '/gateway') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    gateway.handleUpgrade(request, socket, head);
  });

  const port = await listen(server, options.port ?? 0, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;
  gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  function waitFor(
    condition: () => boolean,
    waiters: Set<() => void>,
    timeoutMs: number,
    what: () => string,
  ) {
    return new Promise<void>((resolve, reject) => {
      if (condition()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`discord stand-in: timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      const wake = () => {
        if (!condition()) return;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      };
      waiters.add(wake);
    });
  }

  let closed = false;
  return {
    restBaseUrl: `${origin}/api`,
    gatewayUrl,
    botToken,
    applicationId,
    messages,
    requests,
    commands,
    get rateLimitedCount() {
      return rateLimitedCount;
    },
    autocompleteResults,
    async waitForAutocompleteResult(interactionId, timeoutMs = 5000) {
      const find = () => autocompleteResults.find((result) => result.interactionId === interactionId);
      await waitFor(
        () => find() !== undefined,
        autocompleteWaiters,
        timeoutMs,
        () => `autocomplete ${interactionId}`,
      );
      const result = find();
      if (!result) throw new Error(`discord stand-in: no autocomplete answer for ${interactionId}`);
      return result;
    },
    async waitForMessages(count, timeoutMs = 5000) {
      await waitFor(
        () => messages.length >= count,
        messageWaiters,
        timeoutMs,
        () => `${count} messages (have ${messages.length})`,
      );
      return messages;
    },
    async dispatchInteraction(interaction) {
      if (gateway.identifiedCount === 0) {
        throw new Error('discord stand-in: no identified gateway session to dispatch INTERACTION_CREATE to');
      }
      register(interaction);
      const guildId = typeof interaction.guild_id === 'string' ? interaction.guild_id : undefined;
      if ((await gateway.dispatchForGuild(guildId, 'INTERACTION_CREATE', interaction)) === 0) {
        throw new Error(`discord stand-in: no gateway session owns the shard of guild ${guildId ?? '(DM)'}`);
      }
    },
    registerInteraction(interaction) {
      register(interaction);
    },
    recordInteractionResponse(interactionId, response) {
      const state = interactionsById.get(interactionId);
      if (!state) throw unknownInteraction();
      if (!isRecord(response)) throw invalidFormBody('type', 'BASE_TYPE_REQUIRED', 'This field is required');
      acknowledge(state, response, []);
    },
    get identifiedShards() {
      return gateway.identifiedShards;
    },
    waitForIdentify(timeoutMs = 5000) {
      return waitFor(
        () => gateway.identifiedCount > 0,
        identifyWaiters,
        timeoutMs,
        () => 'a gateway IDENTIFY',
      );
    },
    forbidChannel(channelId) {
      forbiddenChannels.add(channelId);
    },
    failNext(path, status) {
      injectedFailures.set(path, [...(injectedFailures.get(path) ?? []), status]);
    },
    requestReconnect() {
      return gateway.requestReconnect();
    },
    async close() {
      if (closed) return;
      closed = true;
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
