import { getAuth } from './auth';
import { ROLES, type Actor, type Role } from '@/server/lib/permissions';

export interface SessionUser {
  actor: Actor;
  locale: string | null;
  timeZone: string | null;
  /** The session this request came with (changing one's password keeps it, ends the others). */
  sessionId: string;
}

/** The signed-in, enabled user behind a request (with their UI preferences), or null. */
export async function getSessionUser(headers: Headers): Promise<SessionUser | null> {
  const auth = await getAuth();
  const result = await auth.api.getSession({ headers });
  if (!result) return null;
  const user = result.user as typeof result.user & {
    role?: string;
    disabled?: boolean;
    locale?: string | null;
    timeZone?: string | null;
  };
  if (user.disabled || !ROLES.includes(user.role as Role)) return null;
  return {
    actor: { id: user.id, email: user.email, name: user.name, role: user.role as Role },
    locale: user.locale ?? null,
    timeZone: user.timeZone ?? null,
    sessionId: result.session.id,
  };
}

export async function getActorFromHeaders(headers: Headers): Promise<Actor | null> {
  return (await getSessionUser(headers))?.actor ?? null;
}
