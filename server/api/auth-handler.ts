import { trustedProxies } from '@/server/env';
import { resolveClientAddress, type TrustedProxies } from '@/server/lib/client-address';
import { logger } from '@/server/lib/logger';
import { peerAddressOf } from '@/server/lib/peer-address';
import { handleAuthRequest as handleAuth } from '@/server/services/auth/handle-auth-request';

export interface AuthHandlerOptions {
  /** The TCP peer; by default the one instrumentation.ts stamped on the request. */
  peerAddress?: string | null;
  trustedProxies?: TrustedProxies;
  now?: () => Date;
}

let warned = false;

/** better-auth's routes (sign-in, sign-out, session): the only unauthenticated surface. */
export async function handleAuthRequest(req: Request, opts: AuthHandlerOptions = {}): Promise<Response> {
  const peer = opts.peerAddress !== undefined ? opts.peerAddress : peerAddressOf(req.headers);
  if (!peer && !warned) {
    warned = true;
    logger.warn('the socket address of auth requests is unknown: sign-in limits per address share one bucket');
  }
  const clientAddress = resolveClientAddress(peer, req.headers.get('x-forwarded-for'), opts.trustedProxies ?? trustedProxies());
  return handleAuth(req, { clientAddress, now: opts.now });
}
