// pino logger factory: structured JSON, secrets redacted by path.
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACTED_PATHS = [
  'token',
  'key',
  'secret',
  '*.token',
  '*.key',
  '*.secret',
  'config.*',
  'headers.authorization',
];

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
