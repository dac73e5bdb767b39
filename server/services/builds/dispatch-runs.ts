// Handing a build's runs to the queue under its parallelism, and its fail-fast. A build with
// parallelism N has at most N runs handed out (dispatched and not finished) at once: the start
// hands out the first N, each finished run the next one still waiting. Fail-fast: the first
// failed run requests the cancel of the others (queued ones end at once, running ones stop).
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { enqueue } from '@/server/jobs/enqueue';
import { logger } from '@/server/lib/logger';

/** Hands out as many waiting runs of the build as its parallelism allows; returns the runs handed out. */
export async function dispatchRuns(db: Db, buildId: string): Promise<string[]> {
  const r = tables.buildRuns;
  const claimed = await db.transaction(async (tx) => {
    // One dispatcher per build at a time: two runs finishing together must not both fill the last slot.
    const [build] = await tx.select({ options: tables.builds.options, cancel: tables.builds.cancelRequestedAt }).from(tables.builds).where(eq(tables.builds.id, buildId)).for('update');
    if (!build || build.cancel) return [];
    const [busy] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(r)
      .where(and(eq(r.buildId, buildId), isNotNull(r.dispatchedAt), inArray(r.status, ['queued', 'running'])));
    const limit = build.options.parallelism > 0 ? build.options.parallelism - (busy?.n ?? 0) : Number.MAX_SAFE_INTEGER;
    if (limit <= 0) return [];
    const waiting = await tx
      .select({ id: r.id })
      .from(r)
      .where(and(eq(r.buildId, buildId), eq(r.status, 'queued'), isNull(r.dispatchedAt), isNull(r.cancelRequestedAt)))
      .orderBy(asc(r.cloud), asc(r.region), asc(r.builderName))
      .limit(Math.min(limit, 10_000));
    if (waiting.length === 0) return [];
    await tx.update(r).set({ dispatchedAt: sql`now()` }).where(inArray(r.id, waiting.map((w) => w.id)));
    return waiting.map((w) => w.id);
  });
  for (const runId of claimed) {
    try {
      const bossJobId = await enqueue('build.run', { runId, buildId });
      await db.update(r).set({ bossJobId }).where(eq(r.id, runId));
    } catch (err) {
      await db
        .update(r)
        .set({ status: 'failed', errorCode: 'INTERNAL', error: `The run could not be queued: ${(err as Error).message}`, finishedAt: sql`now()` })
        .where(and(eq(r.id, runId), eq(r.status, 'queued')));
      logger.error({ buildId, runId, err }, 'build run could not be queued');
    }
  }
  return claimed;
}

/**
 * Fail-fast: a failed run requests the cancel of the build's other unfinished runs (recorded like
 * a user's cancel, so running ones see it within their poll and clean up). Returns whether it did.
 */
export async function failFastAfter(db: Db, buildId: string, failedRunId: string): Promise<boolean> {
  const [build] = await db.select({ options: tables.builds.options }).from(tables.builds).where(eq(tables.builds.id, buildId));
  if (!build?.options.failFast) return false;
  const r = tables.buildRuns;
  const others = and(eq(r.buildId, buildId), sql`${r.id} <> ${failedRunId}`);
  await db.update(r).set({ cancelRequestedAt: sql`now()` }).where(and(others, isNull(r.cancelRequestedAt), inArray(r.status, ['queued', 'running'])));
  await db
    .update(r)
    .set({ status: 'cancelled', finishedAt: sql`now()`, errorCode: 'CANCELLED', error: 'Not run: another run of this build failed (fail-fast).' })
    .where(and(others, eq(r.status, 'queued')));
  return true;
}
