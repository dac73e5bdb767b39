import { getAuth } from '@/server/services/auth/auth';
import { guardedRoute } from './http/request-guard';
import { MAX_AUTH_BODY_BYTES } from './http/limits';

/**
 * better-auth's own routes (sign-in, sign-out, session): the only unauthenticated surface.
 * Behind the request guard: its client sends every POST as application/json (better-fetch
 * serialises the body, `{}` for sign-out), while better-auth itself would also parse forms.
 * Reads are not limited to the console's pages: better-auth's GET routes may be links opened
 * from elsewhere, and it checks its own callback URLs.
 */
export const handleAuthRequest = guardedRoute(
  { maxBodyBytes: MAX_AUTH_BODY_BYTES, sameOriginReads: false },
  async (req) => {
    const auth = await getAuth();
    return auth.handler(req);
  },
  // better-auth's own error body, which its client reads as `error.code` / `error.message`.
  (refusal) => Response.json({ code: refusal.code, message: refusal.message }, { status: refusal.status }),
);
