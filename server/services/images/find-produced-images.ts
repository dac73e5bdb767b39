// Reads of the produced-image catalog: the filtered, paged list, its filter menus, one image's
// lineage (or a base image's facts and what was built from it), and a template's region × version
// matrix with its drift.
import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TFindProducedImagesRequest, TImageDetailRequest } from '@/server/api/schemas/images';
import { AppError } from '@/server/lib/errors';

const p = tables.producedImages;
const t = tables.templates;
const u = tables.users;

/** Whether the inventory lists the base image (a link to its detail page makes sense). */
const baseImageKnown = sql<boolean>`exists (select 1 from ${tables.baseImages} b where b.cloud = ${p.cloud} and b.region = ${p.baseImageRegion} and b.image_id = ${p.baseImageId})`;

/** The columns every produced-image DTO carries. */
const producedColumns = {
  id: p.id,
  cloud: p.cloud,
  region: p.region,
  imageId: p.imageId,
  name: p.name,
  kind: p.kind,
  state: p.state,
  error: p.error,
  role: p.role,
  templateId: p.templateId,
  templateName: t.name,
  templateVersion: p.templateVersion,
  buildId: p.buildId,
  runId: p.runId,
  baseImageId: p.baseImageId,
  baseImageRegion: p.baseImageRegion,
  baseImageKnown,
  sourceRegion: p.sourceRegion,
  sourceImageId: p.sourceImageId,
  startedByName: u.name,
  producedAt: p.producedAt,
};

