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

/** Reads the raw body (signatures are computed over the exact bytes), refusing more than `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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
