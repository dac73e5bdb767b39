import 'server-only';
import { redirect } from 'next/navigation';
import { getDatabase } from '@/server/services/database';
import { createCaller } from '@/server/api/root';
import { getRequestUser } from '@/server/api/session';
import { can, type Permission } from '@/server/lib/permissions';

/** A tRPC caller for server components, as the signed-in user; sends others to sign-in. */
export async function serverApi() {
  const user = await getRequestUser();
  if (!user) redirect('/sign-in');
  const { db } = await getDatabase();
  const actor = user.actor;
  return { api: createCaller({ db, actor }), actor, can: (permission: Permission) => can(actor.role, permission) };
}
