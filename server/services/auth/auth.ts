import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { and, eq } from 'drizzle-orm';
import { getDatabase, tables } from '@/db';
import { env, consoleOrigins, consoleUrl } from '@/server/env';
import { authSecret } from './auth-secret';

export const AUTH_BASE_PATH = '/api/auth';
/** Set by handle-auth-request.ts from the socket (and trusted proxies); never taken from the client. */
export const CLIENT_ADDRESS_HEADER = 'x-rome-client-address';

// Endpoints better-auth would serve that set passwords, rename users or change e-mails
// without our rules (strength, ended sessions, audit). handle-auth-request.ts already serves
// only an allow-list; this is the second lock on the same door.
const DISABLED_PATHS = [
  '/sign-up/email',
  '/change-password',
  '/set-password',
  '/reset-password',
  '/request-password-reset',
  '/forget-password',
  '/verify-password',
  '/update-user',
  '/change-email',
  '/delete-user',
  '/send-verification-email',
  '/verify-email',
  '/link-social',
  '/unlink-account',
  '/revoke-session',
  '/revoke-sessions',
  '/revoke-other-sessions',
];

async function createAuth() {
  const { db } = await getDatabase();
  const e = env();
  const url = consoleUrl();
  return betterAuth({
    baseURL: url,
    basePath: AUTH_BASE_PATH,
    disabledPaths: DISABLED_PATHS,
    secret: authSecret(),
    // The same list the request guard checks (server/api/http/request-guard.ts).
    trustedOrigins: consoleOrigins(),
    database: drizzleAdapter(db, {
      provider: 'pg',
      usePlural: true,
      schema: { users: tables.users, sessions: tables.sessions, accounts: tables.accounts, verifications: tables.verifications },
    }),
    // Accounts are created by admins in Settings; nobody signs themselves up.
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12, maxPasswordLength: 128 },
    user: {
      additionalFields: {
        role: { type: 'string', input: false },
        locale: { type: 'string', required: false, input: false },
        timeZone: { type: 'string', required: false, input: false },
        disabled: { type: 'boolean', input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    // The general per-address limit; sign-in has its own back-off in the database
    // (sign-in-throttle.ts), per account and per address, that holds across processes.
    rateLimit: {
      enabled: e.NODE_ENV === 'production',
      window: 60,
      max: 300,
      customRules: { '/sign-in/email': false },
    },
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
    databaseHooks: {
      session: {
        create: {
          // A disabled user keeps their history but may not start a session.
          before: async (session) => {
            const [user] = await db
              .select({ id: tables.users.id })
              .from(tables.users)
              .where(and(eq(tables.users.id, session.userId), eq(tables.users.disabled, false)));
            return user ? { data: session } : false;
          },
        },
      },
    },
    telemetry: { enabled: false },
  });
}

export type Auth = Awaited<ReturnType<typeof createAuth>>;

const KEY = Symbol.for('rome.auth');
type Holder = { [KEY]?: Promise<Auth> };

export function getAuth(): Promise<Auth> {
  const g = globalThis as Holder;
  g[KEY] ??= createAuth();
  return g[KEY];
}
