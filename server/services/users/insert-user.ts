import { eq } from 'drizzle-orm';
import { tables, type DbOrTx } from '@/db';
import { newId } from '@/server/lib/ids';
import type { Role } from '@/server/lib/permissions';
import { nameTaken, withUniqueName } from '../unique-names';
import { hashNewPassword } from './hash-new-password';

/** A user plus the credential account better-auth signs them in with. */
export async function insertUser(
  tx: DbOrTx,
  input: { email: string; name: string; role: Role; password: string },
): Promise<string> {
  const [taken] = await tx.select({ id: tables.users.id }).from(tables.users).where(eq(tables.users.email, input.email));
  if (taken) throw nameTaken('users_email_unique', input.email);
  const hash = await hashNewPassword(input.password, input);
  const id = newId();
  await withUniqueName('users_email_unique', input.email, () =>
    tx.insert(tables.users).values({ id, email: input.email, name: input.name, role: input.role, emailVerified: true }),
  );
  await tx.insert(tables.accounts).values({
    id: newId(),
    userId: id,
    accountId: id,
    providerId: 'credential',
    password: hash,
  });
  return id;
}
