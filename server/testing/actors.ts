import type { Db } from '@/db';
import { insertUser } from '@/server/services/users/insert-user';
import type { Actor, Role } from '@/server/lib/permissions';

/** Inserts a real user row for a role and returns it as an actor (for createCaller contexts). */
export async function makeActor(db: Db, role: Role, email = `${role}-${Math.random().toString(36).slice(2, 8)}@rome.test`): Promise<Actor> {
  const id = await insertUser(db, { email, name: `Test ${role}`, role, password: 'correct horse battery staple' });
  return { id, email, name: `Test ${role}`, role };
}
