import type { TAppErrorDetails } from '@/server/api/schemas/errors';

// One typed error below the router; server/api/trpc.ts converts it in one place.
// The details each code carries are declared (as zod schemas) in server/api/schemas/errors.ts.
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
  REGION_STRATEGY_REFUSED: 'BAD_REQUEST',
  REGION_UNKNOWN: 'BAD_REQUEST',
} as const;
export type AppErrorCode = keyof typeof APP_ERROR_CODES;

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;
// One known code: its details are required, or forbidden when it has none. A code only known
// as a union (a helper passing `code: AppErrorCode` on): optional, checked when sent.
type AppErrorOptions<C extends AppErrorCode> = { message?: string; userMessage: string; cause?: unknown } & (true extends IsUnion<C>
  ? { details?: TAppErrorDetails<C> }
  : [TAppErrorDetails<C>] extends [never]
    ? { details?: never }
    : { details: TAppErrorDetails<C> });

export class AppError<C extends AppErrorCode = AppErrorCode> extends Error {
  readonly code: C;
  /** Safe to show to the user; `message` may carry internals for the log. */
  readonly userMessage: string;
  /** Structured, user-safe data the UI needs to explain the error (e.g. the conflicting version). */
  readonly details?: TAppErrorDetails<C>;

  constructor(code: C, opts: AppErrorOptions<C>) {
    super(opts.message ?? opts.userMessage, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.userMessage = opts.userMessage;
    this.details = opts.details;
  }
}
