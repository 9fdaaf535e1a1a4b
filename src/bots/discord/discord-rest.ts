// discord.js REST pointed at the configured API (Discord, or a stand-in), and its errors classified.
import { REST } from 'discord.js';
import { AppError } from '../../errors.js';

export function createDiscordRest(apiBaseUrl: string, token: string): REST {
  return new REST({ api: apiBaseUrl, version: '10' }).setToken(token);
}

/**
 * discord.js throws its own DiscordAPIError/HTTPError from a CommonJS copy (so instanceof fails): read status.
 * 403 (missing access) and 404 (unknown channel) will not heal by retrying; 5xx and network errors may.
 */
export function classifyDiscordError(error: unknown, what: string): AppError {
  const status =
    typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : undefined;
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const permanent = status !== undefined && status >= 400 && status < 500 && status !== 429;
  return new AppError(
    'discord_request_failed',
    `${what}: Discord answered ${status ?? 'no response'}${code ? ` (code ${code})` : ''}: ${message}`,
    { kind: permanent ? 'permanent' : 'transient', cause: error },
  );
}
