import { and, eq, ne, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TUpdateUserRequest } from '@/server/api/schemas/users';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { lockAdminSet } from './admin-lock';

export async function updateUser(db: Db, actor: Actor, input: TUpdateUserRequest) {
  return db.transaction(async (tx) => {
    const touchesAdmins = input.role !== undefined || input.disabled !== undefined;
    if (touchesAdmins) {
      await lockAdminSet(tx);
      // The session said "admin" when the request began; another admin may have demoted or
      // disabled this one while it waited for the lock.
      const [self] = await tx.select({ role: tables.users.role, disabled: tables.users.disabled }).from(tables.users).where(eq(tables.users.id, actor.id));
      if (!self || self.role !== 'admin' || self.disabled) {
        throw new AppError('FORBIDDEN', { userMessage: 'You are no longer an admin; the change was not made.' });
      }
    }
    const [user] = await tx.select().from(tables.users).where(eq(tables.users.id, input.id)).for('update');
    if (!user) throw new AppError('NOT_FOUND', { userMessage: 'No such user.' });

    const losesAdmin = user.role === 'admin' && !user.disabled && ((input.role && input.role !== 'admin') || input.disabled === true);
    if (losesAdmin) {
      // Someone must always be able to manage users and credentials.
      const [others] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(tables.users)
        .where(and(eq(tables.users.role, 'admin'), eq(tables.users.disabled, false), ne(tables.users.id, user.id)));
      if ((others?.n ?? 0) === 0) {
        throw new AppError('LAST_ADMIN', { userMessage: 'This is the last enabled admin; make someone else admin first.' });
      }
    }

    const changes = {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.role !== undefined && { role: input.role }),
      ...(input.disabled !== undefined && { disabled: input.disabled }),
    };
    // Nothing sent, nothing written (drizzle refuses an empty SET; updated_at stays).
    if (Object.keys(changes).length) await tx.update(tables.users).set(changes).where(eq(tables.users.id, user.id));
    // Disabling signs the user out everywhere at once.
    if (input.disabled) await tx.delete(tables.sessions).where(eq(tables.sessions.userId, user.id));
    await recordAudit(tx, actor, {
      action: 'user.update',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, changes },
    });
    return { id: user.id };
  });
}
