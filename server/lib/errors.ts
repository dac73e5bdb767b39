// One typed error below the router; server/api/trpc.ts converts it in one place.
export const APP_ERROR_CODES = {
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  BAD_REQUEST: 'BAD_REQUEST',
  TEMPLATE_INVALID: 'BAD_REQUEST',
  TEMPLATE_VERSION_CONFLICT: 'CONFLICT',
  NAME_TAKEN: 'CONFLICT',
  LAST_ADMIN: 'BAD_REQUEST',
  NO_CHANGES: 'BAD_REQUEST',
  PASSWORD_WEAK: 'BAD_REQUEST',
  WRONG_PASSWORD: 'BAD_REQUEST',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_REQUESTS',
} as const;
export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Safe to show to the user; `message` may carry internals for the log. */
  readonly userMessage: string;
  /** Structured, user-safe data the UI needs to explain the error (e.g. the conflicting version). */
  readonly details?: unknown;

  constructor(code: AppErrorCode, opts: { message?: string; userMessage: string; details?: unknown; cause?: unknown }) {
    super(opts.message ?? opts.userMessage, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.userMessage = opts.userMessage;
    this.details = opts.details;
  }
}
