// Jobs start when they are sent, not at a worker's next poll. pg-boss fetches every
// WORKER_POLL_SECONDS (2 s) per subscribed handler, which is the delay a user who just clicked
// Build would see before the first log line. So the sender wakes idle handlers of the queue:
// those of its own process directly (pg-boss's notifyWorker), those of other worker processes
// through PostgreSQL's NOTIFY, which they LISTEN for. Polling stays as it is: it still picks up
// what a missed notification (a listener reconnecting) left behind.
import type PgBoss from 'pg-boss';
import postgres from 'postgres';
import { logger } from '@/server/lib/logger';
import type { QueueName } from './queues';

const CHANNEL = 'rome_jobs';
const KEY = Symbol.for('rome.jobWakers');
type Holder = { [KEY]?: Set<JobWaker> };

function wakers(): Set<JobWaker> {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Set());
}

/** Subscribes a process's handlers through pg-boss and knows which of them are idle. */
export class JobWaker {
  private readonly idle = new Map<string, Set<string>>();

  constructor(private readonly boss: PgBoss) {
    wakers().add(this);
    boss.once('stopped', () => wakers().delete(this));
  }

  /** boss.work, keeping the handler's id in the queue's idle set while it is not handling a job. */
  work<ReqData>(queue: QueueName, options: PgBoss.WorkOptions & { includeMetadata: true }, handler: PgBoss.WorkWithMetadataHandler<ReqData>): Promise<string>;
  work<ReqData>(queue: QueueName, options: PgBoss.WorkOptions, handler: PgBoss.WorkHandler<ReqData>): Promise<string>;
  async work(queue: QueueName, options: PgBoss.WorkOptions, handler: PgBoss.WorkHandler<unknown> | PgBoss.WorkWithMetadataHandler<unknown>): Promise<string> {
    let idle = this.idle.get(queue);
    if (!idle) this.idle.set(queue, (idle = new Set()));
    const self: { id?: string } = {};
    const wrapped: PgBoss.WorkHandler<unknown> = async (jobs) => {
      if (self.id) idle.delete(self.id);
      try {
        // pg-boss hands the handler what its options asked for (jobs with metadata or without).
        return await (handler as PgBoss.WorkHandler<unknown>)(jobs);
      } finally {
        if (self.id) idle.add(self.id);
      }
    };
    const id = await this.boss.work(queue, options, wrapped);
    self.id = id;
    idle.add(id);
    return id;
  }

  /** Wakes up to `count` idle handlers of the queue; they fetch at once instead of at their next poll. */
  wake(queue: string, count: number): number {
    let woken = 0;
    for (const id of this.idle.get(queue) ?? []) {
      if (woken >= count) break;
      this.boss.notifyWorker(id);
      woken++;
    }
    return woken;
  }
}

/** Wakes idle handlers of this process for `count` new jobs of the queue. */
export function wakeLocalWorkers(queue: string, count: number): void {
  for (const waker of wakers()) waker.wake(queue, count);
}

/**
 * Says that `count` jobs of the queue were just sent: wakes this process's idle handlers and
 * notifies other processes (a no-op for a database nobody listens on, such as PGlite's).
 */
export async function announceJobs(boss: PgBoss, queue: QueueName, count = 1): Promise<void> {
  wakeLocalWorkers(queue, count);
  try {
    await boss.getDb().executeSql('select pg_notify($1, $2)', [CHANNEL, `${queue}:${count}`]);
  } catch (err) {
    // The job is stored; a worker's poll still finds it, only later.
    logger.debug({ err, queue }, 'could not notify other workers of a new job');
  }
}

/**
 * In a worker process on PostgreSQL: wakes this process's idle handlers when another process
 * announces jobs. postgres.js re-LISTENs by itself after a dropped connection. Resolves to a
 * function that stops listening.
 */
export async function listenForJobs(connectionString: string): Promise<() => Promise<void>> {
  const sql = postgres(connectionString, { max: 1, onnotice: () => undefined, connect_timeout: 5 });
  await sql.listen(CHANNEL, (payload) => {
    const [queue, n] = payload.split(':');
    const count = Math.max(1, Math.min(1_000, Number(n) || 1));
    if (queue) wakeLocalWorkers(queue, count);
  });
  return () => sql.end({ timeout: 2 });
}
