import { lt } from 'drizzle-orm';
import { tables, type Db } from '@/db';

/** Deletes sessions and verification tokens that expired; better-auth leaves them behind. */
export async function purgeExpiredSessions(db: Db, now = new Date()) {
  const sessions = await db.delete(tables.sessions).where(lt(tables.sessions.expiresAt, now)).returning({ id: tables.sessions.id });
  const verifications = await db
    .delete(tables.verifications)
    .where(lt(tables.verifications.expiresAt, now))
    .returning({ id: tables.verifications.id });
  return { sessions: sessions.length, verifications: verifications.length };
}
