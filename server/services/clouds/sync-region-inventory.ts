import { and, eq, lt, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { CloudProvider, ImageInfo } from '@/server/clouds/provider';

export interface RegionSyncResult {
  region: string;
  pagesFetched: number;
  apiCalls: number;
  imagesSeen: number;
  imagesAdded: number;
  imagesRemoved: number;
  durationMs: number;
}

const UPSERT_BATCH = 500;

/**
 * Lists every base image of one region page by page, upserts them, and marks the ones the
 * cloud no longer lists as removed (kept for history). The sync row records what happened.
 */
export async function syncRegionInventory(
  db: Db,
  opts: { syncId: string; account: { id: string; cloud: 'ucloud' | 'aws'; imagePageSize: number }; region: string; provider: CloudProvider; signal?: AbortSignal },
): Promise<RegionSyncResult> {
  const { account, region, provider, syncId } = opts;
  const started = new Date();
  await db.update(tables.inventorySyncs).set({ status: 'running', startedAt: started }).where(eq(tables.inventorySyncs.id, syncId));

  const known = new Set(
    (
      await db
        .select({ imageId: tables.baseImages.imageId })
        .from(tables.baseImages)
        .where(and(eq(tables.baseImages.accountId, account.id), eq(tables.baseImages.region, region), eq(tables.baseImages.status, 'available')))
    ).map((r) => r.imageId),
  );
  const seen = new Set<string>();
  let added = 0;
  let pages = 0;
  let calls = 0;
  try {
    for await (const page of provider.listBaseImages(region, { pageSize: account.imagePageSize, signal: opts.signal })) {
      pages += 1;
      calls = page.calls;
      const fresh = page.images.filter((i) => !seen.has(i.id));
      for (const i of fresh) {
        seen.add(i.id);
        if (!known.has(i.id)) added += 1;
      }
      for (let i = 0; i < fresh.length; i += UPSERT_BATCH) await upsertImages(db, account, region, fresh.slice(i, i + UPSERT_BATCH), started);
      await db.update(tables.inventorySyncs).set({ pagesFetched: pages, apiCalls: calls, imagesSeen: seen.size }).where(eq(tables.inventorySyncs.id, syncId));
    }
    // Anything not touched by this sync has disappeared from the cloud.
    const removed = await db
      .update(tables.baseImages)
      .set({ status: 'removed', removedAt: sql`now()` })
      .where(and(eq(tables.baseImages.accountId, account.id), eq(tables.baseImages.region, region), eq(tables.baseImages.status, 'available'), lt(tables.baseImages.lastSeenAt, started)))
      .returning({ id: tables.baseImages.id });
    const result: RegionSyncResult = {
      region,
      pagesFetched: pages,
      apiCalls: calls,
      imagesSeen: seen.size,
      imagesAdded: added,
      imagesRemoved: removed.length,
      durationMs: Date.now() - started.getTime(),
    };
    await db
      .update(tables.inventorySyncs)
      .set({ ...result, status: 'succeeded', finishedAt: new Date() })
      .where(eq(tables.inventorySyncs.id, syncId));
    return result;
  } catch (err) {
    // A failed sync removes nothing: a half-listed region must not look like vanished images.
    // Aborted = the worker is stopping (the job is retried elsewhere): interrupted, not failed.
    await db
      .update(tables.inventorySyncs)
      .set({
        status: opts.signal?.aborted ? 'interrupted' : 'failed',
        error: (err as Error).message,
        pagesFetched: pages,
        apiCalls: calls,
        imagesSeen: seen.size,
        finishedAt: new Date(),
        durationMs: Date.now() - started.getTime(),
      })
      .where(eq(tables.inventorySyncs.id, syncId));
    throw err;
  }
}

async function upsertImages(db: Db, account: { id: string; cloud: 'ucloud' | 'aws' }, region: string, images: ImageInfo[], seenAt: Date) {
  if (images.length === 0) return;
  await db
    .insert(tables.baseImages)
    .values(
      images.map((i) => ({
        accountId: account.id,
        cloud: account.cloud,
        region,
        imageId: i.id,
        name: i.name,
        description: i.description,
        osFamily: i.osFamily,
        osVersion: i.osVersion,
        osName: i.osName,
        architecture: i.architecture,
        sizeGb: i.sizeGb,
        cpuPlatforms: i.cpuPlatforms ?? [],
        enaSupport: i.enaSupport ?? null,
        vendorState: i.vendorState,
        status: 'available' as const,
        imageCreatedAt: i.createdAt,
        firstSeenAt: seenAt,
        lastSeenAt: seenAt,
      })),
    )
    .onConflictDoUpdate({
      target: [tables.baseImages.accountId, tables.baseImages.region, tables.baseImages.imageId],
      set: {
        name: sql`excluded.name`,
        description: sql`excluded.description`,
        osFamily: sql`excluded.os_family`,
        osVersion: sql`excluded.os_version`,
        osName: sql`excluded.os_name`,
        architecture: sql`excluded.architecture`,
        sizeGb: sql`excluded.size_gb`,
        cpuPlatforms: sql`excluded.cpu_platforms`,
        enaSupport: sql`excluded.ena_support`,
        vendorState: sql`excluded.vendor_state`,
        imageCreatedAt: sql`excluded.image_created_at`,
        status: 'available',
        removedAt: null,
        // GREATEST: when two syncs of a region overlap, the older one must not move
        // last_seen_at back and make the newer one think the image vanished.
        lastSeenAt: sql`greatest(${tables.baseImages.lastSeenAt}, excluded.last_seen_at)`,
      },
    });
}
