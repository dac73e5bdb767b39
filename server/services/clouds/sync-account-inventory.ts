import { eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { logger } from '@/server/lib/logger';
import { mapLimit } from '@/server/lib/map-limit';
import { providerForAccount } from './provider-for-account';
import { refreshRegions } from './refresh-regions';
import { syncRegionInventory, type RegionSyncResult } from './sync-region-inventory';

export interface AccountSyncRequest {
  accountId: string;
  regions: string[] | 'all';
  trigger: 'schedule' | 'manual' | 'account-created';
  requestedBy?: string;
}

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
        .values(wanted.map((region) => ({ accountId: account.id, region, trigger: req.trigger, pageSize: account.imagePageSize, requestedBy: req.requestedBy ?? null })))
        .returning({ id: tables.inventorySyncs.id, region: tables.inventorySyncs.region })
    : [];
  const started = Date.now();
  const results = await mapLimit(rows, account.syncConcurrency, async (row): Promise<RegionSyncResult | { region: string; error: string }> => {
    try {
      return await syncRegionInventory(db, { syncId: row.id, account, region: row.region, provider, signal });
    } catch (err) {
      logger.warn({ region: row.region, account: account.name, err: (err as Error).message }, 'inventory sync of a region failed');
      return { region: row.region, error: (err as Error).message };
    }
  });
  return { accountId: account.id, wallMs: Date.now() - started, results };
}

/** Enabled accounts whose latest sync started longer ago than their interval (or never ran). */
export async function findAccountsDueForSync(db: Db, now = new Date()): Promise<string[]> {
  const { cloudAccounts: a, inventorySyncs: s } = tables;
  const rows = await db
    .select({ id: a.id, interval: a.syncIntervalMinutes, last: sql<string | Date | null>`max(${s.createdAt})` })
    .from(a)
    .leftJoin(s, eq(s.accountId, a.id))
    .where(eq(a.enabled, true))
    .groupBy(a.id, a.syncIntervalMinutes);
  return rows.filter((r) => r.interval > 0 && (!r.last || now.getTime() - new Date(r.last).getTime() >= r.interval * 60_000)).map((r) => r.id);
}
