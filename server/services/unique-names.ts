import { AppError } from '@/server/lib/errors';

// The unique constraints that hold a name people choose (drizzle's `.unique()` names them
// <table>_<column>_unique). The pre-check in each service gives the friendly error on the
// common path; two requests racing past it meet the constraint instead, and that must read
// the same, not as a 500.
const NAME_TAKEN_MESSAGES = {
  templates_name_unique: (value: string) => `A template named "${value}" already exists.`,
  cloud_accounts_name_unique: (value: string) => `A cloud account named "${value}" already exists.`,
  users_email_unique: (value: string) => `A user with the e-mail ${value} already exists.`,
  region_groups_name_unique: (value: string) => `A region group named "${value}" already exists.`,
} satisfies Record<string, (value: string) => string>;
export type NamedConstraint = keyof typeof NAME_TAKEN_MESSAGES;

/** The NAME_TAKEN error for a value a unique constraint already holds. */
export function nameTaken(constraint: NamedConstraint, value: string, cause?: unknown): AppError {
  return new AppError('NAME_TAKEN', { userMessage: NAME_TAKEN_MESSAGES[constraint](value), cause });
}

interface PgErrorLike {
  code?: unknown;
  constraint_name?: unknown; // postgres.js
  constraint?: unknown; // pg, PGlite
  cause?: unknown;
}

/**
 * The constraint named by a unique violation (SQLSTATE 23505), looked for through drizzle's
 * `DrizzleQueryError` wrapper; null when the error is something else.
 */
export function uniqueViolation(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const pg = e as PgErrorLike;
    if (pg.code === '23505') {
      const name = pg.constraint_name ?? pg.constraint;
      return typeof name === 'string' ? name : '';
    }
    e = pg.cause;
  }
  return null;
}

/**
 * Runs one write; a unique violation of `constraint` becomes the same NAME_TAKEN error as the
 * pre-check. Inside a transaction the error still aborts it (it is rethrown, never swallowed).
 */
export async function withUniqueName<T>(constraint: NamedConstraint, value: string, write: () => PromiseLike<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (uniqueViolation(err) === constraint) throw nameTaken(constraint, value, err);
    throw err;
  }
}
