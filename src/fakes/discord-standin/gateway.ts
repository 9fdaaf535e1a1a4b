// Discord stand-in: the v10 gateway over ws (HELLO, heartbeats, IDENTIFY/READY, RESUME, dispatch) with Discord's close codes.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { deflateSync } from 'node:zlib';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

export interface GatewayOptions {
  token: string;
  user: { id: string; username: string };
  applicationId: string;
  /** Intents the "developer portal" has switched on; others among GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT get 4014. */
  privilegedIntents: number;
  heartbeatIntervalMs: number;
  resumeUrl: () => string;
  onReady: () => void;
}

const privilegedIntentBits = (1 << 1) | (1 << 8) | (1 << 15);
const allIntentBits = (1 << 27) - 1;
/** Discord allows 120 gateway sends per 60 s per connection and closes with 4008 beyond that. */
const sendLimit = 120;
const sendWindowMs = 60_000;
/** Dispatches kept per session so a RESUME can replay what the client missed. */
const replayBufferSize = 200;

const close = {
  unknownOpcode: [4001, 'Unknown opcode.'],
  decodeError: [4002, 'Error while decoding payload.'],
  notAuthenticated: [4003, 'Not authenticated.'],
  authenticationFailed: [4004, 'Authentication failed.'],
  alreadyAuthenticated: [4005, 'Already authenticated.'],
  rateLimited: [4008, 'Rate limited.'],
  sessionTimedOut: [4009, 'Session timed out.'],
  invalidShard: [4010, 'Invalid shard.'],
  invalidApiVersion: [4012, 'Invalid API version.'],
  invalidIntents: [4013, 'Invalid intent(s).'],
  disallowedIntents: [4014, 'Disallowed intent(s).'],
} as const satisfies Record<string, readonly [number, string]>;

interface DispatchRecord {
  s: number;
  t: string;
  d: unknown;
}

/** `[shard_id, num_shards]` as sent in IDENTIFY; a client that sends none is `[0, 1]`. */
export type ShardPair = readonly [number, number];

interface Session {
  id: string;
  /** Which slice of the guilds this session receives events for. */
  shard: ShardPair;
  seq: number;
  /** READY has been written to the socket. */
  ready: boolean;
  replay: DispatchRecord[];
  connection: Connection | undefined;
}

type Compression = 'none' | 'zlib-stream' | 'payload';

