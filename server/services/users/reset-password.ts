import { and, eq, ne } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { AppError } from '@/server/lib/errors';
import { generatePassword } from '@/server/lib/ids';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { accountThrottleKey, clearThrottle } from '../auth/sign-in-throttle';
import { hashNewPassword } from './hash-new-password';

/**
 * Gives a user a new generated password (shown once to the admin), ends all their sessions
 * (an admin resetting their own keeps the one they are using) and lifts any sign-in lock.
 */
export async function resetUserPassword(db: Db, actor: Actor, userId: string, opts: { currentSessionId?: string | null } = {}) {
  const [user] = await db.select({ email: tables.users.email, name: tables.users.name }).from(tables.users).where(eq(tables.users.id, userId));
  if (!user) throw new AppError('NOT_FOUND', { userMessage: 'No such user.' });
  const password = generatePassword();
  const hash = await hashNewPassword(password, user);
  const keep = actor.id === userId ? opts.currentSessionId : null;
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(tables.accounts)
      .set({ password: hash })
      .where(and(eq(tables.accounts.userId, userId), eq(tables.accounts.providerId, 'credential')))
      .returning({ id: tables.accounts.id });
    if (updated.length === 0) throw new AppError('NOT_FOUND', { userMessage: 'No such user.' });
    const ended = await tx
      .delete(tables.sessions)
      .where(and(eq(tables.sessions.userId, userId), keep ? ne(tables.sessions.id, keep) : undefined))
      .returning({ id: tables.sessions.id });
    await recordAudit(tx, actor, {
      action: 'user.reset-password',
      targetType: 'user',
      targetId: userId,
      details: { email: user.email, endedSessions: ended.length },
    });
  });
  await clearThrottle(db, accountThrottleKey(user.email));
  return { password };
}
