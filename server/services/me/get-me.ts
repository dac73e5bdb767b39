import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { userColumns } from '../users/user-dto';

export async function getMe(db: Db, actor: Actor) {
  const [me] = await db.select(userColumns).from(tables.users).where(eq(tables.users.id, actor.id));
  if (!me) throw new AppError('UNAUTHORIZED', { userMessage: 'Your account no longer exists.' });
  return me;
}
