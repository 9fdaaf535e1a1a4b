// pino logger factory: structured JSON, secrets redacted by path.
import { pino, type Logger } from 'pino';

export type { Logger };

// Field names that hold credentials wherever they are logged; a logged config object is masked whole.
const SECRET_FIELDS = ['token', 'key', 'secret', 'botToken', 'clientSecret', 'password', 'authorization'];
const SIGNED_HEADERS = [
  'authorization',
  'cookie',
  'stripe-signature',
  'x-slack-signature',
  'x-signature-ed25519',
];
const REDACTED_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
  ...SIGNED_HEADERS.flatMap((header) => [`headers["${header}"]`, `*.headers["${header}"]`]),
  'config.*',
];

/** Secrets inside free text: Slack tokens, bearer credentials, and secret-named fields in JSON or form bodies. */
const SECRETS_IN_TEXT: readonly [RegExp, string][] = [
  [/xox[a-z]-[A-Za-z0-9-]+/g, 'xox?-[redacted]'],
  // An interaction token in a webhook URL (discord.js errors carry it in `url`) lets anyone answer as the bot.
  [/(\/webhooks\/\d+\/)[^/?\s"]+/g, '$1[redacted]'],
  [/(Bearer|Bot)\s+[\w.~+/=-]+/g, '$1 [redacted]'],
  [
    /("?\b(?:client_secret|token|refresh_token|code|secret|key|password)"?\s*[:=]\s*"?)[^"&,\s}]+/gi,
    '$1[redacted]',
  ],
];

/**
 * Masks secrets in a message a library built as text (Slack's SDKs log request bodies at debug level): `redact`
 * only reaches fields of logged objects, never inside strings.
 */
export function scrubSecrets(text: string): string {
  return SECRETS_IN_TEXT.reduce(
    (scrubbed, [pattern, replacement]) => scrubbed.replace(pattern, replacement),
    text,
  );
}

/**
 * Errors as pino serializes them, with secrets scrubbed from their text fields (a discord.js error's `url` and
 * `message` name the interaction's webhook) and without the request body they carry (tokens, chart PNGs).
 */
function scrubbedError(error: Error): Record<string, unknown> {
  const serialized: Record<string, unknown> = { ...pino.stdSerializers.err(error) };
  delete serialized.requestBody;
  for (const [field, value] of Object.entries(serialized))
    if (typeof value === 'string') serialized[field] = scrubSecrets(value);
  return serialized;
}

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: scrubbedError },
    },
    destination,
  );
}