interface Connection {
  ws: WebSocket;
  compression: Compression;
  zlibHeaderSent: boolean;
  session: Session | undefined;
  heartbeatTimer: NodeJS.Timeout | undefined;
  receivedAt: number[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** IDENTIFY's `shard` field, or undefined when it is not a valid `[id, count]` pair (Discord closes with 4010). */
function shardPair(value: unknown): ShardPair | undefined {
  if (value === undefined) return [0, 1];
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [id, count] = value as unknown[];
  if (typeof id !== 'number' || typeof count !== 'number') return undefined;
  if (!Number.isInteger(id) || !Number.isInteger(count)) return undefined;
  return count >= 1 && id >= 0 && id < count ? [id, count] : undefined;
}

/** Discord's routing rule: a guild's events go to shard `(guild_id >> 22) % num_shards`; DMs go to shard 0. */
export function shardOfGuild(guildId: string | undefined, shardCount: number): number {
  if (guildId === undefined) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * zlib-stream framing with stored (uncompressed) deflate blocks: every message ends in the Z_SYNC_FLUSH marker
 * `00 00 ff ff` that clients look for, and one shared inflate context reads them all, as with real Discord.
 */
function zlibStreamFrame(data: Buffer, withHeader: boolean): Buffer {
  const parts: Buffer[] = withHeader ? [Buffer.from([0x78, 0x01])] : [];
  for (let offset = 0; offset < data.length; offset += 0xffff) {
    const chunk = data.subarray(offset, offset + 0xffff);
    const header = Buffer.alloc(5);
    header.writeUInt16LE(chunk.length, 1);
    header.writeUInt16LE(~chunk.length & 0xffff, 3);
    parts.push(header, chunk);
  }
  parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
  return Buffer.concat(parts);
}

export class StandinGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly options: GatewayOptions) {}

  /** Sessions that identified, got READY, and are connected right now. */
  get identifiedCount(): number {
    return this.identifiedShards.length;
  }

  /** The shard pair of each session that identified, got READY, and is connected right now. */
  get identifiedShards(): ShardPair[] {
    return [...this.sessions.values()]
      .filter((s) => s.ready && s.connection !== undefined)
      .map((s) => s.shard);
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://standin.invalid');
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, url.searchParams));
  }

  private accept(ws: WebSocket, query: URLSearchParams): void {
    const compress = query.get('compress');
    const connection: Connection = {
      ws,
      compression: compress === 'zlib-stream' ? 'zlib-stream' : 'none',
      zlibHeaderSent: false,
      session: undefined,
      heartbeatTimer: undefined,
      receivedAt: [],
    };
    this.connections.add(connection);
    ws.on('close', (code) => this.onClose(connection, code));
    ws.on('error', () => ws.terminate());

    if (query.get('v') !== '10') return this.closeWith(connection, close.invalidApiVersion);
    const encoding = query.get('encoding');
    if (encoding !== null && encoding !== 'json') {
      // Real Discord also speaks ETF; the stand-in does not, and says so instead of sending JSON to an ETF client.
      ws.close(1003, 'stand-in supports encoding=json only');
      return;
    }
    if (compress !== null && compress !== 'zlib-stream') {
      ws.close(1003, 'stand-in supports compress=zlib-stream only');
      return;
    }
    ws.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
    this.armHeartbeatDeadline(connection);
    void this.send(connection, {
      op: 10,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  }

  /** Discord drops connections that stop heartbeating; allow one interval plus half for jitter and latency. */
  private armHeartbeatDeadline(connection: Connection): void {
    clearTimeout(connection.heartbeatTimer);
    connection.heartbeatTimer = setTimeout(
      () => this.closeWith(connection, close.sessionTimedOut),
      this.options.heartbeatIntervalMs * 1.5,
    );
    connection.heartbeatTimer.unref();
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    const now = Date.now();
    connection.receivedAt = connection.receivedAt.filter((at) => now - at < sendWindowMs);
    connection.receivedAt.push(now);
    if (connection.receivedAt.length > sendLimit) return this.closeWith(connection, close.rateLimited);

    let payload: unknown;
    try {
      if (isBinary) throw new Error('binary frames are ETF, which json encoding does not accept');
      const text = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      payload = JSON.parse(text.toString('utf8'));
    } catch {
      return this.closeWith(connection, close.decodeError);
    }
    if (!isRecord(payload) || typeof payload.op !== 'number')
      return this.closeWith(connection, close.decodeError);
    const d = payload.d;

    switch (payload.op) {
      case 1:
        this.armHeartbeatDeadline(connection);
        void this.send(connection, { op: 11, d: null, s: null, t: null });
        return;
      case 2:
        return this.identify(connection, d);
      case 6:
        return this.resume(connection, d);
      case 3: // presence update
      case 4: // voice state update
      case 8: // request guild members: the stand-in has no guilds, so there is nothing to chunk
        if (!connection.session) return this.closeWith(connection, close.notAuthenticated);
        return;
      default:
        return this.closeWith(connection, close.unknownOpcode);
    }
  }

  private identify(connection: Connection, d: unknown): void {
    if (connection.session) return this.closeWith(connection, close.alreadyAuthenticated);
    if (!isRecord(d) || !isRecord(d.properties)) return this.closeWith(connection, close.decodeError);
    if (d.token !== this.options.token) return this.closeWith(connection, close.authenticationFailed);
    const intents = d.intents;
    if (
      typeof intents !== 'number' ||
      !Number.isInteger(intents) ||
      intents < 0 ||
      (intents & ~allIntentBits) !== 0
    ) {
      return this.closeWith(connection, close.invalidIntents);
    }
    if ((intents & privilegedIntentBits & ~this.options.privilegedIntents) !== 0) {
      return this.closeWith(connection, close.disallowedIntents);
    }
    // Any valid pair is served, as by Discord: the count /gateway/bot recommends is advice, not a rule.
    const shard = shardPair(d.shard);
    if (!shard) return this.closeWith(connection, close.invalidShard);
    if (d.compress === true && connection.compression === 'none') connection.compression = 'payload';

    const session: Session = {
      id: randomBytes(16).toString('hex'),
      shard,
      seq: 0,
      ready: false,
      replay: [],
      connection,
    };
    this.sessions.set(session.id, session);
    connection.session = session;
    const { user, applicationId } = this.options;
    void this.dispatchTo(session, 'READY', {
      v: 10,
      user: {
        id: user.id,
        username: user.username,
        discriminator: '0',
        global_name: null,
        avatar: null,
        bot: true,
      },
      guilds: [],
      session_id: session.id,
      resume_gateway_url: this.options.resumeUrl(),
      shard,
      application: { id: applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      user_settings: {},
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      _trace: ['["discord-standin",{"micros":0}]'],
    }).then(() => {
      session.ready = true;
      this.options.onReady();
    });
  }

  private resume(connection: Connection, d: unknown): void {
    if (connection.session) return this.closeWith(connection, close.alreadyAuthenticated);
    if (!isRecord(d)) return this.closeWith(connection, close.decodeError);
    if (d.token !== this.options.token) return this.closeWith(connection, close.authenticationFailed);
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session || session.connection) {
      // Op 9 with d=false: the session cannot be resumed, the client must IDENTIFY afresh.
      void this.send(connection, { op: 9, d: false, s: null, t: null });
      return;
    }
    session.connection = connection;
    connection.session = session;
    const since = typeof d.seq === 'number' ? d.seq : 0;
    void (async () => {
      for (const event of session.replay.filter((e) => e.s > since)) {
        await this.send(connection, { op: 0, ...event });
      }
      await this.dispatchTo(session, 'RESUMED', {});
    })();
  }

  private onClose(connection: Connection, code: number): void {
    clearTimeout(connection.heartbeatTimer);
    this.connections.delete(connection);
    const session = connection.session;
    if (!session) return;
    session.connection = undefined;
    // Discord invalidates the session when the client closes with 1000/1001; any other close keeps it resumable.
    if (code === 1000 || code === 1001) this.sessions.delete(session.id);
  }

  private closeWith(connection: Connection, [code, reason]: readonly [number, string]): void {
    connection.ws.close(code, reason);
  }

  private send(connection: Connection, payload: Record<string, unknown>): Promise<void> {
    const json = Buffer.from(JSON.stringify(payload), 'utf8');
    let frame: Buffer | string;
    if (connection.compression === 'zlib-stream') {
      frame = zlibStreamFrame(json, !connection.zlibHeaderSent);
      connection.zlibHeaderSent = true;
    } else if (connection.compression === 'payload') {
      frame = deflateSync(json);
    } else {
      frame = json.toString('utf8');
    }
    return new Promise((resolve, reject) => {
      connection.ws.send(frame, { binary: typeof frame !== 'string' }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  private async dispatchTo(session: Session, t: string, d: unknown): Promise<void> {
    session.seq += 1;
    const record: DispatchRecord = { s: session.seq, t, d };
    session.replay.push(record);
    if (session.replay.length > replayBufferSize) session.replay.shift();
    if (session.connection) await this.send(session.connection, { op: 0, ...record });
  }

  /**
   * Sends a guild's dispatch only to the sessions whose shard owns that guild (DMs: shard 0), as Discord routes
   * INTERACTION_CREATE. A disconnected but resumable session gets it on RESUME. Returns how many sessions it
   * was queued for.
   */
  async dispatchForGuild(guildId: string | undefined, t: string, d: unknown): Promise<number> {
    const sessions = [...this.sessions.values()].filter(
      (session) => shardOfGuild(guildId, session.shard[1]) === session.shard[0],
    );
    await Promise.all(sessions.map((session) => this.dispatchTo(session, t, d)));
    return sessions.length;
  }

  /** Asks every connected client to reconnect (op 7), as Discord does before moving a session. */
  async requestReconnect(): Promise<void> {
    await Promise.all(
      [...this.connections].map((connection) => this.send(connection, { op: 7, d: null, s: null, t: null })),
    );
  }

  async close(): Promise<void> {
    for (const connection of this.connections) {
      clearTimeout(connection.heartbeatTimer);
      connection.ws.terminate();
    }
    this.connections.clear();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
