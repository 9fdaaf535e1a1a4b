// The only form of a Steam key that may be stored or logged: a short hash, enough to tell keys apart.
import { createHash } from 'node:crypto';

/** 16 hex digits of sha256(key); the database checks this shape, so a raw key cannot land in a key_id column. */
export function keyIdOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
