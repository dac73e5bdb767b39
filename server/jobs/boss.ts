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
    ? // A connect timeout: without one, a pool whose database is gone waits forever (and so would a stop).
      new PgBoss({ ...common, connectionString: database.connectionString, max: 4, connectionTimeoutMillis: 5_000 } as PgBoss.ConstructorOptions)
    : new PgBoss({ ...common, db: { executeSql: (text, values) => database.executeSql(text, values) } });
  // The message and code only: pg's errors carry the whole client object (pool state, buffers).
  boss.on('error', (err: Error & { code?: string }) => logger.error({ code: err.code, err: err.message }, 'pg-boss error'));
  await boss.start();
  for (const name of QUEUE_NAMES) {
    const { policy, cron } = QUEUES[name];
    // createQueue leaves an existing queue as it is; updateQueue brings its policy up to date.
    await boss.createQueue(name, { name, ...policy });
    await boss.updateQueue(name, { name, ...policy });
    if (opts.role === 'worker' && cron) await boss.schedule(name, cron, {});
  }
  return boss;
}

/**
 * Stops pg-boss within `timeoutMs` whatever the database does: a graceful stop waits for
 * running handlers and then writes to the database, which hangs or throws when the database
 * is gone. Resolves `false` when it had to give up (the caller exits anyway).
 */
export async function stopBoss(boss: PgBoss, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      boss.stop({ graceful: true, timeout: Math.max(1_000, timeoutMs - 1_000), wait: true }).then(
        () => true,
        (err: unknown) => {
          logger.warn({ err }, 'pg-boss did not stop cleanly');
          return false;
        },
      ),
      gaveUp,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
