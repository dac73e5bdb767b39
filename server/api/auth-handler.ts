import { getAuth } from '@/server/services/auth/auth';

/** better-auth's own routes (sign-in, sign-out, session): the only unauthenticated surface. */
export async function handleAuthRequest(req: Request): Promise<Response> {
  const auth = await getAuth();
  return auth.handler(req);
}
