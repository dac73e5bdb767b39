// The crash sweeper (`build.sweep`): deletes the cloud resources of runs that are no longer
// running. A run's engine cleans up after itself when it ends normally, is cancelled or its worker
// stops; a worker killed mid-run (kill -9, a lost machine) leaves hosts, firewalls, key pairs and
// half-made images behind. They are found two ways: the run's ledger (created, neither deleted nor
// kept) and the cloud itself, asked for everything tagged with each of the run's tags (a resource
// created just before the kill may not have reached the ledger). Each is deleted with the run's
// account keys, through the same budgeted provider as the builds, and recorded: deletedAt in the
// ledger, a line in the run's log, one `build.sweep` audit entry per run. Kept images (a run's
// product) are never touched.
import { and, eq, exists, gt, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { BUILD_RESOURCE_KINDS } from '@/db/schema/builds';
import { createProvider, isNotFound } from '@/server/clouds';
import type { CloudProvider, RunResource, RunResourceKind } from '@/server/clouds/provider';
import { cleanupRun, deleteRunResource } from '@/server/engine/cleanup-run';
import { messageOf } from '@/server/engine/builders/common/names';
import { withBudget } from '@/server/engine/scheduler/budgeted-provider';
import { checkTemplate } from '@/server/engine/template/check-template';
import { logger } from '@/server/lib/logger';
import { recordAudit, SYSTEM } from '../audit/record-audit';
import { appendRunLog } from './run-log';
import { RunAccountError, runAccountCredentials } from './run-account';
import { processApiBudget, type SharedLimitsSettings } from './process-api-budget';

export interface SweepOptions {
  /** Only these runs (the reaper's); default: every finished run that may have left something. */
  runIds?: string[];
  pollMs?: number;
  hostTimeoutMs?: number;
  signal?: AbortSignal;
  /** The worker's shared limits: the sweep spends the same budget as the runs. */
  shared?: SharedLimitsSettings;
}

export interface SweptResource {
  kind: RunResourceKind;
  id: string;
  region: string;
  runTag: string;
}

export interface SweptRun {
  runId: string;
  buildId: string;
  deleted: SweptResource[];
  failed: { kind?: RunResourceKind; id?: string; region: string; error: string }[];
}

const FINISHED = ['succeeded', 'failed', 'cancelled', 'interrupted'] as const;
/** Dependency order, as cleanup-run.ts: what uses another resource goes first. */
const ORDER: RunResourceKind[] = ['host', 'eip', 'firewall', 'keypair', 'image'];
type LedgerKind = (typeof BUILD_RESOURCE_KINDS)[number];
const toRunKind = (k: LedgerKind): RunResourceKind | undefined => (k === 'key-pair' ? 'keypair' : (ORDER as string[]).includes(k) ? (k as RunResourceKind) : undefined);
const toLedgerKind = (k: RunResourceKind): LedgerKind => (k === 'keypair' ? 'key-pair' : k);

/**
 * Finished runs not yet swept that may have left something: interrupted ones, any with an open
 * ledger row, and retried ones (an interrupted run retried before its sweep: the earlier
 * attempt's tags are swept once the new attempt has ended).
 */
async function candidates(db: Db, runIds?: string[]) {
  const r = tables.buildRuns;
  const res = tables.buildResources;
  const open = exists(db.select({ one: sql`1` }).from(res).where(and(eq(res.runId, r.id), isNull(res.deletedAt), eq(res.kept, false))));
  return db
    .select()
    .from(r)
    .where(and(inArray(r.status, [...FINISHED]), isNull(r.sweptAt), runIds ? (runIds.length ? inArray(r.id, runIds) : sql`false`) : or(eq(r.status, 'interrupted'), gt(r.attempt, 1), open)));
}

export async function sweepBuildRuns(db: Db, opts: SweepOptions = {}): Promise<SweptRun[]> {
  const out: SweptRun[] = [];
  for (const run of await candidates(db, opts.runIds)) {
    if (opts.signal?.aborted) break;
    try {
      out.push(await sweepRun(db, run, opts));
    } catch (err) {
      if (err instanceof RunAccountError && err.code === 'ACCOUNT_GONE') {
        // Nothing can ever be deleted without the account: said once in the run's log, not retried forever.
        await appendRunLog(db, run.id, ['==> Sweeper: the cloud account of this run was removed; what the run left (if anything) must be deleted in the cloud console.']);
        await markSwept(db, run.id);
        out.push({ runId: run.id, buildId: run.buildId, deleted: [], failed: [{ region: run.region, error: err.message }] });
        continue;
      }
      // One run's trouble (keys unreadable, the cloud unreachable) does not stop the others; the next sweep tries again.
      logger.warn({ err: messageOf(err), runId: run.id }, 'build run could not be swept');
      out.push({ runId: run.id, buildId: run.buildId, deleted: [], failed: [{ region: run.region, error: messageOf(err) }] });
    }
  }
  return out;
}

async function sweepRun(db: Db, run: typeof tables.buildRuns.$inferSelect, opts: SweepOptions): Promise<SweptRun> {
  const res = tables.buildResources;
  const ledger = await db.select().from(res).where(eq(res.runId, run.id));
  const tags = [...new Set([...ledger.map((l) => l.runTag), ...(run.runTag ? [run.runTag] : [])])];
  const result: SweptRun = { runId: run.id, buildId: run.buildId, deleted: [], failed: [] };
  if (tags.length === 0) {
    // The run never reached the cloud (it failed or was interrupted before its first resource).
    await markSwept(db, run.id);
    return result;
  }
  const keptKey = new Set(ledger.filter((l) => l.kept).map((l) => `${l.region}/${l.resourceId}`));
  const regions = new Set<string>([run.region, ...ledger.map((l) => l.region), ...(run.artifact?.images.map((i) => i.region) ?? []), ...(run.artifact?.copyFailures.map((f) => f.region) ?? []), ...(await copyRegionsOf(db, run))]);

  const { credentials } = await runAccountCredentials(db, run.cloudAccountId);
  const pollMs = opts.pollMs ?? 2_000;
  const provider: CloudProvider = withBudget(createProvider(credentials, { pollIntervalMs: pollMs, waitTimeoutMs: opts.hostTimeoutMs }), processApiBudget(db, opts.shared), credentials.keyId);
  const signal = opts.signal ?? new AbortController().signal;
  const done = new Set<string>();
  const key = (r: { region: string; id: string }) => `${r.region}/${r.id}`;

  // 1. What the cloud holds tagged with each tag: everything but images goes (in dependency order).
  const images: (RunResource & { runTag: string })[] = [];
  for (const tag of tags) {
    const found = await cleanupRun({ provider, runId: tag, regions: [...regions], includeImages: false, signal, pollMs, hostTimeoutMs: opts.hostTimeoutMs });
    for (const d of found.deleted) {
      result.deleted.push({ kind: d.kind, id: d.id, region: d.region, runTag: tag });
      done.add(key(d));
    }
    for (const f of found.failed) result.failed.push({ kind: f.resource?.kind, id: f.resource?.id, region: f.region, error: f.error });
    images.push(...found.kept.map((k) => ({ ...k, runTag: tag })));
  }
  // 2. Images: a kept image is a run's product; any other tagged image is half-made or a failed copy.
  for (const image of images) {
    if (keptKey.has(key(image)) || done.has(key(image))) continue;
    await remove(image, image.runTag);
  }
  // 3. The ledger's open rows the cloud listing did not return (a listing that missed it, or gone already).
  const open = ledger
    .filter((l) => !l.deletedAt && !l.kept && !done.has(`${l.region}/${l.resourceId}`))
    .map((l) => ({ kind: toRunKind(l.kind), id: l.resourceId, region: l.region, name: l.resourceId, runTag: l.runTag }))
    .sort((a, b) => ORDER.indexOf(a.kind!) - ORDER.indexOf(b.kind!));
  for (const l of open) {
    if (!l.kind) {
      result.failed.push({ id: l.id, region: l.region, error: 'The sweeper cannot delete this kind of resource; delete it in the cloud console.' });
      continue;
    }
    await remove({ kind: l.kind, id: l.id, region: l.region, name: l.name }, l.runTag, { quiet: true });
  }

  // 4. The record: ledger, the run's log, the audit log.
  for (const d of result.deleted) {
    const updated = await db
      .update(res)
      .set({ deletedAt: sql`now()` })
      .where(and(eq(res.runId, run.id), eq(res.region, d.region), eq(res.resourceId, d.id), isNull(res.deletedAt)))
      .returning({ id: res.id });
    if (updated.length === 0) {
      await db.insert(res).values({ runId: run.id, cloud: run.cloud, region: d.region, kind: toLedgerKind(d.kind), resourceId: d.id, runTag: d.runTag, deletedAt: sql`now()` }).onConflictDoNothing();
    }
  }
  const lines = [
    ...result.deleted.map((d) => `==> Sweeper: deleted ${d.kind} ${d.id} in ${d.region} (left by ${d.runTag})`),
    ...result.failed.map((f) => `==> Sweeper: could not delete ${f.kind ?? 'resources'} ${f.id ?? ''} in ${f.region}: ${f.error} (tried again by the next sweep)`.replace('  ', ' ')),
  ];
  if (result.deleted.length || result.failed.length) {
    if (result.failed.length === 0) lines.push('==> Sweeper: nothing this run created is left in the cloud (except the images it produced).');
    await appendRunLog(db, run.id, lines);
    await recordAudit(db, SYSTEM, {
      action: 'build.sweep', targetType: 'build', targetId: run.buildId,
      details: { runId: run.id, builderName: run.builderName, runTags: tags, deleted: result.deleted, failed: result.failed },
    });
  }
  if (result.failed.length === 0) await markSwept(db, run.id);
  if (result.deleted.length || result.failed.length) logger.info({ runId: run.id, deleted: result.deleted.length, failed: result.failed.length }, 'swept build run');
  return result;

  async function remove(r: RunResource, runTag: string, o: { quiet?: boolean } = {}) {
    try {
      // Only what the ledger knows may already be gone (NotFound); those are still recorded as deleted now.
      await deleteRunResource(provider, r, { signal, pollMs, hostTimeoutMs: opts.hostTimeoutMs });
      result.deleted.push({ kind: r.kind, id: r.id, region: r.region, runTag });
    } catch (err) {
      if (isNotFound(err)) {
        if (o.quiet) await db.update(res).set({ deletedAt: sql`now()` }).where(and(eq(res.runId, run.id), eq(res.region, r.region), eq(res.resourceId, r.id), isNull(res.deletedAt)));
        else result.deleted.push({ kind: r.kind, id: r.id, region: r.region, runTag });
        return;
      }
      result.failed.push({ kind: r.kind, id: r.id, region: r.region, error: messageOf(err) });
    }
    done.add(key(r));
  }
}

const markSwept = (db: Db, runId: string) =>
  db.update(tables.buildRuns).set({ sweptAt: sql`now()` }).where(and(eq(tables.buildRuns.id, runId), notInArray(tables.buildRuns.status, ['queued', 'running'])));

/**
 * The regions the run's builder copies its image to: a worker killed mid-copy may have had a
 * copy accepted there a moment before its ledger row was written.
 */
async function copyRegionsOf(db: Db, run: typeof tables.buildRuns.$inferSelect): Promise<string[]> {
  // A planned run carries its derived builder; older runs built the template's builder as written.
  if (run.builder) return copyRegionsOfConfig(run.builder.options);
  try {
    const [build] = await db.select().from(tables.builds).where(eq(tables.builds.id, run.buildId));
    if (!build) return [];
    const v = tables.templateVersions;
    const [version] = await db.select({ body: v.body }).from(v).where(and(eq(v.templateId, build.templateId), eq(v.version, build.templateVersion)));
    if (!version) return [];
    const check = checkTemplate(version.body, { vars: build.variables, env: {}, upTo: 'options' });
    return copyRegionsOfConfig(check.template?.builds.find((b) => b.name === run.builderName)?.config ?? {});
  } catch {
    // The listing then covers the regions the ledger and the artifact name.
    return [];
  }
}

function copyRegionsOfConfig(config: Record<string, unknown>): string[] {
  const c = config as { ami_regions?: string[]; image_copy_to_mappings?: { region: string }[] };
  return [...(c.ami_regions ?? []), ...(c.image_copy_to_mappings?.map((m) => m.region) ?? [])];
}
