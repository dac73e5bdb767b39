import { eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { AppError } from '@/server/lib/errors';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { lockAdminSet } from './admin-lock';
import { userColumns } from './user-dto';

/**
 * Makes the user with this e-mail an enabled admin: the way back in when no one can manage
 * users any more (`npm run admin -- promote EMAIL`).
 */
export async function promoteUser(db: Db, actor: AuditActor, email: string, via: string) {
  return db.transaction(async (tx) => {
    await lockAdminSet(tx);
    const [user] = await tx
      .select(userColumns)
      .from(tables.users)
      .where(sql`lower(${tables.users.email}) = ${email.trim().toLowerCase()}`)
      .for('update');
    if (!user) throw new AppError('NOT_FOUND', { userMessage: `No user has the e-mail ${email}.` });
    if (user.role === 'admin' && !user.disabled) return { user, changed: false };
    await tx.update(tables.users).set({ role: 'admin', disabled: false }).where(eq(tables.users.id, user.id));
    await recordAudit(tx, actor, {
      action: 'user.promote',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, before: { role: user.role, disabled: user.disabled }, after: { role: 'admin', disabled: false }, via },
    });
    return { user: { ...user, role: 'admin' as const, disabled: false }, changed: true };
  });
}
