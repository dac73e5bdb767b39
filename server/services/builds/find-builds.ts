// Reads of builds for the Builds pages: the list (filtered and paged in SQL), a build with its
// runs, one run's steps and resource ledger, and a run's log resumed after the last line a reader has.
import { and, asc, desc, eq, exists, gt, ilike, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TFindBuildsRequest } from '@/server/api/schemas/builds';
import { AppError } from '@/server/lib/errors';
import { retryModeOf } from './retry-build';

const likeOf = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Builds newest first, with who started them, the template's name and each run's target and status. */
export async function findBuilds(db: Db, q: TFindBuildsRequest) {
  const b = tables.builds;
  const t = tables.templates;
  const u = tables.users;
  const r = tables.buildRuns;
  const where: SQL[] = [];
  if (q.status) where.push(eq(b.status, q.status));
  if (q.templateId) where.push(eq(b.templateId, q.templateId));
  if (q.requestedBy) where.push(eq(b.requestedBy, q.requestedBy));
  if (q.cloud) where.push(exists(db.select({ one: sql`1` }).from(r).where(and(eq(r.buildId, b.id), eq(r.cloud, q.cloud)))));
  if (q.search) {
    const like = likeOf(q.search);
    where.push(
      or(
        ilike(t.name, like),
        ilike(u.name, like),
        ilike(u.email, like),
        sql`${b.id}::text ilike ${like}`,
        // A region, a builder, or an image id the build produced.
        exists(db.select({ one: sql`1` }).from(r).where(and(eq(r.buildId, b.id), or(ilike(r.region, like), ilike(r.builderName, like), sql`${r.artifact}::text ilike ${like}`)))),
      )!,
    );
  }
  const filter = where.length ? and(...where) : undefined;
  const [rows, [count]] = await Promise.all([
    db
      .select({
        id: b.id, status: b.status, templateId: b.templateId, templateName: t.name, templateVersion: b.templateVersion,
        requestedBy: b.requestedBy, requestedByName: u.name, createdAt: b.createdAt, startedAt: b.startedAt, finishedAt: b.finishedAt,
        cancelRequestedAt: b.cancelRequestedAt,
      })
      .from(b)
      .innerJoin(t, eq(t.id, b.templateId))
      .leftJoin(u, eq(u.id, b.requestedBy))
      .where(filter)
      .orderBy(desc(b.createdAt), desc(b.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ n: sql<number>`count(*)::int` }).from(b).innerJoin(t, eq(t.id, b.templateId)).leftJoin(u, eq(u.id, b.requestedBy)).where(filter),
  ]);
  const runs = rows.length
    ? await db
        .select({ buildId: r.buildId, cloud: r.cloud, region: r.region, status: r.status, artifact: r.artifact })
        .from(r)
        .where(inArray(r.buildId, rows.map((x) => x.id)))
        .orderBy(asc(r.cloud), asc(r.region), asc(r.builderName))
    : [];
  return {
    rows: rows.map((x) => ({
      ...x,
      targets: runs
        .filter((run) => run.buildId === x.id)
        .map((run) => ({
          cloud: run.cloud, region: run.region, status: run.status,
          copies: (run.artifact?.images ?? []).filter((i) => i.sourceRegion).map((i) => i.region),
        })),
    })),
    total: count?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** Values for the list's filter menus: the templates built and the people who started builds. */
export async function findBuildFacets(db: Db) {
  const b = tables.builds;
  const [templates, users] = await Promise.all([
    db.selectDistinct({ id: tables.templates.id, name: tables.templates.name }).from(b).innerJoin(tables.templates, eq(tables.templates.id, b.templateId)).orderBy(asc(tables.templates.name)),
    db.selectDistinct({ id: tables.users.id, name: tables.users.name }).from(b).innerJoin(tables.users, eq(tables.users.id, b.requestedBy)).where(isNotNull(b.requestedBy)).orderBy(asc(tables.users.name)),
  ]);
  return { templates, users };
}

export async function getBuild(db: Db, buildId: string) {
  const [build] = await db
    .select({ build: tables.builds, templateName: tables.templates.name, requestedByName: tables.users.name })
    .from(tables.builds)
    .leftJoin(tables.templates, eq(tables.templates.id, tables.builds.templateId))
    .leftJoin(tables.users, eq(tables.users.id, tables.builds.requestedBy))
    .where(eq(tables.builds.id, buildId));
  if (!build) throw new AppError('NOT_FOUND', { userMessage: 'No such build.' });
  const r = tables.buildRuns;
  const runs = await db
    .select({
      id: r.id, builderName: r.builderName, cloud: r.cloud, region: r.region, status: r.status, currentStep: r.currentStep, runTag: r.runTag,
      startedAt: r.startedAt, finishedAt: r.finishedAt, errorCode: r.errorCode, error: r.error, artifact: r.artifact, attempt: r.attempt, cancelRequestedAt: r.cancelRequestedAt,
      heartbeatAt: r.heartbeatAt, sweptAt: r.sweptAt,
    })
    .from(r)
    .where(eq(r.buildId, buildId))
    .orderBy(asc(r.cloud), asc(r.region), asc(r.builderName));
  // The sealed sensitive values never leave the server, not even sealed.
  const { sealedVariables: _sealed, ...dto } = build.build;
  // `retry`: what Retry would do with the run (`build`, `copies`), null when there is nothing to retry.
  return { ...dto, templateName: build.templateName ?? '', requestedByName: build.requestedByName, runs: runs.map((run) => ({ ...run, retry: retryModeOf(run) ?? null })) };
}

/** One run's status, for the live log (null: no such run). */
export async function getRunStatus(db: Db, runId: string) {
  const [run] = await db.select({ status: tables.buildRuns.status }).from(tables.buildRuns).where(eq(tables.buildRuns.id, runId));
  return run?.status ?? null;
}

/** What names a run's log file (null: no such run). */
export async function getRunTitle(db: Db, runId: string) {
  const [run] = await db.select({ builderName: tables.buildRuns.builderName, region: tables.buildRuns.region }).from(tables.buildRuns).where(eq(tables.buildRuns.id, runId));
  return run ?? null;
}

/** One run with its steps (with timings) and the resources it created and deleted. */
export async function getRunDetail(db: Db, runId: string) {
  const r = tables.buildRuns;
  const [run] = await db
    .select({ id: r.id, buildId: r.buildId, builderName: r.builderName, cloud: r.cloud, region: r.region, status: r.status, runTag: r.runTag, attempt: r.attempt, artifact: r.artifact })
    .from(r)
    .where(eq(r.id, runId));
  if (!run) throw new AppError('NOT_FOUND', { userMessage: 'No such build run.' });
  const s = tables.buildRunSteps;
  const res = tables.buildResources;
  const [steps, resources, [last]] = await Promise.all([
    db
      .select({ id: s.id, attempt: s.attempt, name: s.name, phase: s.phase, status: s.status, startedAt: s.startedAt, finishedAt: s.finishedAt, error: s.error })
      .from(s)
      .where(eq(s.runId, runId))
      .orderBy(asc(s.startedAt), asc(s.createdAt)),
    db
      .select({ id: res.id, kind: res.kind, region: res.region, resourceId: res.resourceId, kept: res.kept, createdAt: res.createdAt, deletedAt: res.deletedAt })
      .from(res)
      .where(eq(res.runId, runId))
      .orderBy(asc(res.createdAt), asc(res.resourceId)),
    db.select({ seq: sql<number | null>`max(${tables.buildRunLogs.seq})` }).from(tables.buildRunLogs).where(eq(tables.buildRunLogs.runId, runId)),
  ]);
  return { ...run, steps, resources, logLines: Number(last?.seq ?? 0) };
}

export async function readRunLogs(db: Db, req: { runId: string; afterSeq: number; limit: number }) {
  const l = tables.buildRunLogs;
  const lines = await db
    .select({ seq: l.seq, at: l.at, stream: l.stream, step: l.step, text: l.text })
    .from(l)
    .where(and(eq(l.runId, req.runId), gt(l.seq, req.afterSeq)))
    .orderBy(asc(l.seq))
    .limit(req.limit);
  return { lines, lastSeq: lines.at(-1)?.seq ?? req.afterSeq };
}
