// Seals Slack installations (they hold bot tokens) with AES-256-GCM before they reach the database.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface TokenSeal {
  /** `context` (the row's key) is authenticated too: a sealed value copied to another row will not open. */
  seal(plaintext: string, context: string): Buffer;
  open(sealed: Buffer, context: string): string;
}

function decodeKey(text: string): Buffer {
  const trimmed = text.trim();
  return /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
}

export const isSealKey = (text: string): boolean => decodeKey(text).length === 32;

/** The key is 32 random bytes, base64 or hex (`openssl rand -base64 32`); anything else fails start-up. */
export function parseSealKey(text: string): Buffer {
  const key = decodeKey(text);
  if (key.length !== 32) {
    throw new AppError(
      'config_invalid',
      'SLACK_TOKEN_ENCRYPTION_KEY must be 32 random bytes, base64 or hex (openssl rand -base64 32)',
    );
  }
  return key;
}

export function createTokenSeal(key: Buffer): TokenSeal {
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
    },
    open(sealed, context) {
      if (sealed[0] !== VERSION || sealed.length < 1 + IV_BYTES + TAG_BYTES) {
        throw new AppError('slack_installation_unreadable', 'sealed installation has an unknown format');
      }
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(tag);
      try {
        const body = sealed.subarray(1 + IV_BYTES + TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch (error) {
        // A changed SLACK_TOKEN_ENCRYPTION_KEY lands here: say so rather than "bad decrypt".
        throw new AppError(
          'slack_installation_unreadable',
          `installation ${context} cannot be decrypted: was SLACK_TOKEN_ENCRYPTION_KEY changed?`,
          { cause: error },
        );
      }
    },
  };
}
