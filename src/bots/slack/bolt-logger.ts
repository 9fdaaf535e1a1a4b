// Bolt and @slack/oauth log through our pino logger, at our level, instead of their own console logger.
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import { scrubSecrets, type Logger } from '../../log.js';

const LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
};

/**
 * Slack's libraries pass free-form arguments: joined into one message so a token-bearing object is never logged,
 * and scrubbed, since at debug level the message itself carries request bodies (client_secret, tokens).
 */
const text = (parts: unknown[]): string =>
  scrubSecrets(
    parts
      .map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : ''))
      .join(' '),
  );

export function boltLogger(log: Logger): SlackLogger {
  const child = log.child({ lib: 'slack' });
  return {
    debug: (...parts: unknown[]) => child.debug(text(parts)),
    info: (...parts: unknown[]) => child.info(text(parts)),
    warn: (...parts: unknown[]) => child.warn(text(parts)),
    error: (...parts: unknown[]) => child.error(text(parts)),
    // Our level is set once in config; the libraries may ask but not change it.
    setLevel: () => undefined,
    getLevel: () => LEVELS[child.level] ?? LogLevel.ERROR,
    setName: () => undefined,
  };
}
