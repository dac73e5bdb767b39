import { readBodyWithin } from '@/server/lib/read-body';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDatabase, tables } from '@/db';
import { logger } from '@/server/lib/logger';
import { ROLES, type Actor, type Role } from '@/server/lib/permissions';
import { AUTH_BASE_PATH, CLIENT_ADDRESS_HEADER, getAuth } from './auth';
import { recordSignIn, recordSignInFailure } from './record-sign-in';
import {
  accountThrottleKey,
  addressThrottleKey,
  clearThrottle,
  releaseAttempt,
  reserveAttempt,
  type ThrottleScope,
} from './sign-in-throttle';

// better-auth's HTTP surface, narrowed to what the console uses. Everything else it offers
// (sign-up, change-password, reset-password, update-user, change-email, delete-user, …)
// would set a password without our strength rule, end no sessions, rename users or write
// no audit: those are answered 404 here, and the console does them through tRPC.
const ALLOWED_ROUTES: Record<string, string> = {
  '/sign-in/email': 'POST',
  '/sign-out': 'POST',
  '/get-session': 'GET',
};
const MAX_BODY_BYTES = 16 * 1024;
// better-auth refuses longer passwords before checking them; a decoy must not change that.
const MAX_PASSWORD_LENGTH = 128;
const ZEmail = z.email().max(254);

export interface AuthRequestOptions {
  /** The client's address as resolved by the API layer (socket peer, trusted proxies). */
  clientAddress: string | null;
  now?: () => Date;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export async function handleAuthRequest(req: Request, opts: AuthRequestOptions): Promise<Response> {
  const url = new URL(req.url);
  const route = url.pathname.startsWith(AUTH_BASE_PATH) ? url.pathname.slice(AUTH_BASE_PATH.length) : null;
  if (!route || ALLOWED_ROUTES[route] !== req.method) return json(404, { code: 'NOT_FOUND', message: 'Not found.' });

  const bytes = req.method === 'GET' ? null : await readBodyWithin(req, MAX_BODY_BYTES);
  if (req.method !== 'GET' && bytes === null) return json(413, { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' });
  const body = bytes === null ? null : Buffer.from(bytes).toString('utf8');

  const headers = new Headers(req.headers);
  // better-auth reads the client address (rate limits, the session's ip) from this header
  // only; whatever the client sent under that name is replaced.
  headers.set(CLIENT_ADDRESS_HEADER, opts.clientAddress ?? '');
  headers.delete('content-length');
  const forward = (text: string | null) => new Request(url, { method: req.method, headers, body: text });

  const auth = await getAuth();
  if (route !== '/sign-in/email') return auth.handler(forward(body));
  return signIn(body ?? '', headers.get('content-type') ?? '', forward, opts);
}

type Fields = Record<string, unknown>;
function parseFields(text: string, contentType: string): { fields: Fields; serialize: (f: Fields) => string } | null {
  try {
    if (contentType.includes('application/x-www-form-urlencoded')) {
      return {
        fields: Object.fromEntries(new URLSearchParams(text)),
        serialize: (f) => new URLSearchParams(Object.entries(f).map(([k, v]) => [k, String(v)])).toString(),
      };
    }
    const fields: unknown = JSON.parse(text);
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return null;
    return { fields: fields as Fields, serialize: (f) => JSON.stringify(f) };
  } catch {
    return null;
  }
}

async function signIn(text: string, contentType: string, forward: (text: string) => Request, opts: AuthRequestOptions): Promise<Response> {
  const auth = await getAuth();
  const parsed = parseFields(text, contentType);
  const email = parsed && typeof parsed.fields.email === 'string' ? parsed.fields.email.trim().toLowerCase() : '';
  // Not an e-mail: better-auth answers 400 without checking any password, so nothing to count.
  if (!parsed || !ZEmail.safeParse(email).success) return auth.handler(forward(text));

  const { db } = await getDatabase();
  const now = opts.now ?? (() => new Date());
  const address = opts.clientAddress;
  const keys = [accountThrottleKey(email), addressThrottleKey(address)];
  const reservation = await reserveAttempt(db, keys, now());
  if (!reservation.allowed) return tooManyAttempts(reservation.scope, reservation.retryAfterSeconds);

  const [user] = await db
    .select({ id: tables.users.id, email: tables.users.email, name: tables.users.name, role: tables.users.role, disabled: tables.users.disabled })
    .from(tables.users)
    .where(eq(tables.users.email, email));

  // A disabled account must answer exactly like a wrong password: same status, body and
  // work (better-auth still verifies a hash), so the answer never confirms the password.
  const fields = { ...parsed.fields };
  if (user?.disabled && typeof fields.password === 'string' && fields.password.length <= MAX_PASSWORD_LENGTH) {
    fields.password = randomBytes(24).toString('base64url');
  }
  const res = await auth.handler(forward(parsed.serialize(fields)));

  try {
    if (res.ok && user && !user.disabled && ROLES.includes(user.role as Role)) {
      await clearThrottle(db, keys[0]!);
      await releaseAttempt(db, [keys[1]!], now());
      const actor: Actor = { id: user.id, email: user.email, name: user.name, role: user.role as Role };
      await recordSignIn(db, actor, address);
    } else if (res.status === 401) {
      const reason = !user ? 'unknown_account' : user.disabled ? 'account_disabled' : 'wrong_password';
      await recordSignInFailure(db, { email, userId: user?.id ?? null, address, reason, locks: reservation.lockedNow });
    } else {
      await releaseAttempt(db, keys, now());
    }
  } catch (err) {
    // The answer stands; a lost audit row is logged rather than turned into a 500.
    logger.error({ err, address }, 'recording a sign-in attempt failed');
  }
  return res;
}

function tooManyAttempts(scope: ThrottleScope, retryAfterSeconds: number): Response {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const wait = `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const message =
    scope === 'account'
      ? `Too many failed sign-ins for this account. Try again in ${wait}.`
      : `Too many failed sign-ins from your network address. Try again in ${wait}.`;
  return json(429, { code: 'TOO_MANY_ATTEMPTS', message, scope, retryAfter: retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
}
