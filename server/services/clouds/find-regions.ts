import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { SYNC_HEARTBEAT } from '@/server/jobs/enqueue';

/** Regions with capabilities and the latest sync of each, for Settings → Regions and the catalog's status. */
export async function findRegions(db: Db) {
  const { cloudRegions: r, cloudAccounts: a, inventorySyncs: s } = tables;
  const regions = await db
    .select({
      accountId: r.accountId,
      accountName: a.name,
      environment: a.environment,
      cloud: r.cloud,
      region: r.region,
      name: r.name,
      zones: r.zones,
      active: r.active,
      refreshedAt: r.refreshedAt,
      imageCount: sql<number>`(select count(*)::int from ${tables.baseImages} b where b.account_id = ${r.accountId} and b.region = ${r.region} and b.status = 'available')`,
    })
    .from(r)
    .innerJoin(a, eq(a.id, r.accountId))
    .orderBy(asc(r.cloud), asc(a.name), asc(r.region));
  const latest = await db
    .selectDistinctOn([s.accountId, s.region], {
      accountId: s.accountId,
      region: s.region,
      status: s.status,
      trigger: s.trigger,
      error: s.error,
      imagesSeen: s.imagesSeen,
      imagesAdded: s.imagesAdded,
      imagesRemoved: s.imagesRemoved,
      apiCalls: s.apiCalls,
      durationMs: s.durationMs,
      createdAt: s.createdAt,
      finishedAt: s.finishedAt,
      // Region rows exist only under a running job, whose heartbeat bumps the unfinished ones:
      // a row left queued/running by a dead worker is not live.
      live: sql<boolean>`coalesce(${s.status} in ('queued', 'running') and ${s.updatedAt} > now() - make_interval(secs => ${SYNC_HEARTBEAT.staleAfterSeconds}), false)`,
    })
    .from(s)
    .orderBy(s.accountId, s.region, desc(s.createdAt));
  const byKey = new Map(latest.map((l) => [`${l.accountId}|${l.region}`, l]));
  return regions.map((reg) => ({ ...reg, lastSync: byKey.get(`${reg.accountId}|${reg.region}`) ?? null }));
}

/** The most recent syncs, newest first. */
export function findInventorySyncs(db: Db, opts: { accountId?: string; limit: number }) {
  const s = tables.inventorySyncs;
  return db
    .select({
      id: s.id,
      accountId: s.accountId,
      region: s.region,
      trigger: s.trigger,
      status: s.status,
      pageSize: s.pageSize,
      pagesFetched: s.pagesFetched,
      apiCalls: s.apiCalls,
      imagesSeen: s.imagesSeen,
      imagesAdded: s.imagesAdded,
      imagesRemoved: s.imagesRemoved,
      error: s.error,
      durationMs: s.durationMs,
      createdAt: s.createdAt,
      finishedAt: s.finishedAt,
    })
    .from(s)
    .where(and(opts.accountId ? eq(s.accountId, opts.accountId) : undefined))
    .orderBy(desc(s.createdAt))
    .limit(opts.limit);
}
