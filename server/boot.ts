import path from 'node:path';
import { getDatabase } from '@/db';
import { env, exitOnInvalidEnv } from '@/server/env';
import { setBoss } from '@/server/jobs/enqueue';
import { startBoss, stopBoss } from '@/server/jobs/boss';
import { startWorker, stopWorker } from '@/server/jobs/worker';
import { buildWorkerSettings } from '@/server/jobs/build-worker-settings';
import { logger } from '@/server/lib/logger';
import { ensureSandboxAccounts } from '@/server/services/clouds/ensure-sandbox-accounts';
import { warnUndecryptableAccounts } from '@/server/services/clouds/warn-undecryptable-accounts';
import { seedDemoData } from '@/server/services/demo/seed-demo-data';
import { ensureInitialAdmin } from '@/server/services/users/ensure-initial-admin';

/** Start-up of the console process: migrate, first admin, demo data, job queue. */
export async function bootConsole(): Promise<void> {
  exitOnInvalidEnv('The console');
  // Everything this process writes (the PGlite files, generated secrets, the sandbox's state) is
  // owner-only; the data folder itself is made 0700 when the database opens.
  process.umask(0o077);
  const e = env();
  const database = await getDatabase(); // applies migrations
  await warnUndecryptableAccounts(database.db);
  const admin = await ensureInitialAdmin(database.db, { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD });
  if (admin) {
    // Printed once, on the terminal only: it is never stored in clear anywhere.
    const lines = [
      'Rome Image Console: first start, an admin account was created.',
      `  Admin e-mail:    ${admin.email}`,
      `  Admin password:  ${admin.generated ? admin.password : '(from ADMIN_PASSWORD)'}`,
      'Sign in, then change it from the account menu (top right) → Change password. This is shown only once.',
    ];
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    if (e.CONSOLE_DEMO === 'on') {
      const seeded = await seedDemoData(database.db);
      logger.info({ templates: seeded }, 'demo data seeded');
    }
  }
  const sandboxUrl = e.CONSOLE_SANDBOX === 'embedded' ? await startEmbeddedSandbox() : null;
  const boss = e.CONSOLE_WORKER === 'embedded' ? await startWorker(database, buildWorkerSettings()) : await startBoss(database, { role: 'sender' });
  setBoss(boss);
  const stop = e.CONSOLE_WORKER === 'embedded' ? () => stopWorker(boss, STOP_DEADLINE_MS - 2_000) : () => stopBoss(boss, STOP_DEADLINE_MS - 2_000);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal, stop));
  // After the queue: adding an account enqueues its first inventory sync.
  if (sandboxUrl && e.CONSOLE_DEMO === 'on') {
    const added = await ensureSandboxAccounts(database.db, sandboxUrl, e.SANDBOX_SSH_PORT);
    if (added) logger.info({ accounts: added }, 'sandbox cloud accounts added');
  }
  logger.info({ driver: database.driver, worker: e.CONSOLE_WORKER }, 'console ready');
}

/** Whatever happens to the database, the console is gone this long after SIGTERM/SIGINT. */
const STOP_DEADLINE_MS = 10_000;

/**
 * Next.js closes its HTTP server on these signals and then exits; this stops the job queue
 * beside it (running syncs are aborted and recorded as interrupted, to be retried), bounded,
 * with a last-resort exit for a stop that hangs on a database that is gone.
 */
async function shutdown(signal: string, stop: () => Promise<boolean>) {
  setTimeout(() => {
    logger.error({ signal }, 'console did not stop in time; exiting');
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  logger.info({ signal }, 'console stopping');
  const clean = await stop();
  logger.info({ clean }, 'job queue stopped');
}

/**
 * The sandbox cloud in this process, so a newcomer sees builds work without cloud keys. Its
 * state lives beside the database, since the catalog will point at images made in it.
 */
async function startEmbeddedSandbox(): Promise<string> {
  const e = env();
  const { startSandboxCloud } = await import('@/server/sandbox-cloud/server');
  try {
    const sandbox = await startSandboxCloud({
      port: e.SANDBOX_PORT,
      sshPort: e.SANDBOX_SSH_PORT,
      stateFile: path.join(e.CONSOLE_DATA_DIR, 'sandbox-state.json'),
    });
    logger.info({ url: sandbox.url }, 'sandbox cloud started');
    return sandbox.url;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    logger.warn({ port: e.SANDBOX_PORT }, 'sandbox port busy: using the sandbox cloud already listening there');
    return `http://127.0.0.1:${e.SANDBOX_PORT}`;
  }
}
