import { hashPassword } from 'better-auth/crypto';
import { and, eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { AppError } from '@/server/lib/errors';
import { generatePassword } from '@/server/lib/ids';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';

export async function resetUserPassword(db: Db, actor: Actor, userId: string) {
  const password = generatePassword();
  const hash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(tables.accounts)
      .set({ password: hash })
      .where(and(eq(tables.accounts.userId, userId), eq(tables.accounts.providerId, 'credential')))
      .returning({ id: tables.accounts.id });
    if (updated.length === 0) throw new AppError('NOT_FOUND', { userMessage: 'No such user.' });
    await tx.delete(tables.sessions).where(eq(tables.sessions.userId, userId));
    await recordAudit(tx, actor, { action: 'user.reset-password', targetType: 'user', targetId: userId });
  });
  return { password };
}
