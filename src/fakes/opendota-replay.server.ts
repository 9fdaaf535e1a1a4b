// OpenDota-shaped loopback server replaying the shipped match bodies (json_files/opendota), with one-shot faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../http/listen.js';
import { defaultOpenDotaDataDir, loadOpenDotaMatches } from './opendota-replay/data.js';

export { defaultOpenDotaDataDir } from './opendota-replay/data.js';

/** One answer as written: status, body text and headers (Content-Length is added). */
export interface OpenDotaReply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** A running replay server. */
export interface OpenDotaReplay {
  /** `http://127.0.0.1:<port>/api`, shaped like OPENDOTA_API_BASE_URL. */
  baseUrl: string;
  /** Every request answered, in order: path, query (so tests can see no Steam key arrives) and HTTP status. */
  requests: { path: string; query: Record<string, string>; status: number }[];
  /** Queues a one-shot answer for the next /api/matches/{id} request (e.g. a 429 or a 502), in order queued. */
  failNext(reply: OpenDotaReply): void;
  close(): Promise<void>;
}

export interface OpenDotaReplayOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Folder with the shipped bodies; default the project's json_files/opendota. */
  dataDir?: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const MATCH_PATH = /^\/api\/matches\/(\d{1,19})\/?$/;
// OpenDota's answer for a match it does not have (and for any path it does not serve).
const NOT_FOUND: OpenDotaReply = {
  status: 404,
  body: '{"error":"Not Found"}',
  headers: { 'Content-Type': JSON_TYPE },
};

/** Starts the replay server on 127.0.0.1 once the shipped bodies are loaded. */
export async function startOpenDotaReplay(options: OpenDotaReplayOptions = {}): Promise<OpenDotaReplay> {
  const matches = await loadOpenDotaMatches(options.dataDir ?? defaultOpenDotaDataDir());
  const queued: OpenDotaReply[] = [];
  const requests: OpenDotaReplay['requests'] = [];

  const decide = (req: IncomingMessage, path: string): OpenDotaReply => {
    const id = MATCH_PATH.exec(path)?.[1];
    if (req.method !== 'GET' || id === undefined) return NOT_FOUND;
    const canned = queued.shift();
    if (canned) return canned;
    const body = matches.get(Number(id));
    return body === undefined ? NOT_FOUND : { status: 200, body, headers: { 'Content-Type': JSON_TYPE } };
  };

  const respond = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = decide(req, url.pathname);
    requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), status: reply.status });
    res.writeHead(reply.status, { 'Content-Length': Buffer.byteLength(reply.body), ...reply.headers });
    res.end(reply.body);
  };

  const server = createServer(respond);
  const port = await listen(server, options.port ?? 0, '127.0.0.1');
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    requests,
    failNext: (reply) => {
      queued.push({ ...reply, headers: reply.headers ?? {} });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
