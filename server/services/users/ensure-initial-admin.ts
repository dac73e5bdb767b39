import { sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { generatePassword } from '@/server/lib/ids';
import { lockAdminSet } from './admin-lock';
import { insertUser } from './insert-user';

/**
 * On an empty database, creates the first admin. Returns the credentials when it made
 * one (the caller prints them once), or null when users already exist.
 */
export async function ensureInitialAdmin(
  db: Db,
  opts: { email?: string; password?: string },
): Promise<{ email: string; password: string; generated: boolean } | null> {
  return db.transaction(async (tx) => {
    // Two processes starting on one fresh Postgres must not both create an admin.
    await lockAdminSet(tx);
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(tables.users);
    if ((row?.n ?? 0) > 0) return null;
    const email = opts.email ?? 'admin@rome.local';
    const password = opts.password ?? generatePassword();
    await insertUser(tx, { email, name: 'Administrator', role: 'admin', password });
    return { email, password, generated: !opts.password };
  });
}
