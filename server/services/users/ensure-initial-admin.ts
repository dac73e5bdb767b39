import { sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { generatePassword } from '@/server/lib/ids';
import { recordAudit, SYSTEM } from '../audit/record-audit';
import { insertUser } from './insert-user';

/**
 * On an empty database, creates the first admin. Returns the credentials when it made
 * one (the caller prints them once), or null when users already exist. The audit log credits
 * the console itself (SYSTEM), since nobody was signed in.
 */
export async function ensureInitialAdmin(
  db: Db,
  opts: { email?: string; password?: string },
): Promise<{ email: string; password: string; generated: boolean } | null> {
  return db.transaction(async (tx) => {
    // Two processes starting on one fresh Postgres must not both create an admin.
    await tx.execute(sql`select pg_advisory_xact_lock(7314202612)`);
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(tables.users);
    if ((row?.n ?? 0) > 0) return null;
    const email = opts.email ?? 'admin@rome.local';
    const password = opts.password ?? generatePassword();
    const id = await insertUser(tx, { email, name: 'Administrator', role: 'admin', password });
    await recordAudit(tx, SYSTEM, { action: 'user.create', targetType: 'user', targetId: id, details: { email, role: 'admin', initialAdmin: true } });
    return { email, password, generated: !opts.password };
  });
}
