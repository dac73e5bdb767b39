import { z } from 'zod';

// The only reader of process.env. Parsed lazily so that importing a module never
// fails at build time; a bad value fails loudly at first use instead.
const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  CONSOLE_DATA_DIR: z.string().default('.data'),
  PORT: z.coerce.number().int().positive().default(3000),
  CONSOLE_URL: z.string().url().optional(),
  AUTH_SECRET: z.string().min(32).optional(),
  // Encrypts cloud keys at rest (AES-256-GCM); generated into the data folder when absent.
  CONSOLE_SECRET_KEY: z.string().min(16).optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(12).optional(),
  CONSOLE_WORKER: z.enum(['embedded', 'off']).default('embedded'),
  CONSOLE_DEMO: z.enum(['on', 'off']).default('on'),
  // The sandbox cloud inside the console process (the embedded default); 'off' when real clouds are used.
  CONSOLE_SANDBOX: z.enum(['embedded', 'off']).default('embedded'),
  SANDBOX_PORT: z.coerce.number().int().positive().default(4600),
  SANDBOX_SSH_PORT: z.coerce.number().int().positive().default(2222),
  WORKER_POLL_SECONDS: z.coerce.number().min(0.5).default(2),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof ZEnv>;

// Under Node 20 the AWS SDK warns at every start that its releases after January 2027 will
// need Node 22: nothing a person starting the console can act on (package.json's `engines`
// says which Node runs it). An operator who wants the warning sets the variable to "false".
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let cached: Env | undefined;
export function env(): Env {
  if (!cached) {
    // Empty strings in the environment mean "unset" (common in shell scripts and CI).
    const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''));
    cached = ZEnv.parse(raw);
  }
  return cached;
}

export function consoleUrl(): string {
  const e = env();
  return e.CONSOLE_URL ?? `http://localhost:${e.PORT}`;
}
