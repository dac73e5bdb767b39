import { sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { checkPassword, describePasswordCheckInEnglish } from '@/server/api/schemas/password';
import '@/server/api/schemas/password-dictionaries';
import { generatePassword } from '@/server/lib/ids';
import { recordAudit, SYSTEM } from '../audit/record-audit';
import { lockAdminSet } from './admin-lock';
import { insertUser } from './insert-user';

const ADMIN_NAME = 'Administrator';

/** ADMIN_PASSWORD fails the password rule: the console refuses to start with it. */
export class WeakAdminPasswordError extends Error {
  constructor(reason: string) {
    super(
      `ADMIN_PASSWORD is too weak for the first admin: ${reason} ` +
        'Choose a longer password of a few unrelated words, or unset ADMIN_PASSWORD to have a strong one generated and printed once.',
    );
    this.name = 'WeakAdminPasswordError';
  }
}

/**
 * On an empty database, creates the first admin. Returns the credentials when it made
 * one (the caller prints them once), or null when users already exist. The audit log credits
 * the console itself (SYSTEM), since nobody was signed in.
 */
export async function ensureInitialAdmin(
  db: Db,
  opts: { email?: string; password?: string },
): Promise<{ email: string; password: string; generated: boolean } | null> {
  const email = opts.email ?? 'admin@rome.local';
  if (opts.password) {
    const check = checkPassword(opts.password, [email, ADMIN_NAME]);
    if (check.problem) throw new WeakAdminPasswordError(describePasswordCheckInEnglish(check));
  }
  return db.transaction(async (tx) => {
    // Two processes starting on one fresh Postgres must not both create an admin.
    await lockAdminSet(tx);
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(tables.users);
    if ((row?.n ?? 0) > 0) return null;
    const password = opts.password ?? generatePassword();
    const id = await insertUser(tx, { email, name: ADMIN_NAME, role: 'admin', password });
    await recordAudit(tx, SYSTEM, { action: 'user.create', targetType: 'user', targetId: id, details: { email, role: 'admin', initialAdmin: true } });
    return { email, password, generated: !opts.password };
  });
}
