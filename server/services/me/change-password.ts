import { verifyPassword } from 'better-auth/crypto';
import { and, eq, ne } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TChangePasswordRequest } from '@/server/api/schemas/password';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { accountThrottleKey, clearThrottle, reserveAttempt } from '../auth/sign-in-throttle';
import { hashNewPassword } from '../users/hash-new-password';

/**
 * The signed-in user sets a new password: the current one must be right (wrong ones count
 * towards the account's sign-in back-off, so a stolen session cannot guess it either), the
 * new one passes the strength rule, and every other session of the user ends.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  currentSessionId: string | null,
  input: TChangePasswordRequest,
  now = new Date(),
) {
  // Checked first (with the e-mail and name as guesses): a weak choice is no wrong guess.
  const hash = await hashNewPassword(input.newPassword, actor);

  const key = accountThrottleKey(actor.email);
  const reservation = await reserveAttempt(db, [key], now);
  if (!reservation.allowed) {
    const minutes = Math.ceil(reservation.retryAfterSeconds / 60);
    throw new AppError('TOO_MANY_ATTEMPTS', {
      userMessage: `Too many wrong passwords for this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      details: { retryAfter: reservation.retryAfterSeconds },
    });
  }
  const [account] = await db
    .select({ id: tables.accounts.id, password: tables.accounts.password })
    .from(tables.accounts)
    .where(and(eq(tables.accounts.userId, actor.id), eq(tables.accounts.providerId, 'credential')));
  if (!account?.password || !(await verifyPassword({ hash: account.password, password: input.currentPassword }))) {
    throw new AppError('WRONG_PASSWORD', { userMessage: 'The current password is wrong.' });
  }
  await clearThrottle(db, key);

  return db.transaction(async (tx) => {
    await tx.update(tables.accounts).set({ password: hash, updatedAt: new Date() }).where(eq(tables.accounts.id, account.id));
    const ended = await tx
      .delete(tables.sessions)
      .where(and(eq(tables.sessions.userId, actor.id), currentSessionId ? ne(tables.sessions.id, currentSessionId) : undefined))
      .returning({ id: tables.sessions.id });
    await recordAudit(tx, actor, {
      action: 'me.change-password',
      targetType: 'user',
      targetId: actor.id,
      details: { endedSessions: ended.length },
    });
    return { endedSessions: ended.length };
  });
}
