// Retry: runs that did not succeed (failed, interrupted, cancelled) run again as a new attempt of
// the same run (attempt + 1, the log's numbering continues, earlier attempts' lines and steps are
// kept); a run whose image exists but some copies failed runs only those copies (copy-run.ts).
// Runs that succeeded without copy failures are left alone.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { enqueue } from '@/server/jobs/enqueue';
import { AppError } from '@/server/lib/errors';
import { logger } from '@/server/lib/logger';
import { can, type Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';

export interface RetriedRun {
  runId: string;
  builderName: string;
  /** `build`: the whole run again; `copies`: only its failed copies. */
  mode: 'build' | 'copies';
}

type RunRow = typeof tables.buildRuns.$inferSelect;
const RERUN = new Set(['failed', 'interrupted', 'cancelled']);

/** What a retry does with this run, or undefined when there is nothing to retry (the pages show Retry from it). */
export function retryModeOf(run: Pick<RunRow, 'status' | 'artifact'>): RetriedRun['mode'] | undefined {
  const a = run.artifact;
  const copiesOnly = Boolean(a && a.images.length > 0 && a.copyFailures.length > 0);
  if (run.status === 'succeeded') return copiesOnly ? 'copies' : undefined;
  if (!RERUN.has(run.status)) return undefined;
  return copiesOnly ? 'copies' : 'build';
}

const forbidden = () => new AppError('FORBIDDEN', { userMessage: 'Your role may not retry builds.' });

export async function retryBuild(db: Db, actor: Actor, buildId: string): Promise<{ runs: RetriedRun[] }> {
  if (!can(actor.role, 'build.start')) throw forbidden();
  const [build] = await db.select({ id: tables.builds.id }).from(tables.builds).where(eq(tables.builds.id, buildId));
  if (!build) throw new AppError('NOT_FOUND', { userMessage: 'No such build.' });
  const runs = await db.select().from(tables.buildRuns).where(eq(tables.buildRuns.buildId, buildId));
  const chosen = runs.filter((r) => retryModeOf(r));
  if (chosen.length === 0) throw new AppError('BAD_REQUEST', { userMessage: 'Nothing to retry: no run of this build failed, was interrupted or cancelled, or has failed copies.' });
  return retry(db, actor, buildId, chosen);
}

export async function retryRun(db: Db, actor: Actor, runId: string): Promise<{ runs: RetriedRun[] }> {
  if (!can(actor.role, 'build.start')) throw forbidden();
  const [run] = await db.select().from(tables.buildRuns).where(eq(tables.buildRuns.id, runId));
  if (!run) throw new AppError('NOT_FOUND', { userMessage: 'No such build run.' });
  if (!retryModeOf(run)) {
    throw new AppError('BAD_REQUEST', { userMessage: run.status === 'succeeded' ? 'This run succeeded with all its copies: there is nothing to retry.' : 'This run is still queued or running; it can be retried once it has ended.' });
  }
  return retry(db, actor, run.buildId, [run]);
}

async function retry(db: Db, actor: Actor, buildId: string, chosen: RunRow[]): Promise<{ runs: RetriedRun[] }> {
  const r = tables.buildRuns;
  const retried = await db.transaction(async (tx) => {
    const out: RetriedRun[] = [];
    for (const run of chosen) {
      const mode = retryModeOf(run)!;
      // Only from the state read above: a second click (or a second viewer) retries nothing twice.
      const [row] = await tx
        .update(r)
        .set({ status: 'queued', finishedAt: null, errorCode: null, error: null, cancelRequestedAt: null, currentStep: null, heartbeatAt: null, bossJobId: null })
        .where(and(eq(r.id, run.id), eq(r.status, run.status), eq(r.attempt, run.attempt)))
        .returning({ id: r.id });
      if (row) out.push({ runId: run.id, builderName: run.builderName, mode });
    }
    if (out.length === 0) throw new AppError('CONFLICT', { userMessage: 'These runs changed in the meantime (retried or started elsewhere); reload the build.' });
    const anyRunning = await tx.select({ id: r.id }).from(r).where(and(eq(r.buildId, buildId), eq(r.status, 'running')));
    await tx
      .update(tables.builds)
      .set({ status: anyRunning.length ? 'running' : 'queued', finishedAt: null, cancelRequestedAt: null })
      .where(eq(tables.builds.id, buildId));
    await recordAudit(tx, actor, {
      action: 'build.retry', targetType: 'build', targetId: buildId,
      details: { runs: out.map((o) => ({ runId: o.runId, builderName: o.builderName, mode: o.mode })) },
    });
    return out;
  });

  // Queued after the commit, as startBuild does: a worker never picks up a run it cannot read yet.
  for (const run of retried) {
    try {
      const bossJobId = await enqueue(run.mode === 'copies' ? 'build.copy' : 'build.run', { runId: run.runId, buildId });
      await db.update(r).set({ bossJobId }).where(and(eq(r.id, run.runId), inArray(r.status, ['queued', 'running'])));
    } catch (err) {
      await db.update(r).set({ status: 'failed', errorCode: 'INTERNAL', error: `The run could not be queued: ${(err as Error).message}`, finishedAt: sql`now()` }).where(eq(r.id, run.runId));
      logger.error({ buildId, runId: run.runId, err }, 'build run could not be queued for a retry');
    }
  }
  return { runs: retried };
}
