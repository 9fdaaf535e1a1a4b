// Reply values and Valve's parameter and error conventions shared by every replayed endpoint.

/** One answer: status, body text and headers (Content-Length is added when it is written). */
export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

const JSON_TYPE = 'application/json; charset=UTF-8';
const HTML_TYPE = 'text/html; charset=UTF-8';

export const json = (body: string): Reply => ({ status: 200, body, headers: { 'Content-Type': JSON_TYPE } });

export const html = (status: number, body: string): Reply => ({
  status,
  body,
  headers: { 'Content-Type': HTML_TYPE },
});

export function htmlPage(title: string, detail = ''): string {
  return `<html><head><title>${title}</title></head><body><h1>${title}</h1>${detail}</body></html>`;
}

export const FORBIDDEN_HTML =
  '<html><head><title>Forbidden</title></head><body><h1>Forbidden</h1>Access is denied. Retrying will not help. Please verify your <pre>key=</pre> parameter.</body></html>';

/** A malformed parameter: Valve answers it with a 400 HTML page, never a JSON envelope. */
export class BadRequest extends Error {}

/** An unsigned decimal parameter, undefined when absent; anything else is Valve's 400. */
export function uintParam(params: URLSearchParams, name: string): bigint | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (!/^\d{1,20}$/.test(value)) throw new BadRequest(`Parameter '${name}' is not a valid unsigned integer`);
  return BigInt(value);
}

/** `name` as a page size: absent or 0 means `fallback`, larger than `max` is cut to `max`. */
export function countParam(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const requested = uintParam(params, name);
  if (requested === undefined || requested === 0n) return fallback;
  return requested < BigInt(max) ? Number(requested) : max;
}
