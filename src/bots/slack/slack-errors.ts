// Reads @slack/web-api's errors: Slack's own `error` string, and a rate limit's wait.
import { ErrorCode } from '@slack/web-api';

/** Slack answered `{ ok: false, error }`: the error string (e.g. `channel_not_found`), else undefined. */
export function slackErrorCode(error: unknown): string | undefined {
  if (!isCoded(error) || error.code !== String(ErrorCode.PlatformError)) return undefined;
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Seconds Slack asked us to wait (HTTP 429 `Retry-After`), when the client was told to reject rate-limited calls. */
export function slackRetryAfter(error: unknown): number | undefined {
  if (!isCoded(error) || error.code !== String(ErrorCode.RateLimitedError)) return undefined;
  const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
  return typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter : 1;
}

/** Slack no longer accepts this workspace's token: the installation is gone or was revoked. */
export const TOKEN_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
]);

/** The channel itself cannot take posts from us, whatever we retry. */
export const CHANNEL_GONE_ERRORS: ReadonlySet<string> = new Set([
  'channel_not_found',
  'is_archived',
  'restricted_action',
]);

/** Error answers after which, Slack says, some part of the call may have succeeded: the post may exist. */
export const MAY_HAVE_POSTED_ERRORS: ReadonlySet<string> = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

function isCoded(error: unknown): error is { code: string } {
  return (
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
  );
}
