// `npm run worker`: a separate worker process against DATABASE_URL (as many as wanted).
import { env, exitOnInvalidEnv } from '@/server/env';

/** Whatever happens to the database, the process is gone this long after SIGTERM/SIGINT. */
const STOP_DEADLINE_MS = 10_000;

async function main() {
  // Before the modules that read the environment at import time (the logger).
  exitOnInvalidEnv('The worker');
  const [{ getDatabase }, { logger }, { setBoss }, { startWorker, stopWorker }, { buildWorkerSettings }] = await Promise.all([import('@/db'), import('@/server/lib/logger'), import('./enqueue'), import('./worker'), import('./build-worker-settings')]);
  if (!env().DATABASE_URL) {
    // PGlite is one process's database: a second process would open the same files.
    logger.fatal('npm run worker needs DATABASE_URL (PostgreSQL); the embedded default runs its worker inside the console');
    process.exit(2);
  }
  const database = await getDatabase();
  const { warnUndecryptableAccounts } = await import('@/server/services/clouds/warn-undecryptable-accounts');
  await warnUndecryptableAccounts(database.db);
  const boss = await startWorker(database, { pollingIntervalSeconds: env().WORKER_POLL_SECONDS, ...buildWorkerSettings() });
  setBoss(boss);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    // The last resort: a stop that hangs (a database that vanished mid-query) must not keep the process.
    setTimeout(() => {
      logger.error('worker did not stop in time; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    const clean = await stopWorker(boss, STOP_DEADLINE_MS - 3_000);
    await Promise.race([database.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
    logger.info({ clean }, 'worker stopped');
    // The last lines are written before the exit (a buffered destination would drop them).
    await Promise.race([new Promise<void>((r) => logger.flush(() => r())), new Promise((r) => setTimeout(r, 1_000).unref())]);
    process.exit(clean ? 0 : 1);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch(async (err: unknown) => {
  const { logger } = await import('@/server/lib/logger');
  logger.fatal({ err }, 'worker failed to start');
  process.exit(1);
});
