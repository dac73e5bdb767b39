// Reads of builds for the coming Builds pages: a build with its runs, and a run's log resumed
// after the last line a reader has.
import { and, asc, eq, gt } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { AppError } from '@/server/lib/errors';
import { retryModeOf } from './retry-build';

export async function getBuild(db: Db, buildId: string) {
  const [build] = await db.select().from(tables.builds).where(eq(tables.builds.id, buildId));
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
  const { sealedVariables: _sealed, ...dto } = build;
  // `retry`: what Retry would do with the run (`build`, `copies`), null when there is nothing to retry.
  return { ...dto, runs: runs.map((run) => ({ ...run, retry: retryModeOf(run) ?? null })) };
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
