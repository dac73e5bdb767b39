import { and, eq, inArray, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { SyncErrorInfo } from './describe-sync-error';

const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === '23505' || e?.cause?.code === '23505';
};

/**
 * A worker takes a queued (or interrupted, on a retry) sync: running, with a first heartbeat.
 * Returns false when there is nothing to run: the row finished already, or another sync of the
 * account was queued while this one waited for its retry (one active sync per account).
 */
export async function startSyncJob(db: Db, syncJobId: string, attempt: number): Promise<boolean> {
  const j = tables.inventorySyncJobs;
  try {
    const rows = await db
      .update(j)
      .set({ status: 'running', attempt, startedAt: sql`now()`, heartbeatAt: sql`now()`, finishedAt: null })
      .where(and(eq(j.id, syncJobId), inArray(j.status, ['queued', 'interrupted'])))
      .returning({ id: j.id });
    return rows.length > 0;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** "Still alive": the job and its unfinished region rows. Returns false once the row is no longer ours to run. */
export async function beatSyncJob(db: Db, syncJobId: string): Promise<boolean> {
  const { inventorySyncJobs: j, inventorySyncs: s } = tables;
  const rows = await db
    .update(j)
    .set({ heartbeatAt: sql`now()` })
    .where(and(eq(j.id, syncJobId), eq(j.status, 'running')))
    .returning({ id: j.id });
  await db
    .update(s)
    .set({ updatedAt: sql`now()` })
    .where(and(eq(s.jobId, syncJobId), inArray(s.status, ['queued', 'running'])));
  return rows.length > 0;
}

/**
 * The account's part went through: the status follows its regions (all succeeded, some failed
 * = partial, all failed = failed with the first region's error).
 */
export async function finishSyncJob(db: Db, syncJobId: string, regions: { region: string; error?: SyncErrorInfo }[]) {
  const failed = regions.filter((r) => r.error);
  const first = failed[0];
  const status = failed.length === 0 ? 'succeeded' : failed.length < regions.length ? 'partial' : 'failed';
  const j = tables.inventorySyncJobs;
  await db
    .update(j)
    .set({
      status,
      regionsTotal: regions.length,
      regionsFailed: failed.length,
      errorCode: first?.error?.code ?? null,
      error: first ? `${first.region}: ${first.error!.message}` : null,
      finishedAt: sql`now()`,
      durationMs: sql`(extract(epoch from now() - ${j.startedAt}) * 1000)::int`,
      heartbeatAt: sql`now()`,
    })
    .where(and(eq(j.id, syncJobId), eq(j.status, 'running')));
  return status;
}

/**
 * The job failed as a whole (before or outside the regions). With a retry to come it waits
 * as `queued` with the error shown; otherwise it ends `failed`, or `interrupted` when its
 * worker stopped.
 */
export async function failSyncJob(db: Db, syncJobId: string, error: SyncErrorInfo, opts: { willRetry: boolean }) {
  const j = tables.inventorySyncJobs;
  const status = opts.willRetry ? 'queued' : error.code === 'INTERRUPTED' ? 'interrupted' : 'failed';
  await db
    .update(j)
    .set({
      status,
      errorCode: error.code,
      error: error.message,
      finishedAt: opts.willRetry ? null : sql`now()`,
      durationMs: sql`(extract(epoch from now() - ${j.startedAt}) * 1000)::int`,
    })
    .where(and(eq(j.id, syncJobId), eq(j.status, 'running')));
  return status;
}
