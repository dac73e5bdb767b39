import type { Db } from '@/db';
import type { TCreateUserRequest } from '@/server/api/schemas/users';
import { generatePassword } from '@/server/lib/ids';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { insertUser } from './insert-user';

export async function createUser(db: Db, actor: Actor, input: TCreateUserRequest) {
  const generated = !input.password;
  const password = input.password || generatePassword();
  const id = await db.transaction(async (tx) => {
    const userId = await insertUser(tx, { email: input.email, name: input.name, role: input.role, password });
    await recordAudit(tx, actor, {
      action: 'user.create',
      targetType: 'user',
      targetId: userId,
      details: { email: input.email, role: input.role },
    });
    return userId;
  });
  // The password is returned once, only when the server made it up, so the admin can pass it on.
  return { id, generatedPassword: generated ? password : null };
}
