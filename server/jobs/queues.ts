import { z } from 'zod';

/** pg-boss settings of a queue (applied with createQueue/updateQueue at every start). */
export interface QueuePolicy {
  /** How long a job may stay `active` before pg-boss fails it (and retries it, if retries remain). */
  expireInSeconds: number;
  retryLimit: number;
  /** Seconds before a retry; with backoff, pg-boss doubles it per attempt (with jitter). */
  retryDelay: number;
  retryBackoff: boolean;
}

// Every queue, its payload schema, its policy, and how it is kept. Handlers parse with these
// schemas, so a malformed job fails loudly instead of half-running.
export const QUEUES = {
  'housekeeping.purge-sessions': {
    payload: z.object({ reason: z.enum(['schedule', 'manual']).default('schedule') }),
    // Hourly is enough: expired sessions are already refused; this only reclaims rows.
    cron: '17 * * * *',
    // One DELETE: seconds of work. A failure (database restarting) is worth one retry a few
    // minutes later; after that the next hourly run does the same job anyway.
    policy: { expireInSeconds: 5 * 60, retryLimit: 1, retryDelay: 5 * 60, retryBackoff: false },
  },
  'inventory.sync': {
    payload: z.object({
      /** The inventory_sync_jobs row written before the job was sent (the job's visible record). */
      syncJobId: z.string().uuid(),
      accountId: z.string().uuid(),
      regions: z.union([z.literal('all'), z.array(z.string()).min(1)]),
      trigger: z.enum(['schedule', 'manual', 'account-created']),
      requestedBy: z.string().optional(),
    }),
    cron: undefined,
    // A full sync of a large account takes minutes (bench:inventory); an hour is the hard stop
    // for a worker that hangs without dying. A worker that dies is found much sooner by the
    // heartbeat (SYNC_HEARTBEAT) and its job is failed into a retry at once.
    // Retries: only for failures that may pass (network, throttling, 5xx, a worker that died or
    // stopped); wrong keys or undecryptable keys fail at once without retrying (the handler
    // completes such a job after recording the failure). Two retries, 30 s then ~60 s apart with
    // jitter, cover a vendor's short outage without hammering it; the schedule tries again later.
    policy: { expireInSeconds: 60 * 60, retryLimit: 2, retryDelay: 30, retryBackoff: true },
  },
  'build.run': {
    payload: z.object({
      /** The build_runs row written before the job was sent (the run's visible record). */
      runId: z.string().uuid(),
      buildId: z.string().uuid(),
    }),
    cron: undefined,
    // A real build takes 10–40 minutes (host, provisioning, image, copies that may take an hour
    // on UCloud): three hours is the hard stop for a worker that hangs without dying. No retry by
    // pg-boss: a half-done build is not safe to rerun blindly (its resources are cleaned up by the
    // engine or the crash sweeper); the console's "Retry" starts failed runs again on purpose.
    policy: { expireInSeconds: 3 * 60 * 60, retryLimit: 0, retryDelay: 0, retryBackoff: false },
  },
  // A copies-only attempt of a run whose image exists but some copies failed (retry-build.ts):
  // the same rules as build.run (no blind retry, a long hard stop: a copy may take an hour).
  'build.copy': {
    payload: z.object({ runId: z.string().uuid(), buildId: z.string().uuid() }),
    cron: undefined,
    policy: { expireInSeconds: 3 * 60 * 60, retryLimit: 0, retryDelay: 0, retryBackoff: false },
  },
  // Every minute (and at every worker start): runs whose worker is gone (lapsed heartbeat, or a
  // job that expired or vanished) are marked interrupted and handed to the sweeper. Workers also
  // do this every few seconds in-process (BUILD_HEARTBEAT); the schedule covers a console whose
  // workers all restarted. No retry: the next minute does the same.
  'build.reap': {
    payload: z.object({}).default({}),
    cron: '* * * * *',
    policy: { expireInSeconds: 2 * 60, retryLimit: 0, retryDelay: 0, retryBackoff: false },
  },
  // Deletes the cloud resources of runs that are no longer running (sweep-runs.ts): the runs
  // named, or (scheduled) every finished run not yet swept. Idempotent (NotFound is done), so a
  // failed sweep is simply done again: one retry a minute later, then the next schedule.
  'build.sweep': {
    payload: z.object({ runIds: z.array(z.string().uuid()).max(1_000).optional(), reason: z.enum(['schedule', 'reaped', 'manual']).default('schedule') }),
    cron: '*/15 * * * *',
    policy: { expireInSeconds: 30 * 60, retryLimit: 1, retryDelay: 60, retryBackoff: false },
  },
  // Every few minutes: enqueue the accounts whose sync interval has passed.
  'inventory.schedule': {
    payload: z.object({}).default({}),
    cron: '*/5 * * * *',
    // A few queries; no retry: the next tick is five minutes away and would queue the same accounts.
    policy: { expireInSeconds: 2 * 60, retryLimit: 0, retryDelay: 0, retryBackoff: false },
  },
} as const satisfies Record<string, { payload: z.ZodType; cron: string | undefined; policy: QueuePolicy }>;

/**
 * Liveness of a running inventory sync. The worker bumps the job's heartbeat every
 * `everySeconds`; a `running` row whose heartbeat is older than `staleAfterSeconds` belongs to
 * a worker that is gone (kill -9, lost host): it is marked `interrupted`, never shown as running,
 * and never blocks "Sync now". A `queued` row counts as waiting for at most `queuedForSeconds`
 * in the UI (a click after that is answered by the server, which knows whether the job exists).
 */
export const SYNC_HEARTBEAT = { everySeconds: 5, staleAfterSeconds: 30, queuedForSeconds: 15 * 60 } as const;

/**
 * Liveness of a running build run: its worker bumps `build_runs.heartbeat_at` every
 * `everySeconds`; a `running` run whose heartbeat is older than `staleAfterSeconds` belongs to a
 * worker that is gone (kill -9, lost host) and is marked `interrupted` (reap-runs.ts). Not retried
 * automatically: the user sees why in the run's log and state, and Retry runs it again.
 */
export const BUILD_HEARTBEAT = { everySeconds: 5, staleAfterSeconds: 30 } as const;

export type QueueName = keyof typeof QUEUES;
export type QueuePayload<Q extends QueueName> = z.input<(typeof QUEUES)[Q]['payload']>;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];
