import { and, eq, inArray, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { logger } from '@/server/lib/logger';
import { requeueWaitingRun, takeAccountRunSlot } from '@/server/services/builds/account-run-slot';
import { runCopyAttempt } from '@/server/services/builds/copy-run';
import { reapBuildRuns } from '@/server/services/builds/reap-runs';
import { runBuildRun, type BuildEngineSettings, type BuildRunOutcome } from '@/server/services/builds/run-build';
import { sweepBuildRuns } from '@/server/services/builds/sweep-runs';
import type PgBoss from 'pg-boss';
import { BUILD_HEARTBEAT, QUEUES } from '../queues';
import type { JobMeta } from './inventory';

/**
 * One `build.run` job: the run's row records everything from start to end (run-build.ts). Never
 * throws for a build that failed: a failed build is the run's outcome, not the job's (no retry,
 * queues.ts). A run whose account already runs its limit stays queued and its job is sent again
 * later (account-run-slot.ts), so this worker's slot goes to runs that can start.
 */
export async function handleBuildRun(db: Db, job: Pick<JobMeta, 'id' | 'data'>, settings: BuildEngineSettings = {}, signal?: AbortSignal): Promise<BuildRunOutcome | { status: 'waiting'; message: string }> {
  const req = QUEUES['build.run'].payload.parse(job.data);
  const slot = await takeAccountRunSlot(db, req.runId, settings.shared);
  if (slot.kind === 'waiting') {
    await requeueWaitingRun(db, req, settings.shared);
    return { status: 'waiting', message: slot.message };
  }
  try {
    return await withHeartbeat(db, req.runId, signal, (s) => runBuildRun(db, req.runId, settings, s));
  } finally {
    if (slot.kind === 'held') slot.release();
  }
}

/** One `build.copy` job: a copies-only attempt (copy-run.ts), with the same heartbeat. */
export async function handleBuildCopy(db: Db, job: Pick<JobMeta, 'id' | 'data'>, settings: BuildEngineSettings = {}, signal?: AbortSignal): Promise<BuildRunOutcome> {
  const req = QUEUES['build.copy'].payload.parse(job.data);
  return withHeartbeat(db, req.runId, signal, (s) => runCopyAttempt(db, req.runId, settings, s));
}

export async function handleBuildReap(db: Db, boss: PgBoss, opts: { staleAfterSeconds?: number; everyRunning?: boolean } = {}) {
  return reapBuildRuns(db, boss, opts);
}

export async function handleBuildSweep(db: Db, data: unknown, settings: BuildEngineSettings = {}, signal?: AbortSignal) {
  const req = QUEUES['build.sweep'].payload.parse(data);
  const swept = await sweepBuildRuns(db, { runIds: req.runIds, pollMs: settings.timing?.pollMs, hostTimeoutMs: settings.timing?.hostTimeoutMs, signal, shared: settings.shared });
  const failed = swept.filter((s) => s.failed.length > 0);
  if (failed.length) logger.warn({ runs: failed.map((s) => s.runId), reason: req.reason }, 'build sweep left resources it could not delete');
  return { runs: swept.length, deleted: swept.reduce((n, s) => n + s.deleted.length, 0), failed: failed.length };
}

/**
 * The run's heartbeat while this worker holds it (queued, waiting for a slot, or running): the
 * reaper (reap-runs.ts) takes a run whose heartbeat lapsed for a dead worker's. Should the run
 * have been reaped anyway (this process stalled past the limit), the beat finds it no longer
 * ours and stops the engine, which cleans up; the run stays as the reaper marked it.
 */
async function withHeartbeat(db: Db, runId: string, outer: AbortSignal | undefined, body: (signal: AbortSignal) => Promise<BuildRunOutcome>): Promise<BuildRunOutcome> {
  const r = tables.buildRuns;
  const abort = new AbortController();
  const onOuter = () => abort.abort(outer?.reason ?? new Error('the worker is stopping'));
  if (outer?.aborted) onOuter();
  outer?.addEventListener('abort', onOuter, { once: true });
  let held = false;
  const beat = setInterval(() => {
    void db
      .update(r)
      .set({ heartbeatAt: sql`now()` })
      .where(and(eq(r.id, runId), inArray(r.status, ['queued', 'running'])))
      .returning({ status: r.status })
      .then((rows) => {
        if (rows.length > 0) held = true;
        else if (held && !abort.signal.aborted) abort.abort(new Error('The run was marked interrupted while this worker was still on it.'));
      })
      .catch((err: unknown) => logger.warn({ err, runId }, 'build run heartbeat failed'));
  }, BUILD_HEARTBEAT.everySeconds * 1000);
  try {
    return await body(abort.signal);
  } finally {
    clearInterval(beat);
    outer?.removeEventListener('abort', onOuter);
  }
}
