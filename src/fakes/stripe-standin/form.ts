// Stripe stand-in: reads form and query strings in Stripe's bracket notation (`a[b][0][c]=v`) into nested values.

/** A body or query string Stripe would refuse to parse; the router answers 400 invalid_request_error. */
export class FormSyntaxError extends Error {}

export type FormValue = string | FormValue[] | { [key: string]: FormValue };

/** Above this Stripe would refuse anyway; the cap keeps `a[999999999]=x` from allocating a huge array. */
const MAX_INDEX = 1000;
/** Keys that would reach Object.prototype if assigned on a plain object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type Container = FormValue[] | { [key: string]: FormValue };

/** Splits `line_items[0][price]` into `['line_items', '0', 'price']`; `expand[]` gives `['expand', '']`. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open === -1) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const pattern = /\[([^[\]]*)\]/g;
  let consumed = 0;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    if (match.index !== consumed) break;
    parts.push(match[1] ?? '');
    consumed = pattern.lastIndex;
  }
  if (consumed !== rest.length || parts[0] === '')
    throw new FormSyntaxError(`Invalid parameter name: ${key}`);
  return parts;
}

function isArraySegment(segment: string): boolean {
  return segment === '' || /^\d+$/.test(segment);
}

function assign(container: Container, segment: string, value: FormValue, key: string): void {
  if (Array.isArray(container)) {
    if (!isArraySegment(segment)) throw new FormSyntaxError(`Invalid array: ${key}`);
    const index = segment === '' ? container.length : Number(segment);
    if (index > MAX_INDEX) throw new FormSyntaxError(`Array index too large: ${key}`);
    container[index] = value;
    return;
  }
  if (FORBIDDEN_KEYS.has(segment)) throw new FormSyntaxError(`Invalid parameter name: ${key}`);
  container[segment] = value;
}

function child(container: Container, segment: string): FormValue | undefined {
  if (Array.isArray(container)) return segment === '' ? undefined : container[Number(segment)];
  return Object.hasOwn(container, segment) ? container[segment] : undefined;
}

/**
 * Parses `application/x-www-form-urlencoded` text as Stripe reads it: `metadata[guild_id]=1` → `{ metadata: { guild_id:
 * '1' } }`, numeric or empty brackets make arrays. Every leaf stays a string (Stripe coerces per parameter); an empty
 * value stays `''`, which Stripe reads as "unset". A name used both as a value and as a container is refused.
 */
export function parseStripeForm(text: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const segments = splitKey(key);
    let container: Container = root;
    segments.forEach((segment, position) => {
      const isLast = position === segments.length - 1;
      if (isLast) {
        if (child(container, segment) !== undefined) throw new FormSyntaxError(`Duplicate parameter: ${key}`);
        assign(container, segment, value, key);
        return;
      }
      const next = segments[position + 1] ?? '';
      let existing = child(container, segment);
      if (existing === undefined) {
        existing = isArraySegment(next) ? [] : {};
        assign(container, segment, existing, key);
      }
      if (typeof existing === 'string')
        throw new FormSyntaxError(`Invalid parameter: ${key} is a value and a hash`);
      container = existing;
    });
  }
  return root;
}
