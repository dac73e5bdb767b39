// `npm run worker`: a separate worker process against DATABASE_URL (as many as wanted).
import { env, exitOnInvalidEnv } from '@/server/env';

async function main() {
  // Before the modules that read the environment at import time (the logger).
  exitOnInvalidEnv('The worker');
  const [{ getDatabase }, { logger }, { setBoss }, { startWorker }] = await Promise.all([import('@/db'), import('@/server/lib/logger'), import('./enqueue'), import('./worker')]);
  if (!env().DATABASE_URL) {
    // PGlite is one process's database: a second process would open the same files.
    logger.fatal('npm run worker needs DATABASE_URL (PostgreSQL); the embedded default runs its worker inside the console');
    process.exit(2);
  }
  const database = await getDatabase();
  const { warnUndecryptableAccounts } = await import('@/server/services/clouds/warn-undecryptable-accounts');
  await warnUndecryptableAccounts(database.db);
  const boss = await startWorker(database, { pollingIntervalSeconds: env().WORKER_POLL_SECONDS });
  setBoss(boss);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'worker stopping');
    await boss.stop({ graceful: true, timeout: 10_000 });
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch(async (err: unknown) => {
  const { logger } = await import('@/server/lib/logger');
  logger.fatal({ err }, 'worker failed to start');
  process.exit(1);
});
