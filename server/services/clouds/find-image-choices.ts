import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TImageChoicesRequest } from '@/server/api/schemas/clouds';
import type { CloudKind, RegionInfo } from '@/server/clouds/provider';
import { imageFitForHost } from '@/server/engine/template/image-fit';
import { findBaseImages } from './find-base-images';

/** Regions of a cloud whose images a sync listed successfully, with the last such sync. */
async function syncedRegions(db: Db, cloud: CloudKind): Promise<Map<string, Date | null>> {
  const { inventorySyncs: s, cloudAccounts: a } = tables;
  const rows = await db
    .select({ region: s.region, lastSyncedAt: sql<Date | null>`max(${s.finishedAt})`.mapWith(s.finishedAt) })
    .from(s)
    .innerJoin(a, eq(a.id, s.accountId))
    .where(and(eq(a.cloud, cloud), eq(s.status, 'succeeded')))
    .groupBy(s.region);
  return new Map(rows.map((r) => [r.region, r.lastSyncedAt ?? null]));
}

/**
 * The editor's "Pick from catalog": a builder's region's available base images, newest first,
 * filtered like the catalog (its findBaseImages), each marked with whether it boots on the
 * builder's host by the template check's own rules. A region never synced answers synced: false
 * and no rows, so the picker can say so instead of showing an empty table.
 */
export async function findImageChoices(db: Db, q: TImageChoicesRequest) {
  const { cloudRegions: r, baseImages: b } = tables;
  const [regionRows, synced, families] = await Promise.all([
    db
      .select({ region: r.region, name: r.name, zones: r.zones, refreshedAt: r.refreshedAt })
      .from(r)
      .where(and(eq(r.cloud, q.cloud), eq(r.active, true)))
      .orderBy(asc(r.region), desc(r.refreshedAt)),
    syncedRegions(db, q.cloud),
    db
      .selectDistinct({ osFamily: b.osFamily, osVersion: b.osVersion })
      .from(b)
      .where(and(eq(b.cloud, q.cloud), eq(b.region, q.region), eq(b.status, 'available')))
      .orderBy(asc(b.osFamily), desc(b.osVersion)),
  ]);
  // Several accounts may list one region: the most recently refreshed capabilities win (as in the check).
  const regions = new Map<string, RegionInfo>();
  for (const row of regionRows) if (!regions.has(row.region)) regions.set(row.region, { id: row.region, name: row.name, zones: row.zones });
  const region = regions.get(q.region);
  const isSynced = synced.has(q.region);

  const page = isSynced
    ? await findBaseImages(db, {
        cloud: q.cloud,
        region: q.region,
        osFamily: q.osFamily || undefined,
        osVersion: q.osVersion || undefined,
        search: q.search || undefined,
        status: 'available',
        sort: 'created',
        direction: 'desc',
        page: 1,
        pageSize: q.limit,
      })
    : { rows: [], total: 0 };

  const host = { zone: q.zone ?? null, instanceType: q.instanceType ?? null };
  return {
    cloud: q.cloud,
    region: {
      id: q.region,
      name: region?.name ?? null,
      /** The cloud's region list (capabilities) includes it. */
      known: region !== undefined,
      synced: isSynced,
      lastSyncedAt: synced.get(q.region) ?? null,
    },
    regions: [...regions.values()].map((x) => ({ id: x.id, name: x.name, synced: synced.has(x.id) })),
    families,
    // One row per image even when several accounts list the region.
    rows: page.rows.filter((row, i, all) => all.findIndex((x) => x.imageId === row.imageId) === i).map((row) => ({
      imageId: row.imageId,
      name: row.name,
      osFamily: row.osFamily,
      osVersion: row.osVersion,
      osName: row.osName,
      architecture: row.architecture,
      sizeGb: row.sizeGb,
      cpuPlatforms: row.cpuPlatforms,
      enaSupport: row.enaSupport,
      status: row.status,
      imageCreatedAt: row.imageCreatedAt,
      fit: imageFitForHost(q.cloud, region, host, { cpuPlatforms: row.cpuPlatforms, enaSupport: row.enaSupport ?? undefined }),
    })),
    total: page.total,
  };
}
