import type { Db } from '@/db';
import { requeueWaitingRun, takeAccountRunSlot } from '@/server/services/builds/account-run-slot';
import { runBuildRun, type BuildEngineSettings, type BuildRunOutcome } from '@/server/services/builds/run-build';
import { QUEUES } from '../queues';
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
    return await runBuildRun(db, req.runId, settings, signal);
  } finally {
    if (slot.kind === 'held') slot.release();
  }
}
