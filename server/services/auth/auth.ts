import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { and, eq } from 'drizzle-orm';
import { getDatabase, tables } from '@/db';
import { env, consoleOrigins, consoleUrl } from '@/server/env';
import { authSecret } from './auth-secret';

async function createAuth() {
  const { db } = await getDatabase();
  const e = env();
  const url = consoleUrl();
  return betterAuth({
    baseURL: url,
    secret: authSecret(),
    // The same list the request guard checks (server/api/http/request-guard.ts).
    trustedOrigins: consoleOrigins(),
    database: drizzleAdapter(db, {
      provider: 'pg',
      usePlural: true,
      schema: { users: tables.users, sessions: tables.sessions, accounts: tables.accounts, verifications: tables.verifications },
    }),
    // Accounts are created by admins in Settings; nobody signs themselves up.
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12 },
    user: {
      additionalFields: {
        role: { type: 'string', input: false },
        locale: { type: 'string', required: false, input: false },
        timeZone: { type: 'string', required: false, input: false },
        disabled: { type: 'boolean', input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: e.NODE_ENV === 'production',
      window: 60,
      max: 300,
      customRules: { '/sign-in/email': { window: 60, max: 30 } },
    },
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
