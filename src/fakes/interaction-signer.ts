// Signs HTTP interactions the way Discord does (Ed25519 over timestamp + body), for the demo and tests.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface InteractionSigner {
  /** The raw 32-byte public key in hex: what the Developer Portal shows and DISCORD_PUBLIC_KEY takes. */
  publicKeyHex: string;
  headers(body: string, timestampSeconds?: number): Record<string, string>;
}

function rawPublicKeyHex(publicKey: KeyObject): string {
  // An Ed25519 SPKI DER is a fixed 12-byte header followed by the 32-byte key.
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
}

export function createInteractionSigner(): InteractionSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyHex: rawPublicKeyHex(publicKey),
    headers(body, timestampSeconds = Math.floor(Date.now() / 1000)) {
      const timestamp = String(timestampSeconds);
      const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
      return {
        'content-type': 'application/json',
        'x-signature-ed25519': signature,
        'x-signature-timestamp': timestamp,
      };
    },
  };
}
