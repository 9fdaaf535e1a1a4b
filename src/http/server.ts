// The service's HTTP server: a tiny exact-path router, bounded bodies, and handlers that cannot crash it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { listen } from './listen.js';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface Route {
  /** ANY: the handler decides (Bolt serves GET and POST on its own paths). */
  method: 'GET' | 'POST' | 'ANY';
  path: string;
  handler: RouteHandler;
}

export class BodyTooLargeError extends Error {}

/** How much of a refused body is read and dropped so the connection stays usable; past it the socket closes. */
const MAX_DROPPED_BYTES = 16 * 1024 * 1024;

/** Reads the raw body (signatures are computed over the exact bytes), refusing more than `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError();
  // Not `for await`: leaving that loop early destroys the request and its socket just after the 413 goes out, and
  // a client that had put the kept-alive connection back in its pool got its next request reset. Past the limit
  // the rest is read and dropped instead (as Node does for a declared length over it once the 413 is sent).
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData).off('end', onEnd);
      chunks.length = 0;
      // Dropping is bounded: a body still streaming past this is cut off with its connection.
      let dropped = 0;
      request.on('data', (more: Buffer) => {
        dropped += more.length;
        if (dropped > MAX_DROPPED_BYTES) request.socket.destroy();
      });
      request.resume();
      reject(new BodyTooLargeError());
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    request.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export interface HttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(
  routes: readonly Route[],
  port: number,
  log: Logger,
): Promise<HttpServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const route = routes.find((candidate) => candidate.path === path);
    if (!route) return sendJson(response, 404, { error: 'not found' });
    if (route.method !== 'ANY' && route.method !== request.method)
      return sendJson(response, 405, { error: `use ${route.method}` });
    route.handler(request, response).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) return sendJson(response, 413, { error: 'body too large' });
      log.error({ err: error, path }, 'http handler failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.end();
    });
  });
  return {
    server,
    port: await listen(server, port, '0.0.0.0'),
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
