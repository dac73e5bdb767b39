import type PgBoss from 'pg-boss';
import { QUEUES, type QueueName, type QueuePayload } from './queues';
import { announceJobs } from './wake-workers';

export { BUILD_HEARTBEAT, SYNC_HEARTBEAT } from './queues';

const KEY = Symbol.for('rome.boss');
type Holder = { [KEY]?: PgBoss };

/** The process's pg-boss instance, set once at start (web, worker or test). */
export function setBoss(boss: PgBoss | undefined): void {
  (globalThis as Holder)[KEY] = boss;
}

export function getBoss(): PgBoss {
  const boss = (globalThis as Holder)[KEY];
  if (!boss) throw new Error('The job queue is not started in this process');
  return boss;
}

export async function enqueue<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>, opts: { startAfter?: number } = {}): Promise<string> {
  const data = QUEUES[queue].payload.parse(payload);
  // startAfter: seconds before a worker may fetch the job (a run waiting for its account's slot).
  const boss = getBoss();
  const id = await boss.send(queue, data, opts.startAfter !== undefined ? { startAfter: opts.startAfter } : {});
  if (!id) throw new Error(`pg-boss refused a job for ${queue}`);
  // A job that may start now starts now: idle workers are woken rather than left to their poll.
  if (!opts.startAfter) await announceJobs(boss, queue);
  return id;
}
