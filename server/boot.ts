import path from 'node:path';
import { getDatabase } from '@/db';
import { env } from '@/server/env';
import { setBoss } from '@/server/jobs/enqueue';
import { startBoss } from '@/server/jobs/boss';
import { startWorker } from '@/server/jobs/worker';
import { logger } from '@/server/lib/logger';
import { ensureSandboxAccounts } from '@/server/services/clouds/ensure-sandbox-accounts';
import { seedDemoData } from '@/server/services/demo/seed-demo-data';
import { ensureInitialAdmin } from '@/server/services/users/ensure-initial-admin';

/** Start-up of the console process: migrate, first admin, demo data, job queue. */
export async function bootConsole(): Promise<void> {
  const e = env();
  const database = await getDatabase(); // applies migrations
  const admin = await ensureInitialAdmin(database.db, { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD });
  if (admin) {
    // Printed once, on the terminal only: it is never stored in clear anywhere.
    const lines = [
      'Rome Image Console: first start, an admin account was created.',
      `  Admin e-mail:    ${admin.email}`,
      `  Admin password:  ${admin.generated ? admin.password : '(from ADMIN_PASSWORD)'}`,
      'Sign in and change it in Settings → Users. This is shown only once.',
    ];
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    if (e.CONSOLE_DEMO === 'on') {
      const seeded = await seedDemoData(database.db);
      logger.info({ templates: seeded }, 'demo data seeded');
    }
  }
  const sandboxUrl = e.CONSOLE_SANDBOX === 'embedded' ? await startEmbeddedSandbox() : null;
  const boss = e.CONSOLE_WORKER === 'embedded' ? await startWorker(database) : await startBoss(database, { role: 'sender' });
  setBoss(boss);
  // After the queue: adding an account enqueues its first inventory sync.
  if (sandboxUrl && e.CONSOLE_DEMO === 'on') {
    const added = await ensureSandboxAccounts(database.db, sandboxUrl);
    if (added) logger.info({ accounts: added }, 'sandbox cloud accounts added');
  }
  logger.info({ driver: database.driver, worker: e.CONSOLE_WORKER }, 'console ready');
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
