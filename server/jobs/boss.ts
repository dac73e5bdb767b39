import PgBoss from 'pg-boss';
import type { Database } from '@/db';
import { logger } from '@/server/lib/logger';
import { QUEUE_NAMES, QUEUES } from './queues';

export interface BossOptions {
  /** Workers also run pg-boss maintenance and the cron scheduler; a web-only process just sends. */
  role: 'worker' | 'sender';
}

/**
 * pg-boss over the console's own database. On Postgres it uses its own pool from the same
 * URL; on PGlite (one connection, in this process) it goes through the driver's executeSql.
 */
export async function startBoss(database: Database, opts: BossOptions): Promise<PgBoss> {
  const common = { schema: 'pgboss', supervise: opts.role === 'worker', schedule: opts.role === 'worker' };
  const boss = database.connectionString
    ? new PgBoss({ ...common, connectionString: database.connectionString, max: 4 })
    : new PgBoss({ ...common, db: { executeSql: (text, values) => database.executeSql(text, values) } });
  boss.on('error', (err) => logger.error({ err }, 'pg-boss error'));
  await boss.start();
  for (const name of QUEUE_NAMES) {
    await boss.createQueue(name);
    if (opts.role === 'worker') {
      const cron: string | undefined = QUEUES[name].cron;
      if (cron) await boss.schedule(name, cron, {});
    }
  }
  return boss;
}
