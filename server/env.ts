import { z } from 'zod';
import { parseTrustedProxies, type TrustedProxies } from './lib/client-address';

// The only reader of process.env. Parsed lazily so that importing a module never
// fails at build time; the console and the worker check it first thing at start
// (exitOnInvalidEnv) so a bad value stops the process with a message, not a 500 per route.

/** Shortest accepted AUTH_SECRET / CONSOLE_SECRET_KEY: what 24 random bytes give in base64. */
export const MIN_SECRET_LENGTH = 32;
export const SECRET_HOWTO = 'Generate one with: openssl rand -base64 32   (or: node -e "console.log(require(\'node:crypto\').randomBytes(32).toString(\'base64url\'))")';

/** Why a value cannot be a secret key, or null. Shared with `npm run secrets -- rotate`. */
export function secretProblem(value: string): string | null {
  if (value.length < MIN_SECRET_LENGTH) return `is too short (${value.length} characters; at least ${MIN_SECRET_LENGTH})`;
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return 'contains spaces or control characters (a copy-paste error?)';
  if (new Set(value).size < 8) return `is not random (only ${new Set(value).size} different characters)`;
  return null;
}

const zSecret = z.string().superRefine((value, ctx) => {
  const problem = secretProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// Knobs of the build worker (read by server/jobs/build-worker-settings.ts). Unset: the engine's
// and the shared limits' defaults. Tests and the sandbox set fast timings and a budget scale
// matching a sandbox started with tight rate limits.
const ms = () => z.coerce.number().int().min(1).optional();
const BUILD_WORKER_ENV = {
  /** Build runs side by side in one worker process. */
  BUILD_RUNS_AT_ONCE: z.coerce.number().int().min(1).max(500).optional(),
  /** The engine's first poll delay and host wait bound; the cleanup retry delay; the cancel poll. */
  BUILD_POLL_MS: ms(),
  BUILD_HOST_TIMEOUT_MS: ms(),
  BUILD_CLEANUP_RETRY_DELAY_MS: ms(),
  BUILD_CANCEL_POLL_MS: ms(),
  /** Multiplies the vendors' published API budgets (0 < scale; a share of an account, or a tight sandbox). */
  BUILD_API_BUDGET_SCALE: z.coerce.number().positive().optional(),
  /** How long leased API tokens stay spendable; copy-slot and run-slot leases; how long a run waits for its account's slot before it looks again. */
  BUILD_TOKEN_LEASE_MS: ms(),
  BUILD_COPY_SLOT_LEASE_MS: ms(),
  BUILD_RUN_SLOT_LEASE_MS: ms(),
  BUILD_RUN_SLOT_RETRY_SECONDS: z.coerce.number().min(1).optional(),
  /** Seconds without a heartbeat after which a running build run is taken for a dead worker's. */
  BUILD_STALE_SECONDS: z.coerce.number().int().min(10).max(600).optional(),
};

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  CONSOLE_DATA_DIR: z.string().default('.data'),
  PORT: z.coerce.number().int().positive().default(3000),
  CONSOLE_URL: z.string().url().optional(),
  // Signs sessions; generated into the data folder when absent.
  AUTH_SECRET: zSecret.optional(),
  // Encrypts cloud keys at rest (AES-256-GCM); generated into the data folder when absent.
  CONSOLE_SECRET_KEY: zSecret.optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(12).optional(),
  CONSOLE_WORKER: z.enum(['embedded', 'off']).default('embedded'),
  CONSOLE_DEMO: z.enum(['on', 'off']).default('on'),
  // The sandbox cloud inside the console process (the embedded default); 'off' when real clouds are used.
  CONSOLE_SANDBOX: z.enum(['embedded', 'off']).default('embedded'),
  SANDBOX_PORT: z.coerce.number().int().positive().default(4600),
  SANDBOX_SSH_PORT: z.coerce.number().int().positive().default(2222),
  WORKER_POLL_SECONDS: z.coerce.number().min(0.5).default(2),
  // Reverse proxies in front of the console (comma-separated IPs or CIDRs). Only when the
  // socket peer is one of them is X-Forwarded-For believed; unset, it never is.
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseTrustedProxies(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...BUILD_WORKER_ENV,
});
export type Env = z.infer<typeof ZEnv>;

/** The environment is not usable; the message names every bad variable and how to fix it. */
export class InvalidEnvError extends Error {
  override readonly name = 'InvalidEnvError';
}

// Empty strings in the environment mean "unset" (common in shell scripts and CI).
const rawEnv = () => Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''));

function describe(error: z.ZodError): string {
  const lines = error.issues.map((i) => {
    const name = String(i.path[0] ?? '?');
    const secret = name === 'AUTH_SECRET' || name === 'CONSOLE_SECRET_KEY';
    // Never echo a secret's value; the other messages come from zod and do not either.
    return `  ${name} ${secret ? i.message : `is invalid: ${i.message}`}${secret ? `\n    ${SECRET_HOWTO}` : ''}`;
  });
  return `The environment is not valid:\n${lines.join('\n')}`;
}

// Under Node 20 the AWS SDK warns at every start that its releases after January 2027 will
// need Node 22: nothing a person starting the console can act on (package.json's `engines`
// says which Node runs it). An operator who wants the warning sets the variable to "false".
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let cached: Env | undefined;
export function env(): Env {
  if (!cached) {
    const parsed = ZEnv.safeParse(rawEnv());
    if (!parsed.success) throw new InvalidEnvError(describe(parsed.error));
    cached = parsed.data;
  }
  return cached;
}

/**
 * First thing the console and the worker do: a bad environment (a short or malformed
 * CONSOLE_SECRET_KEY / AUTH_SECRET…) stops the process with what is wrong and how to fix it.
 */
export function exitOnInvalidEnv(processName: string): void {
  try {
    env();
  } catch (err) {
    if (!(err instanceof InvalidEnvError)) throw err;
    process.stderr.write(`\n${processName} cannot start. ${err.message}\n\n`);
    process.exit(1);
  }
}

/**
 * Only where the database is (DATABASE_URL, CONSOLE_DATA_DIR), for `npm run secrets`, which must
 * run while CONSOLE_SECRET_KEY is the thing being fixed.
 */
export function databaseEnv(): Pick<Env, 'DATABASE_URL' | 'CONSOLE_DATA_DIR'> {
  return ZEnv.pick({ DATABASE_URL: true, CONSOLE_DATA_DIR: true }).parse(rawEnv());
}

let proxies: TrustedProxies | undefined;
export function trustedProxies(): TrustedProxies {
  proxies ??= parseTrustedProxies(env().TRUSTED_PROXIES);
  return proxies;
}

export function consoleUrl(): string {
  const e = env();
  return e.CONSOLE_URL ?? `http://localhost:${e.PORT}`;
}

/**
 * The origins the console's own pages are served from: the one origin of CONSOLE_URL, or,
 * without it, localhost and 127.0.0.1 on PORT. better-auth's trustedOrigins and the request
 * guard (server/api/http/request-guard.ts) both use this list, so they never disagree.
 */
export function consoleOrigins(e: Pick<Env, 'CONSOLE_URL' | 'PORT'> = env()): string[] {
  if (e.CONSOLE_URL) return [new URL(e.CONSOLE_URL).origin];
  return [`http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`];
}
