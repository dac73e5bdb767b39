// The produced-image catalog is written here, once per finished run, from the run's artifact:
// the built image, every copy, and every copy that failed. Recording a run again (a retry of its
// failed copies rewrites the artifact) updates the same rows, keyed by (run, region).
import { and, asc, desc, eq, like, sql } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '@/db';
import { checkTemplate } from '@/server/engine/template/check-template';
import type { CloudKind } from '@/server/clouds/provider';
import type { RunBuilderSpec } from '@/db/schema/builds';

export interface RunBaseImage {
  /** The base image's region: the region the run built in. */
  region: string;
  imageId: string;
}

/**
 * The base image a run built from: a planned run's resolved base image (its derived builder,
 * `build_runs.builder`); for a run started before plans, its template builder's
 * `source_image_id` (UCloud) or `source_ami` (EC2) with the build's variables. An EC2 builder
 * that picks its AMI with `source_ami_filter` has no fixed id: null.
 */
export function baseImageOfRun(
  run: { builderName: string; region: string; builder?: RunBuilderSpec | null },
  version: { body: string },
  variables: Record<string, string>,
): RunBaseImage | null {
  if (run.builder) return { region: run.region, imageId: run.builder.baseImage.imageId };
  const check = checkTemplate(version.body, { vars: variables, env: {}, upTo: 'options' });
  const build = check.template?.builds.find((b) => b.name === run.builderName);
  if (!build) return null;
  const imageId = build.type === 'ucloud-uhost' ? build.config.source_image_id : build.config.source_ami;
  return imageId ? { region: run.region, imageId } : null;
}

// The engine logs this line in its create-image step ("creating image <name> from host <id>");
// the artifact carries no name, so the run's log is where the name is known.
const CREATING_IMAGE = /^creating image (.+) from host \S+$/;

async function imageNameOfRun(db: DbOrTx, runId: string): Promise<string | null> {
  const l = tables.buildRunLogs;
  const [line] = await db
    .select({ text: l.text })
    .from(l)
    .where(and(eq(l.runId, runId), eq(l.step, 'create-image'), like(l.text, 'creating image %')))
    .orderBy(desc(l.seq))
    .limit(1);
  return (line && CREATING_IMAGE.exec(line.text)?.[1]) || null;
}

/** The inventory's row of a base image, preferring the run's own account and images still listed. */
export async function findBaseImageRow(db: DbOrTx, cloud: CloudKind, region: string, imageId: string, accountId?: string | null) {
  const b = tables.baseImages;
  const [row] = await db
    .select({ id: b.id })
    .from(b)
    .where(and(eq(b.cloud, cloud), eq(b.region, region), eq(b.imageId, imageId)))
    .orderBy(
      accountId ? sql`(${b.accountId} = ${accountId}) desc` : asc(b.id),
      sql`(${b.status} = 'available') desc`,
      desc(b.lastSeenAt),
    )
    .limit(1);
  return row?.id ?? null;
}

/** Writes (or rewrites) the produced images of a finished run; returns how many rows it holds. */
export async function recordProducedImages(db: Db, runId: string): Promise<number> {
  const r = tables.buildRuns;
  const [run] = await db.select().from(r).where(eq(r.id, runId));
  if (!run?.artifact || run.artifact.images.length === 0) return 0;
  const [build] = await db.select().from(tables.builds).where(eq(tables.builds.id, run.buildId));
  if (!build) return 0;
  const [template] = await db.select({ role: tables.templates.role }).from(tables.templates).where(eq(tables.templates.id, build.templateId));
  const v = tables.templateVersions;
  const [version] = await db.select({ body: v.body }).from(v).where(and(eq(v.templateId, build.templateId), eq(v.version, build.templateVersion)));
  if (!template) return 0;

  const base = version ? baseImageOfRun(run, version, build.variables) : null;
  const baseRowId = base ? await findBaseImageRow(db, run.cloud, base.region, base.imageId, run.cloudAccountId) : null;
  const name = await imageNameOfRun(db, run.id);
  const built = run.artifact.images.find((i) => !i.sourceRegion) ?? run.artifact.images[0]!;
  const producedAt = run.finishedAt ?? new Date();

  const common = {
    cloud: run.cloud,
    cloudAccountId: run.cloudAccountId,
    templateId: build.templateId,
    templateVersion: build.templateVersion,
    role: template.role,
    buildId: build.id,
    runId: run.id,
    baseImageId: base?.imageId ?? null,
    baseImageRegion: base?.region ?? null,
    baseImageRowId: baseRowId,
    startedBy: build.requestedBy,
    producedAt,
  };
  const rows: (typeof tables.producedImages.$inferInsert)[] = run.artifact.images.map((img) => {
    const copy = img !== built;
    const from = copy ? (run.artifact!.images.find((i) => i.region === img.sourceRegion) ?? built) : undefined;
    return {
      ...common,
      region: img.region,
      imageId: img.imageId,
      name,
      kind: copy ? ('copy' as const) : ('built' as const),
      state: 'available' as const,
      error: null,
      sourceRegion: from?.region ?? null,
      sourceImageId: from?.imageId ?? null,
    };
  });
  for (const failure of run.artifact.copyFailures) {
    if (rows.some((x) => x.region === failure.region)) continue;
    rows.push({
      ...common,
      region: failure.region,
      imageId: null,
      name,
      kind: 'copy',
      state: 'copy-failed',
      error: failure.error,
      sourceRegion: built.region,
      sourceImageId: built.imageId,
    });
  }
  const p = tables.producedImages;
  await db
    .insert(p)
    .values(rows)
    .onConflictDoUpdate({
      target: [p.runId, p.region],
      set: {
        imageId: sql`excluded.image_id`,
        name: sql`excluded.name`,
        kind: sql`excluded.kind`,
        state: sql`excluded.state`,
        error: sql`excluded.error`,
        sourceRegion: sql`excluded.source_region`,
        sourceImageId: sql`excluded.source_image_id`,
        baseImageId: sql`excluded.base_image_id`,
        baseImageRegion: sql`excluded.base_image_region`,
        baseImageRowId: sql`excluded.base_image_row_id`,
        producedAt: sql`excluded.produced_at`,
      },
    });
  return rows.length;
}
