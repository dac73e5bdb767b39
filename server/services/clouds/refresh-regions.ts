import { and, eq, notInArray, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { CloudProvider, RegionInfo } from '@/server/clouds/provider';

/**
 * Stores the account's regions and zones with their capabilities, as the cloud reports them
 * now. Regions the cloud no longer lists are kept but marked inactive (history, old syncs).
 */
export async function refreshRegions(db: Db, account: { id: string; cloud: 'ucloud' | 'aws' }, provider: CloudProvider, signal?: AbortSignal): Promise<RegionInfo[]> {
  const regions = await provider.listRegions({ signal });
  await db.transaction(async (tx) => {
    for (const r of regions) {
      await tx
        .insert(tables.cloudRegions)
        .values({ accountId: account.id, cloud: account.cloud, region: r.id, name: r.name, zones: r.zones, active: true })
        .onConflictDoUpdate({
          target: [tables.cloudRegions.accountId, tables.cloudRegions.region],
          set: { name: r.name, zones: r.zones, active: true, refreshedAt: sql`now()` },
        });
    }
    const ids = regions.map((r) => r.id);
    await tx
      .update(tables.cloudRegions)
      .set({ active: false })
      .where(and(eq(tables.cloudRegions.accountId, account.id), ids.length ? notInArray(tables.cloudRegions.region, ids) : undefined));
  });
  return regions;
}
