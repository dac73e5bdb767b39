// `npm run worker`: a separate worker process against DATABASE_URL (as many as wanted).
import { getDatabase } from '@/db';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';
import { setBoss } from './enqueue';
import { startWorker } from './worker';

async function main() {
  if (!env().DATABASE_URL) {
    // PGlite is one process's database: a second process would open the same files.
    logger.fatal('npm run worker needs DATABASE_URL (PostgreSQL); the embedded default runs its worker inside the console');
    process.exit(2);
  }
  const database = await getDatabase();
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

main().catch((err) => {
  logger.fatal({ err }, 'worker failed to start');
  process.exit(1);
});