const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function findProducedImages(db: Db, q: TFindProducedImagesRequest) {
  const where: SQL[] = [];
  if (q.role) where.push(eq(p.role, q.role));
  if (q.templateId) where.push(eq(p.templateId, q.templateId));
  if (q.cloud) where.push(eq(p.cloud, q.cloud));
  if (q.region) where.push(eq(p.region, q.region));
  if (q.state) where.push(eq(p.state, q.state));
  if (q.search) {
    const like = escapeLike(q.search);
    where.push(or(ilike(p.imageId, like), ilike(p.name, like), ilike(t.name, like), ilike(p.baseImageId, like))!);
  }
  const filter = where.length ? and(...where) : undefined;
  const [rows, [count]] = await Promise.all([
    db
      .select(producedColumns)
      .from(p)
      .innerJoin(t, eq(t.id, p.templateId))
      .leftJoin(u, eq(u.id, p.startedBy))
      .where(filter)
      .orderBy(desc(p.producedAt), asc(p.cloud), asc(p.region), asc(p.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ n: sql<number>`count(*)::int` }).from(p).innerJoin(t, eq(t.id, p.templateId)).where(filter),
  ]);
  return { rows, total: count?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/** Values for the produced-image filters: templates and regions that have produced images. */
export async function findProducedImageFacets(db: Db) {
  const [templates, regions] = await Promise.all([
    db.selectDistinct({ id: t.id, name: t.name, role: t.role }).from(p).innerJoin(t, eq(t.id, p.templateId)).orderBy(asc(t.name), asc(t.id)),
    db.selectDistinct({ cloud: p.cloud, region: p.region }).from(p).orderBy(asc(p.cloud), asc(p.region)),
  ]);
  return { templates, regions };
}

/**
 * One image by cloud, region and id: its produced-image lineage (template version, build, run,
 * base image, the image it was copied from, the copies made from it), its inventory facts when
 * it is a base image, and the produced images built from it. NOT_FOUND when neither knows it.
 */
export async function getImageDetail(db: Db, q: TImageDetailRequest) {
  const b = tables.baseImages;
  const [produced] = await db
    .select({ ...producedColumns, builderName: tables.buildRuns.builderName, runStatus: tables.buildRuns.status, buildStatus: tables.builds.status, bodySha256: tables.builds.bodySha256 })
    .from(p)
    .innerJoin(t, eq(t.id, p.templateId))
    .innerJoin(tables.buildRuns, eq(tables.buildRuns.id, p.runId))
    .innerJoin(tables.builds, eq(tables.builds.id, p.buildId))
    .leftJoin(u, eq(u.id, p.startedBy))
    .where(and(eq(p.cloud, q.cloud), eq(p.region, q.region), eq(p.imageId, q.imageId)))
    .orderBy(desc(p.producedAt))
    .limit(1);
  const [base] = await db
    .select({
      id: b.id, cloud: b.cloud, region: b.region, imageId: b.imageId, name: b.name, description: b.description,
      osFamily: b.osFamily, osVersion: b.osVersion, osName: b.osName, architecture: b.architecture, sizeGb: b.sizeGb,
      cpuPlatforms: b.cpuPlatforms, enaSupport: b.enaSupport, vendorState: b.vendorState, status: b.status,
      imageCreatedAt: b.imageCreatedAt, firstSeenAt: b.firstSeenAt, lastSeenAt: b.lastSeenAt, removedAt: b.removedAt,
    })
    .from(b)
    .where(and(eq(b.cloud, q.cloud), eq(b.region, q.region), eq(b.imageId, q.imageId)))
    .orderBy(sql`(${b.status} = 'available') desc`, desc(b.lastSeenAt))
    .limit(1);
  if (!produced && !base) throw new AppError('NOT_FOUND', { userMessage: `No image ${q.imageId} is known in ${q.region}.` });

  // The image it was copied from, the copies made from it, and the other images of its run.
  const [copiedFrom, copies, builtFromThis] = await Promise.all([
    produced?.sourceImageId && produced.sourceRegion
      ? db
          .select(producedColumns)
          .from(p)
          .innerJoin(t, eq(t.id, p.templateId))
          .leftJoin(u, eq(u.id, p.startedBy))
          .where(and(eq(p.cloud, q.cloud), eq(p.region, produced.sourceRegion), eq(p.imageId, produced.sourceImageId)))
          .limit(1)
          .then((rows) => rows[0] ?? null)
      : Promise.resolve(null),
    produced
      ? db
          .select(producedColumns)
          .from(p)
          .innerJoin(t, eq(t.id, p.templateId))
          .leftJoin(u, eq(u.id, p.startedBy))
          .where(and(eq(p.cloud, q.cloud), eq(p.sourceRegion, q.region), eq(p.sourceImageId, q.imageId)))
          .orderBy(asc(p.region))
      : Promise.resolve([]),
    db
      .select(producedColumns)
      .from(p)
      .innerJoin(t, eq(t.id, p.templateId))
      .leftJoin(u, eq(u.id, p.startedBy))
      .where(and(eq(p.cloud, q.cloud), eq(p.baseImageRegion, q.region), eq(p.baseImageId, q.imageId)))
      .orderBy(desc(p.producedAt), asc(p.region))
      .limit(200),
  ]);
  return { cloud: q.cloud, region: q.region, imageId: q.imageId, produced: produced ?? null, base: base ?? null, copiedFrom, copies, builtFromThis };
}

/**
 * Where each version of a template exists: rows are cloud/region, columns the versions that
 * produced images (newest first), cells the newest image of that version there. Drift: regions
 * that hold some version but not the latest version built.
 */
export async function findTemplateImageMatrix(db: Db, templateId: string) {
  const [template] = await db.select({ id: t.id, name: t.name, role: t.role, latestVersion: t.latestVersion }).from(t).where(eq(t.id, templateId));
  if (!template) throw new AppError('NOT_FOUND', { userMessage: 'No such template.' });
  // One cell per (cloud, region, version): the newest available image, else the newest failed copy.
  const cells = await db
    .selectDistinctOn([p.cloud, p.region, p.templateVersion], {
      id: p.id, cloud: p.cloud, region: p.region, version: p.templateVersion, imageId: p.imageId, state: p.state, producedAt: p.producedAt, buildId: p.buildId,
    })
    .from(p)
    .where(eq(p.templateId, templateId))
    .orderBy(asc(p.cloud), asc(p.region), desc(p.templateVersion), sql`(${p.state} = 'available') desc`, desc(p.producedAt));
  const versions = [...new Set(cells.map((c) => c.version))].sort((a, b) => b - a);
  const latestBuilt = cells.filter((c) => c.state === 'available').reduce<number | null>((m, c) => (m === null || c.version > m ? c.version : m), null);
  const byRegion = new Map<string, { cloud: typeof cells[number]['cloud']; region: string; cells: typeof cells }>();
  for (const c of cells) {
    const key = `${c.cloud}/${c.region}`;
    const row = byRegion.get(key) ?? { cloud: c.cloud, region: c.region, cells: [] };
    row.cells.push(c);
    byRegion.set(key, row);
  }
  const rows = [...byRegion.values()].map((r) => ({
    cloud: r.cloud,
    region: r.region,
    cells: r.cells.map(({ cloud: _c, region: _r, ...cell }) => cell),
    drift: latestBuilt !== null && !r.cells.some((c) => c.version === latestBuilt && c.state === 'available'),
  }));
  return { template, versions, latestBuilt, rows, driftCount: rows.filter((r) => r.drift).length };
}

