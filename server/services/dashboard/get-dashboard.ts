// The dashboard's two live facts: the newest image of each role in each region (what a rollout
// would ship), and the builds still in flight with how many of their runs are done.
import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';

const IN_FLIGHT_LIMIT = 20;

export async function getDashboard(db: Db) {
  const p = tables.producedImages;
  const t = tables.templates;
  const latestImages = await db
    .selectDistinctOn([p.role, p.cloud, p.region], {
      role: p.role, cloud: p.cloud, region: p.region, imageId: p.imageId, templateId: p.templateId, templateName: t.name,
      templateVersion: p.templateVersion, buildId: p.buildId, producedAt: p.producedAt,
    })
    .from(p)
    .innerJoin(t, eq(t.id, p.templateId))
    .where(eq(p.state, 'available'))
    .orderBy(asc(p.role), asc(p.cloud), asc(p.region), desc(p.producedAt), desc(p.templateVersion));

  const b = tables.builds;
  const r = tables.buildRuns;
  const inFlight = await db
    .select({
      id: b.id, status: b.status, templateId: b.templateId, templateName: t.name, templateVersion: b.templateVersion,
      requestedByName: tables.users.name, createdAt: b.createdAt, startedAt: b.startedAt,
      runsTotal: sql<number>`(select count(*)::int from ${r} where ${r.buildId} = ${b.id})`,
      runsDone: sql<number>`(select count(*)::int from ${r} where ${r.buildId} = ${b.id} and ${r.status} not in ('queued', 'running'))`,
      runsFailed: sql<number>`(select count(*)::int from ${r} where ${r.buildId} = ${b.id} and ${r.status} in ('failed', 'interrupted'))`,
    })
    .from(b)
    .innerJoin(t, eq(t.id, b.templateId))
    .leftJoin(tables.users, eq(tables.users.id, b.requestedBy))
    .where(inArray(b.status, ['queued', 'running']))
    .orderBy(desc(b.createdAt))
    .limit(IN_FLIGHT_LIMIT);

  return { latestImages, inFlight };
}
