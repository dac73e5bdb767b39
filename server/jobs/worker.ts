import type PgBoss from 'pg-boss';
import type { Database } from '@/db';
import { logger } from '@/server/lib/logger';
import { startBoss, stopBoss } from './boss';
import { handlePurgeSessions } from './handlers/housekeeping-purge-sessions';
import { handleBuildCopy, handleBuildReap, handleBuildRun, handleBuildSweep } from './handlers/build-run';
import { handleInventorySchedule, handleInventorySync } from './handlers/inventory';
import type { BuildEngineSettings } from '@/server/services/builds/run-build';
import { BUILD_HEARTBEAT, SYNC_HEARTBEAT } from './queues';
import { reconcileInventorySyncs } from './reconcile';
import { JobWaker, listenForJobs } from './wake-workers';

interface WorkerState {
  running: Set<AbortController>;
  sweep?: NodeJS.Timeout;
}
const STATE = new WeakMap<PgBoss, WorkerState>();

/**
 * Starts pg-boss as a worker and subscribes every queue's handler. First, syncs left behind by
 * a worker that died are marked interrupted (and retried per policy); the same sweep then runs
 * every few seconds, for workers that die while this one runs.
 */
export interface WorkerOptions {
  pollingIntervalSeconds?: number;
  buildRunsAtOnce?: number;
  build?: BuildEngineSettings;
  /** A build run's heartbeat older than this is a dead worker's (BUILD_HEARTBEAT; tests shorten it). */
  buildStaleAfterSeconds?: number;
}

export async function startWorker(database: Database, opts: WorkerOptions = {}): Promise<PgBoss> {
  const boss = await startBoss(database, { role: 'worker' });
  const state: WorkerState = { running: new Set() };
  STATE.set(boss, state);
  // PGlite is this process's database and the process just started: nothing else runs a sync.
  await reconcileInventorySyncs(database.db, boss, { everyRunning: database.driver === 'pglite' });
  // Build runs too: on PGlite every running run is a dead process's; on PostgreSQL those whose
  // heartbeat lapsed. The reaper queues the sweep of what they left in the cloud.
  const staleAfterSeconds = opts.buildStaleAfterSeconds ?? BUILD_HEARTBEAT.staleAfterSeconds;
  await handleBuildReap(database.db, boss, { staleAfterSeconds, everyRunning: database.driver === 'pglite' }).catch((err: unknown) => logger.warn({ err }, 'build run reap failed'));
  state.sweep = setInterval(() => {
    reconcileInventorySyncs(database.db, boss).catch((err: unknown) => logger.warn({ err }, 'inventory sync sweep failed'));
    handleBuildReap(database.db, boss, { staleAfterSeconds }).catch((err: unknown) => logger.warn({ err }, 'build run reap failed'));
  }, (Math.min(SYNC_HEARTBEAT.staleAfterSeconds, staleAfterSeconds) * 1000) / 2);
  state.sweep.unref();
  boss.once('stopped', () => clearInterval(state.sweep));

  const polling = { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 };
  // Runs, copies, syncs and sweeps start when they are sent, not at the next poll (wake-workers.ts).
  const waker = new JobWaker(boss);
  if (database.connectionString) {
    const stopListening = await listenForJobs(database.connectionString);
    boss.once('stopped', () => void stopListening().catch((err: unknown) => logger.warn({ err }, 'job listener did not stop cleanly')));
  }
  await boss.work('housekeeping.purge-sessions', polling, async (jobs) => {
    for (const job of jobs) await handlePurgeSessions(database.db, job.data);
  });
  // Two accounts sync side by side per worker process; each limits its own regions (syncConcurrency).
  for (let i = 0; i < 2; i++) {
    await waker.work('inventory.sync', { ...polling, batchSize: 1, includeMetadata: true }, async ([job]) => {
      if (!job) return;
      const abort = new AbortController();
      state.running.add(abort);
      try {
        return await handleInventorySync(database.db, job, abort.signal);
      } finally {
        state.running.delete(abort);
      }
    });
  }
  // Build runs side by side per worker process (each mostly waits on the cloud); they share the
  // API budget of every worker of this database (process-api-budget.ts).
  for (let i = 0; i < (opts.buildRunsAtOnce ?? 8); i++) {
    await waker.work('build.run', { ...polling, batchSize: 1, includeMetadata: true }, async ([job]) => {
      if (!job) return;
      const abort = new AbortController();
      state.running.add(abort);
      try {
        return await handleBuildRun(database.db, job, opts.build, abort.signal);
      } finally {
        state.running.delete(abort);
      }
    });
  }
  // Copies-only retries: fewer at once (each is a few copy waits on shared copy slots).
  for (let i = 0; i < 2; i++) {
    await waker.work('build.copy', { ...polling, batchSize: 1, includeMetadata: true }, async ([job]) => {
      if (!job) return;
      const abort = new AbortController();
      state.running.add(abort);
      try {
        return await handleBuildCopy(database.db, job, opts.build, abort.signal);
      } finally {
        state.running.delete(abort);
      }
    });
  }
  await boss.work('build.reap', polling, async () => {
    await handleBuildReap(database.db, boss, { staleAfterSeconds });
  });
  await waker.work('build.sweep', { ...polling, batchSize: 1 }, async ([job]) => {
    if (!job) return;
    const abort = new AbortController();
    state.running.add(abort);
    try {
      return await handleBuildSweep(database.db, job.data, opts.build, abort.signal);
    } finally {
      state.running.delete(abort);
    }
  });
  await boss.work('inventory.schedule', polling, async () => handleInventorySchedule(database.db));
  logger.info({ driver: database.driver }, 'worker started');
  return boss;
}

/**
 * Stops a worker within `timeoutMs`: running syncs are aborted (they record themselves as
 * interrupted and pg-boss retries them elsewhere), then pg-boss stops, bounded even when the
 * database is gone.
 */
export async function stopWorker(boss: PgBoss, timeoutMs = 8_000): Promise<boolean> {
  const state = STATE.get(boss);
  if (state) {
    clearInterval(state.sweep);
    for (const abort of state.running) abort.abort(new Error('the worker is stopping'));
  }
  return stopBoss(boss, timeoutMs);
}
