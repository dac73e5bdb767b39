import 'server-only';
import { TRPCError } from '@trpc/server';
import { redirect } from 'next/navigation';
import { createCaller } from '@/server/api/root';
import { getRequestUser } from '@/server/api/session';
import { createContextForActor } from '@/server/api/trpc';
import { can, type Permission } from '@/server/lib/permissions';

/** A tRPC caller for server components, as the signed-in user; sends others to sign-in. */
export async function serverApi() {
  const user = await getRequestUser();
  if (!user) redirect('/sign-in');
  const actor = user.actor;
  return { api: createCaller(await createContextForActor(actor)), actor, can: (permission: Permission) => can(actor.role, permission) };
}

/** Resolves to null when the item does not exist (or its id is malformed); other errors still throw. */
export async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof TRPCError && (err.code === 'NOT_FOUND' || err.code === 'BAD_REQUEST')) return null;
    throw err;
  }
}
