import { eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { logger } from '@/server/lib/logger';
import { mapLimit } from '@/server/lib/map-limit';
import { recheckLatestTemplateVersions } from '../templates/recheck-template-versions';
import { describeSyncError, type SyncErrorInfo } from './describe-sync-error';
import { providerForAccount } from './provider-for-account';
import { refreshRegions } from './refresh-regions';
import { syncRegionInventory, type RegionSyncResult } from './sync-region-inventory';

export interface AccountSyncRequest {
  accountId: string;
  regions: string[] | 'all';
  trigger: 'schedule' | 'manual' | 'account-created';
  requestedBy?: string;
  /** The inventory_sync_jobs row this run belongs to (set by the job handler). */
  syncJobId?: string;
}

export type RegionOutcome = RegionSyncResult | { region: string; error: string; errorInfo: SyncErrorInfo };

/**
 * One account's inventory sync: refresh its regions and capabilities, then list the base
 * images of the requested regions, several at once under the account's concurrency limit.
 * A region that fails does not stop the others.
 */
export async function syncAccountInventory(db: Db, req: AccountSyncRequest, signal?: AbortSignal) {
  const { provider, account } = await providerForAccount(db, req.accountId);
  const regions = (await refreshRegions(db, account, provider, signal)).map((r) => r.id);
  const wanted = req.regions === 'all' ? regions : req.regions.filter((r) => regions.includes(r));
  const rows = wanted.length
    ? await db
        .insert(tables.inventorySyncs)
        .values(
          wanted.map((region) => ({ accountId: account.id, jobId: req.syncJobId ?? null, region, trigger: req.trigger, pageSize: account.imagePageSize, requestedBy: req.requestedBy ?? null })),
        )
        .returning({ id: tables.inventorySyncs.id, region: tables.inventorySyncs.region })
    : [];
  const started = Date.now();
  const results = await mapLimit(rows, account.syncConcurrency, async (row): Promise<RegionOutcome> => {
    try {
      return await syncRegionInventory(db, { syncId: row.id, account, region: row.region, provider, signal });
    } catch (err) {
      const errorInfo = describeSyncError(err);
      logger.warn({ region: row.region, account: account.name, code: errorInfo.code, err: errorInfo.message }, 'inventory sync of a region failed');
      return { region: row.region, error: errorInfo.message, errorInfo };
    }
  });
  // New region facts: the latest template versions are checked again (the sync itself never fails for it).
  if (results.some((r) => !('error' in r))) {
    await recheckLatestTemplateVersions(db).catch((err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err), account: account.name }, 're-checking the templates after an inventory sync failed');
    });
  }
  return { accountId: account.id, wallMs: Date.now() - started, results };
}

/** Enabled accounts whose latest sync (failed ones included) started longer ago than their interval, or never ran. */
export async function findAccountsDueForSync(db: Db, now = new Date()): Promise<string[]> {
  const a = tables.cloudAccounts;
  const rows = await db
    .select({
      id: a.id,
      interval: a.syncIntervalMinutes,
      // Region rows from before sync jobs had rows of their own count too.
      // Spelled out: drizzle leaves columns unqualified in a one-table select, which would bind them to the subquery.
      last: sql<string | Date | null>`greatest((select max(j.created_at) from inventory_sync_jobs j where j.account_id = "cloud_accounts"."id"), (select max(s.created_at) from inventory_syncs s where s.account_id = "cloud_accounts"."id"))`,
    })
    .from(a)
    .where(eq(a.enabled, true));
  return rows.filter((r) => r.interval > 0 && (!r.last || now.getTime() - new Date(r.last).getTime() >= r.interval * 60_000)).map((r) => r.id);
}
