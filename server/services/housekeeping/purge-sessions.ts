import { lt } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { purgeIdleThrottles } from '../auth/sign-in-throttle';

/** Deletes sessions and verification tokens that expired (better-auth leaves them behind) and forgotten sign-in streaks. */
export async function purgeExpiredSessions(db: Db, now = new Date()) {
  const sessions = await db.delete(tables.sessions).where(lt(tables.sessions.expiresAt, now)).returning({ id: tables.sessions.id });
  const verifications = await db
    .delete(tables.verifications)
    .where(lt(tables.verifications.expiresAt, now))
    .returning({ id: tables.verifications.id });
  const throttles = await purgeIdleThrottles(db, now);
  return { sessions: sessions.length, verifications: verifications.length, throttles };
}
