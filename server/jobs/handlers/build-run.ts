import type { Db } from '@/db';
import { runBuildRun, type BuildEngineSettings, type BuildRunOutcome } from '@/server/services/builds/run-build';
import { QUEUES } from '../queues';
import type { JobMeta } from './inventory';

/**
 * One `build.run` job: the run's row records everything from start to end (run-build.ts). Never
 * throws for a build that failed: a failed build is the run's outcome, not the job's (no retry,
 * queues.ts).
 */
export async function handleBuildRun(db: Db, job: Pick<JobMeta, 'id' | 'data'>, settings: BuildEngineSettings = {}, signal?: AbortSignal): Promise<BuildRunOutcome> {
  const req = QUEUES['build.run'].payload.parse(job.data);
  return runBuildRun(db, req.runId, settings, signal);
}
