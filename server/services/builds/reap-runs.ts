// The reaper: a run is never left "running" (or "queued") once nothing will run it. Its worker
// bumps the run's heartbeat every few seconds (handlers/build-run.ts); a run whose heartbeat
// lapsed, whose job expired or vanished, or (a queued one) whose job will never start it, is marked
// `interrupted` with the reason, a line says so in its log, its build is settled and its pg-boss
// job failed (the queue retries nothing: queues.ts), and the sweeper is asked to delete what it
// left in the cloud. Interrupted runs are not rerun automatically: a half-done build is rerun
// on purpose with Retry (retry-build.ts), the user having seen why it stopped.
import type PgBoss from 'pg-boss';
import { and, eq, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { BUILD_HEARTBEAT } from '@/server/jobs/enqueue';
import { logger } from '@/server/lib/logger';
import { appendRunLog } from './run-log';
import { settleBuild } from './run-build';

export interface ReapOptions {
  /** A heartbeat older than this is a dead worker's (tests shorten it). */
  staleAfterSeconds?: number;
  /**
   * Every running run is dead: the caller knows no other process runs one (PGlite is one
   * process's database, and this process just started).
   */
  everyRunning?: boolean;
}

export interface ReapedRun {
  runId: string;
  buildId: string;
  reason: string;
}

/** Running runs this old get their job looked at (see step 2). */
const JOB_CHECK_AFTER_SECONDS = 10 * 60;

type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed' | 'missing';
const RUN_QUEUES = ['build.run', 'build.copy'] as const;

async function jobOf(boss: PgBoss, id: string | null): Promise<{ queue: (typeof RUN_QUEUES)[number]; state: JobState; startedOn?: Date } | undefined> {
  if (!id) return undefined;
  for (const queue of RUN_QUEUES) {
    const job = await boss.getJobById(queue, id);
    if (job) return { queue, state: job.state as JobState, startedOn: job.startedOn ? new Date(job.startedOn) : undefined };
  }
  return undefined;
}

export async function reapBuildRuns(db: Db, boss: PgBoss, opts: ReapOptions = {}): Promise<ReapedRun[]> {
  const r = tables.buildRuns;
  const stale = opts.staleAfterSeconds ?? BUILD_HEARTBEAT.staleAfterSeconds;
  const staleBefore = sql`now() - make_interval(secs => ${stale})`;
  const reaped: ReapedRun[] = [];

  // 1. Running runs whose worker stopped beating (or every running one, when none can be alive).
  const lapsed = opts.everyRunning ? undefined : lt(sql`coalesce(${r.heartbeatAt}, ${r.startedAt}, ${r.updatedAt})`, staleBefore);
  const beatReason = opts.everyRunning
    ? 'The worker running this run stopped before it finished (the console restarted).'
    : `The worker running this run stopped responding (no heartbeat for ${stale} s): it was killed or its machine was lost.`;
  reaped.push(...(await interrupt(db, and(eq(r.status, 'running'), lapsed)!, beatReason)));

  // 2. Runs whose job ended without them: a job that expired under a worker that hangs but still
  //    beats (so only runs older than JOB_CHECK_AFTER_SECONDS: a live run's job can only end by
  //    its hours-long expiry, or by an operator), or that vanished; queued runs no worker will
  //    ever start. A queued run not handed to pg-boss yet is left alone while another run of its
  //    build is running (a build may hold runs back until a slot frees).
  const b = sql.raw('"sibling"');
  const suspects = await db
    .select({ id: r.id, status: r.status, bossJobId: r.bossJobId })
    .from(r)
    .where(
      or(
        and(eq(r.status, 'running'), isNotNull(r.bossJobId), lt(r.startedAt, sql`now() - make_interval(secs => ${JOB_CHECK_AFTER_SECONDS})`)),
        and(
          eq(r.status, 'queued'),
          lt(r.updatedAt, staleBefore),
          or(isNotNull(r.bossJobId), sql`not exists (select 1 from ${r} as ${b} where ${b}.build_id = ${r.buildId} and ${b}.status = 'running')`),
        ),
      ),
    );
  for (const run of suspects) {
    const job = await jobOf(boss, run.bossJobId);
    const state = job?.state ?? 'missing';
    if (state === 'created' || state === 'retry') continue;
    if (state === 'active' && run.status === 'running') continue;
    // Taken by a worker a moment ago: its handler is about to mark the run running.
    if (state === 'active' && job?.startedOn && Date.now() - job.startedOn.getTime() < stale * 1000) continue;
    const reason =
      state === 'missing'
        ? run.bossJobId ? 'The job of this run is gone from the queue: no worker will run it.' : 'The run was never handed to a worker (the console stopped while queueing it).'
        : state === 'active'
          ? 'The worker that took this run stopped before starting it.'
          : state === 'failed'
            ? 'The job of this run expired or failed in the queue while the run was unfinished (its worker hung or died).'
            : `The job of this run ended (${state}) while the run was unfinished.`;
    reaped.push(...(await interrupt(db, and(eq(r.id, run.id), eq(r.status, run.status))!, reason)));
  }
  if (reaped.length === 0) return reaped;

  for (const run of reaped) {
    await appendRunLog(db, run.runId, [`==> ${run.reason} The run is interrupted. The sweeper deletes what it left in the cloud; Retry runs it again.`]);
    const [row] = await db.select({ bossJobId: r.bossJobId }).from(r).where(eq(r.id, run.runId));
    const job = await jobOf(boss, row?.bossJobId ?? null);
    // An active job of a dead worker is failed now rather than at its expiry hours later.
    if (job && (job.state === 'active' || job.state === 'created' || job.state === 'retry')) {
      await boss.fail(job.queue, row!.bossJobId!, { message: `interrupted: ${run.reason}` }).catch((err: unknown) => logger.warn({ err, runId: run.runId }, 'could not fail the job of an interrupted run'));
    }
  }
  for (const buildId of new Set(reaped.map((x) => x.buildId))) await settleBuild(db, buildId);
  await boss.send('build.sweep', { runIds: reaped.map((x) => x.runId), reason: 'reaped' });
  logger.warn({ runs: reaped.map((x) => x.runId) }, 'marked interrupted build runs');
  return reaped;
}

async function interrupt(db: Db, where: SQL, reason: string): Promise<ReapedRun[]> {
  const r = tables.buildRuns;
  const rows = await db
    .update(r)
    .set({ status: 'interrupted', finishedAt: sql`now()`, errorCode: 'INTERRUPTED', error: reason, sweptAt: null })
    .where(where)
    .returning({ runId: r.id, buildId: r.buildId });
  return rows.map((x) => ({ ...x, reason }));
}
