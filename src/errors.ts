// One error type for the whole service: a stable code for logic, a safe message for users, the cause for logs.

/** How a failure should be treated by whoever retries work. */
export type FailureKind = 'permanent' | 'transient' | 'rate-limited';

export interface AppErrorOptions {
  /** Text safe to show a Discord or Slack user. Defaults to a generic apology. */
  userMessage?: string;
  /** Retry classification; defaults to permanent so unknown failures never retry forever. */
  kind?: FailureKind;
  /** Seconds the caller should wait before retrying (rate limits). */
  retryAfterSeconds?: number;
  /** The platform refused the post outright (an error answer, not a lost one): a retry need not look for it. */
  unsent?: boolean;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly userMessage: string;
  readonly kind: FailureKind;
  readonly retryAfterSeconds: number | undefined;
  readonly unsent: boolean;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.userMessage = options.userMessage ?? 'Something went wrong on our side. Please try again shortly.';
    this.kind = options.kind ?? 'permanent';
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.unsent = options.unsent ?? false;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
