// Stripe stand-in: Stripe's error envelope, ids, and reading and answering HTTP the way the API does.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FormValue } from './form.js';

export type StripeErrorType = 'invalid_request_error' | 'idempotency_error' | 'api_error';

/** A refusal the router turns into `{ error: { type, message, code?, param? } }` with `status`. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }

  body(): { error: Record<string, string> } {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.code === undefined ? {} : { code: this.code }),
        ...(this.param === undefined ? {} : { param: this.param }),
      },
    };
  }
}

/**
 * Stripe's wording for an id it does not know, e.g. "No such subscription: 'sub_123'": 404 for an id in the URL, 400
 * for one named by a parameter (the request, not the resource, is what is wrong).
 */
export function noSuch(objectName: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(
    param === 'id' ? 404 : 400,
    'invalid_request_error',
    `No such ${objectName}: '${id}'`,
    'resource_missing',
    param,
  );
}

export function missingParam(param: string): StripeApiError {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `Missing required param: ${param}.`,
    'parameter_missing',
    param,
  );
}

/** Stripe's codes for bad values vary by type (parameter_invalid_integer, …); none is claimed here, only the param. */
export function invalidParam(param: string, message: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, undefined, param);
}

/** Stripe-shaped ids: a prefix and 24 base62-ish characters (test mode prefixes where Stripe uses them). */
export function stripeId(prefix: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const bytes = randomBytes(24);
  return `${prefix}_${Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('')}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringParam(params: Record<string, FormValue>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParam(name, `Invalid string: ${name} must be a string`);
  return value;
}

/** Stripe metadata: string values, at most 50 keys, keys ≤ 40 and values ≤ 500 characters. */
export function metadataParam(value: FormValue | undefined, param: string): Record<string, string> {
  if (value === undefined || value === '') return {};
  if (!isRecord(value)) throw invalidParam(param, `Invalid object: ${param} must be a hash`);
  const entries = Object.entries(value);
  if (entries.length > 50) throw invalidParam(param, `Invalid ${param}: at most 50 keys`);
  const metadata: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (typeof item !== 'string') throw invalidParam(`${param}[${key}]`, `Invalid string: ${param}[${key}]`);
    if (key.length > 40)
      throw invalidParam(`${param}[${key}]`, `Metadata keys must be at most 40 characters`);
    if (item.length > 500)
      throw invalidParam(`${param}[${key}]`, `Metadata values must be at most 500 characters`);
    // An empty value unsets the key in Stripe, so it never appears in the object.
    if (item !== '') metadata[key] = item;
  }
  return metadata;
}

export function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
  });
  response.end(html);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
