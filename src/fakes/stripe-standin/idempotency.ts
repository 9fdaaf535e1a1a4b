// Stripe stand-in: Idempotency-Key bookkeeping — replay the first result, refuse a key reused for other parameters.
import { StripeApiError } from './wire.js';

export interface SavedResponse {
  status: number;
  body: unknown;
}

interface Entry {
  /** Method, path and exact body: Stripe compares the whole request, not just the endpoint. */
  fingerprint: string;
  response: SavedResponse;
}

/** Stripe's limit on the header's length. */
const MAX_KEY_LENGTH = 255;

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** The saved response to replay, or undefined when the key is new; throws when the key was used differently. */
  lookup(key: string, fingerprint: string): SavedResponse | undefined {
    if (key.length > MAX_KEY_LENGTH) {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        `Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters.`,
      );
    }
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint) {
      throw new StripeApiError(
        400,
        'idempotency_error',
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    return entry.response;
  }

  /**
   * Stripe saves a result only once the endpoint began executing; a request refused by validation saves nothing,
   * so the same key may be retried with corrected parameters. Only successes are saved here.
   */
  save(key: string, fingerprint: string, response: SavedResponse): void {
    if (response.status >= 200 && response.status < 300) this.entries.set(key, { fingerprint, response });
  }
}
