import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TFindBaseImagesRequest } from '@/server/api/schemas/clouds';

/** The base image catalog: filtered, searched, sorted and paged in SQL (stays fast at 100k rows). */
export async function findBaseImages(db: Db, q: TFindBaseImagesRequest) {
  const b = tables.baseImages;
  const where: SQL[] = [];
  if (q.cloud) where.push(eq(b.cloud, q.cloud));
  if (q.accountId) where.push(eq(b.accountId, q.accountId));
  if (q.region) where.push(eq(b.region, q.region));
  if (q.osFamily) where.push(eq(b.osFamily, q.osFamily));
  if (q.osVersion) where.push(eq(b.osVersion, q.osVersion));
  if (q.status !== 'all') where.push(eq(b.status, q.status));
  if (q.search) {
    const like = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(b.name, like), ilike(b.imageId, like), ilike(b.osName, like))!);
  }
  const dir = q.direction === 'asc' ? asc : desc;
  const order = {
    name: [dir(b.name), asc(b.id)],
    created: [dir(b.imageCreatedAt), asc(b.id)],
    region: [dir(b.cloud), dir(b.region), asc(b.osFamily), desc(b.imageCreatedAt), asc(b.id)],
    os: [dir(b.osFamily), dir(b.osVersion), desc(b.imageCreatedAt), asc(b.id)],
  }[q.sort];
  const filter = where.length ? and(...where) : undefined;
  const [rows, [count]] = await Promise.all([
    db
      .select({
        id: b.id,
        cloud: b.cloud,
        accountId: b.accountId,
        region: b.region,
        imageId: b.imageId,
        name: b.name,
        osFamily: b.osFamily,
        osVersion: b.osVersion,
        osName: b.osName,
        architecture: b.architecture,
        sizeGb: b.sizeGb,
        cpuPlatforms: b.cpuPlatforms,
        enaSupport: b.enaSupport,
        vendorState: b.vendorState,
        status: b.status,
        imageCreatedAt: b.imageCreatedAt,
        lastSeenAt: b.lastSeenAt,
        removedAt: b.removedAt,
      })
      .from(b)
      .where(filter)
      .orderBy(...order)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ n: sql<number>`count(*)::int` }).from(b).where(filter),
  ]);
  return { rows, total: count?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/** Values for the catalog's filter menus. */
export async function findBaseImageFacets(db: Db) {
  const b = tables.baseImages;
  const [regions, families] = await Promise.all([
    db.selectDistinct({ cloud: b.cloud, region: b.region }).from(b).orderBy(asc(b.cloud), asc(b.region)),
    db.selectDistinct({ osFamily: b.osFamily, osVersion: b.osVersion }).from(b).orderBy(asc(b.osFamily), asc(b.osVersion)),
  ]);
  return { regions, families };
}
