import { trustedProxies } from '@/server/env';
import { resolveClientAddress, type TrustedProxies } from '@/server/lib/client-address';
import { logger } from '@/server/lib/logger';
import { peerAddressOf } from '@/server/lib/peer-address';
import { handleAuthRequest as handleAuth } from '@/server/services/auth/handle-auth-request';
import { guardedRoute } from './http/request-guard';
import { MAX_AUTH_BODY_BYTES } from './http/limits';

export interface AuthHandlerOptions {
  /** The TCP peer; by default the one instrumentation.ts stamped on the request. */
  peerAddress?: string | null;
  trustedProxies?: TrustedProxies;
  now?: () => Date;
}

let warned = false;

/**
 * better-auth's routes (sign-in, sign-out, session): the only unauthenticated surface.
 * Behind the request guard: its client sends every POST as application/json (better-fetch
 * serialises the body, `{}` for sign-out), while better-auth itself would also parse forms.
 * Reads are not limited to the console's pages: better-auth's GET routes may be links opened
 * from elsewhere, and it checks its own callback URLs.
 */
export function handleAuthRequest(req: Request, opts: AuthHandlerOptions = {}): Promise<Response> {
  const guarded = guardedRoute(
    { maxBodyBytes: MAX_AUTH_BODY_BYTES, sameOriginReads: false },
    async (checked) => {
      const peer = opts.peerAddress !== undefined ? opts.peerAddress : peerAddressOf(checked.headers);
      if (!peer && !warned) {
        warned = true;
        logger.warn('the socket address of auth requests is unknown: sign-in limits per address share one bucket');
      }
      const clientAddress = resolveClientAddress(peer, checked.headers.get('x-forwarded-for'), opts.trustedProxies ?? trustedProxies());
      return handleAuth(checked, { clientAddress, now: opts.now });
    },
    // better-auth's own error body, which its client reads as `error.code` / `error.message`.
    (refusal) => Response.json({ code: refusal.code, message: refusal.message }, { status: refusal.status }),
  );
  return guarded(req);
}
