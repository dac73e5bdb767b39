import type { Db } from '@/db';
import { describeSyncError, type SyncErrorInfo } from '@/server/services/clouds/describe-sync-error';
import { beatSyncJob, failSyncJob, finishSyncJob, startSyncJob } from '@/server/services/clouds/record-inventory-sync-job';
import { enqueueDueSyncs } from '@/server/services/clouds/request-inventory-sync';
import { syncAccountInventory } from '@/server/services/clouds/sync-account-inventory';
import { logger } from '@/server/lib/logger';
import { QUEUES, SYNC_HEARTBEAT } from '../queues';

export interface JobMeta {
  id: string;
  data: unknown;
  /** Retries pg-boss already made of this job (0 on the first run). */
  retryCount: number;
  retryLimit: number;
}

export type InventorySyncOutcome = { status: string; regions: number; failedRegions: number; wallMs: number } | { status: 'skipped' };

/**
 * One account's sync, recorded on its inventory_sync_jobs row from start to end, whatever
 * happens: every failure leaves the row failed (or interrupted) with the vendor's error and a
 * log line. Throws only to ask pg-boss for a retry (failures that may pass, a stopping worker).
 */
export async function handleInventorySync(db: Db, job: JobMeta, signal?: AbortSignal): Promise<InventorySyncOutcome> {
  const req = QUEUES['inventory.sync'].payload.parse(job.data);
  const log = logger.child({ accountId: req.accountId, syncJobId: req.syncJobId, attempt: job.retryCount + 1 });
  if (!(await startSyncJob(db, req.syncJobId, job.retryCount + 1))) {
    // Finished already, or another sync of the account was queued while this one waited for a retry.
    log.info('inventory sync skipped: nothing left to run for this job');
    return { status: 'skipped' };
  }
  const beat = setInterval(() => {
    beatSyncJob(db, req.syncJobId).catch((err: unknown) => log.warn({ err }, 'inventory sync heartbeat failed'));
  }, SYNC_HEARTBEAT.everySeconds * 1000);
  try {
    const result = await syncAccountInventory(db, req, signal);
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const regions = result.results.map((r) => ('errorInfo' in r ? { region: r.region, error: r.errorInfo } : { region: r.region }));
    const status = await finishSyncJob(db, req.syncJobId, regions);
    const failedRegions = regions.filter((r) => r.error).length;
    const summary = { status, regions: regions.length, failedRegions, wallMs: result.wallMs };
    if (status === 'succeeded') log.info(summary, 'inventory sync finished');
    else log.warn({ ...summary, firstError: regions.find((r) => r.error)?.error?.message }, 'inventory sync finished with failed regions');
    return summary;
  } catch (err) {
    const info: SyncErrorInfo = signal?.aborted
      ? { code: 'INTERRUPTED', message: 'The worker stopped during this sync; it is retried.', retryable: true }
      : describeSyncError(err);
    const willRetry = info.retryable && job.retryCount < job.retryLimit;
    const status = await failSyncJob(db, req.syncJobId, info, { willRetry });
    log.error({ code: info.code, error: info.message, status, willRetry }, 'inventory sync failed');
    // A retry is pg-boss's: it runs the same job after the queue's delay (queues.ts).
    if (willRetry) throw new Error(`${info.code}: ${info.message}`);
    return { status, regions: 0, failedRegions: 0, wallMs: 0 };
  } finally {
    clearInterval(beat);
  }
}

export async function handleInventorySchedule(db: Db) {
  const queued = await enqueueDueSyncs(db);
  if (queued) logger.info({ queued }, 'scheduled inventory syncs');
}
