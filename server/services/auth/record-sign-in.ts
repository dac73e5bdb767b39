import { tables, type Db } from '@/db';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';

// Sign-in events in the audit log. Never the password; the e-mail that was typed and the
// client address, so an admin can see who is guessing at which account from where.
export const AUTH_AUDIT_ACTIONS = {
  signIn: 'auth.sign_in',
  signInFailed: 'auth.sign_in_failed',
  /** A back-off lock began (one row per lock, not per refused attempt). */
  signInLocked: 'auth.sign_in_locked',
} as const;

export type SignInFailure = 'wrong_password' | 'unknown_account' | 'account_disabled';

export async function recordSignIn(db: Db, user: Actor, address: string | null): Promise<void> {
  await recordAudit(db, user, {
    action: AUTH_AUDIT_ACTIONS.signIn,
    targetType: 'user',
    targetId: user.id,
    details: { address },
  });
}

/**
 * Nobody is signed in yet, so the row has no actor id; `actor_email` holds the e-mail that
 * was tried (the log's "who"), and the target is the account when one exists.
 */
export async function recordSignInFailure(
  db: Db,
  attempt: { email: string; userId: string | null; address: string | null; reason: SignInFailure; locks: { scope: string; until: Date }[] },
): Promise<void> {
  const base = { actorId: null, actorEmail: attempt.email, targetType: 'user', targetId: attempt.userId ?? attempt.email };
  await db.insert(tables.auditLog).values([
    {
      ...base,
      action: AUTH_AUDIT_ACTIONS.signInFailed,
      details: { email: attempt.email, address: attempt.address, reason: attempt.reason },
    },
    ...attempt.locks.map((lock) => ({
      ...base,
      action: AUTH_AUDIT_ACTIONS.signInLocked,
      details: { email: attempt.email, address: attempt.address, scope: lock.scope, lockedUntil: lock.until.toISOString() },
    })),
  ]);
}
