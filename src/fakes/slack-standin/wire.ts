// Slack stand-in: the wire format — Slack's JSON envelopes and form bodies.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** A Web API refusal: HTTP 200 with `{ ok: false, error, ...extra }`, as Slack answers every API error. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

export interface ParsedArgs {
  args: Record<string, unknown>;
  /** A `token` sent as a form field or query parameter (never read from a JSON body, as Slack ignores it there). */
  formToken: string | undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mediaType(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Parses multipart/form-data with undici's parser (what fetch uses), so boundaries and quoting match clients. */
export async function parseMultipart(
  contentType: string,
  raw: Buffer,
): Promise<{ fields: Record<string, string>; files: { field: string; filename: string; data: Buffer }[] }> {
  const form = await new Request('http://standin.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  const fields: Record<string, string> = {};
  const files: { field: string; filename: string; data: Buffer }[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') fields[field] = value;
    else files.push({ field, filename: value.name, data: Buffer.from(await value.arrayBuffer()) });
  }
  return { fields, files };
}

/**
 * Web API arguments: the query string, then the body. Slack reads form bodies for every method but JSON bodies only
 * for methods that document `application/json`; elsewhere a JSON body is as good as no arguments.
 */
export async function parseArgs(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  raw: Buffer,
  acceptsJson: boolean,
): Promise<ParsedArgs> {
  const args: Record<string, unknown> = Object.fromEntries(query.entries());
  const type = mediaType(headers);
  let bodyFields: Record<string, unknown> = {};
  if (raw.length > 0 && type === 'application/x-www-form-urlencoded') {
    bodyFields = Object.fromEntries(new URLSearchParams(raw.toString('utf8')).entries());
  } else if (raw.length > 0 && type === 'multipart/form-data') {
    try {
      bodyFields = (await parseMultipart(headers['content-type'] ?? '', raw)).fields;
    } catch {
      throw new SlackApiError('invalid_form_data');
    }
  } else if (raw.length > 0 && type === 'application/json' && acceptsJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (!isRecord(parsed)) throw new SlackApiError('json_not_object');
    Object.assign(args, parsed);
    delete args.token;
    const queryToken = query.get('token');
    if (queryToken) args.token = queryToken;
    return { args, formToken: stringValue(args.token) };
  }
  Object.assign(args, bodyFields);
  return { args, formToken: stringValue(args.token) };
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/** `Authorization: Basic base64(client_id:client_secret)`, the way Slack prefers OAuth clients to authenticate. */
export function basicCredentials(headers: IncomingHttpHeaders): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** A string argument; numbers and booleans arrive as strings in form bodies, so JSON ones are stringified alike. */
export function stringArg(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function booleanArg(args: Record<string, unknown>, key: string): boolean {
  const value = args[key];
  return value === true || value === 1 || value === 'true' || value === '1';
}

/** Form bodies carry arrays and objects as JSON strings (web-api encodes them so); JSON bodies carry them as is. */
export function jsonArg(
  args: Record<string, unknown>,
  key: string,
): { value: unknown } | 'unparseable' | undefined {
  const value = args[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return { value };
  try {
    return { value: JSON.parse(value) as unknown };
  } catch {
    return 'unparseable';
  }
}

export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}
