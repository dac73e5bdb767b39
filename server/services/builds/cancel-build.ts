// Cancelling: the request is recorded; the worker running the run sees it within a second,
// aborts the engine (which cleans up the run's resources) and ends the run `cancelled`, logs
// kept. A run still queued is cancelled at once (its job then does nothing).
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { AppError } from '@/server/lib/errors';
import { can, type Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { settleBuild } from './run-build';

const forbidden = () => new AppError('FORBIDDEN', { userMessage: 'Your role may not cancel builds.' });

async function cancelQueued(db: Db, where: SQL) {
  const r = tables.buildRuns;
  await db.update(r).set({ status: 'cancelled', finishedAt: sql`now()`, errorCode: 'CANCELLED', error: 'Cancelled before it started.' }).where(and(where, eq(r.status, 'queued')));
}

export async function cancelRun(db: Db, actor: Actor, runId: string): Promise<{ cancelled: boolean }> {
  if (!can(actor.role, 'build.start')) throw forbidden();
  const r = tables.buildRuns;
  const [run] = await db
    .update(r)
    .set({ cancelRequestedAt: sql`now()` })
    .where(and(eq(r.id, runId), isNull(r.cancelRequestedAt), inArray(r.status, ['queued', 'running'])))
    .returning({ buildId: r.buildId });
  if (!run) {
    const [exists] = await db.select({ id: r.id }).from(r).where(eq(r.id, runId));
    if (!exists) throw new AppError('NOT_FOUND', { userMessage: 'No such build run.' });
    return { cancelled: false };
  }
  await cancelQueued(db, eq(r.id, runId));
  await recordAudit(db, actor, { action: 'build.cancel', targetType: 'build', targetId: run.buildId, details: { runId } });
  await settleBuild(db, run.buildId);
  return { cancelled: true };
}

export async function cancelBuild(db: Db, actor: Actor, buildId: string): Promise<{ cancelled: boolean }> {
  if (!can(actor.role, 'build.start')) throw forbidden();
  const b = tables.builds;
  const [build] = await db
    .update(b)
    .set({ cancelRequestedAt: sql`now()` })
    .where(and(eq(b.id, buildId), isNull(b.cancelRequestedAt), inArray(b.status, ['queued', 'running'])))
    .returning({ id: b.id });
  if (!build) {
    const [exists] = await db.select({ id: b.id }).from(b).where(eq(b.id, buildId));
    if (!exists) throw new AppError('NOT_FOUND', { userMessage: 'No such build.' });
    return { cancelled: false };
  }
  const r = tables.buildRuns;
  await db.update(r).set({ cancelRequestedAt: sql`now()` }).where(and(eq(r.buildId, buildId), isNull(r.cancelRequestedAt), inArray(r.status, ['queued', 'running'])));
  await cancelQueued(db, eq(r.buildId, buildId));
  await recordAudit(db, actor, { action: 'build.cancel', targetType: 'build', targetId: buildId, details: {} });
  await settleBuild(db, buildId);
  return { cancelled: true };
}
