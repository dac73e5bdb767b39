// The per-account limit on build runs: at most `max_concurrent_runs` runs of one cloud account
// run at once across all workers. A run takes a slot (lease-slots.ts) before it starts; when all
// are taken it stays queued, says so in its log, and its job is sent again a little later — it
// does not hold one of the worker's run slots while it waits, so runs of other accounts go on.
// Waiting runs are served oldest first: a run asking for a slot leaves as many free as there are
// runs of the account that have waited longer and still ask (a new build's runs, which ask at
// once, would otherwise take every freed slot before a waiting run's next try).
import { and, count, desc, eq, gte, isNotNull, lt, ne, or, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { enqueue } from '@/server/jobs/enqueue';
import type { SharedLimitsSettings } from './process-api-budget';
import { LeaseKeeper, tryTakeSlot } from './lease-slots';

export const RUN_SLOT_DEFAULTS = { runSlotLeaseMs: 60_000, runSlotRetrySeconds: 10 } as const;

export type AccountRunSlot =
  /** The run may start; release when it has ended. */
  | { kind: 'held'; release: () => void }
  /** Nothing to limit: the run is no longer queued, or its account is gone (the run itself says so). */
  | { kind: 'none' }
  /** Every slot of the account is taken; the run stays queued. */
  | { kind: 'waiting'; message: string };

const KEEPERS = new WeakMap<Db, Map<number, LeaseKeeper>>();
function keeperFor(db: Db, leaseMs: number): LeaseKeeper {
  let byLease = KEEPERS.get(db);
  if (!byLease) KEEPERS.set(db, (byLease = new Map()));
  let keeper = byLease.get(leaseMs);
  if (!keeper) byLease.set(leaseMs, (keeper = new LeaseKeeper(db, leaseMs)));
  return keeper;
}

export async function takeAccountRunSlot(db: Db, runId: string, settings: SharedLimitsSettings = {}): Promise<AccountRunSlot> {
  const leaseMs = settings.runSlotLeaseMs ?? RUN_SLOT_DEFAULTS.runSlotLeaseMs;
  const r = tables.buildRuns;
  const a = tables.cloudAccounts;
  const [run] = await db
    .select({ status: r.status, accountId: a.id, accountName: a.name, max: a.maxConcurrentRuns, waitSince: r.slotWaitSince })
    .from(r)
    .leftJoin(a, eq(a.id, r.cloudAccountId))
    .where(eq(r.id, runId));
  if (!run || run.status !== 'queued' || !run.accountId || run.max === null) return { kind: 'none' };
  const ahead = await waitingLonger(db, runId, run.accountId, run.waitSince !== null, settings);
  const got = await tryTakeSlot(db, { kind: 'account-run', scope: run.accountId, limit: run.max - ahead }, runId, leaseMs);
  if ('id' in got) {
    if (run.waitSince) await db.update(r).set({ slotWaitSince: null, slotAskedAt: null }).where(eq(r.id, runId));
    return { kind: 'held', release: keeperFor(db, leaseMs).hold(got.id) };
  }
  await db.update(r).set({ slotWaitSince: sql`coalesce(${r.slotWaitSince}, now())`, slotAskedAt: sql`now()` }).where(eq(r.id, runId));
  const message = `waiting for a slot: account ${run.accountName} runs ${got.inUse} of ${run.max}${got.inUse < run.max ? '; runs that waited longer go first' : ''}`;
  await noteOnce(db, runId, message);
  return { kind: 'waiting', message };
}

/**
 * Queued runs of the account that have waited longer than this one (all waiting runs, for a run
 * that has not waited yet) and asked within a few retry periods: a run whose job is gone stops
 * asking and, after that window, no longer holds the others back.
 */
async function waitingLonger(db: Db, runId: string, accountId: string, hasWaited: boolean, settings: SharedLimitsSettings): Promise<number> {
  const r = tables.buildRuns;
  const mine = sql`(select m.slot_wait_since from build_runs m where m.id = ${runId})`;
  const windowSeconds = (settings.runSlotRetrySeconds ?? RUN_SLOT_DEFAULTS.runSlotRetrySeconds) * 3 + 5;
  const [row] = await db
    .select({ n: count() })
    .from(r)
    .where(
      and(
        eq(r.cloudAccountId, accountId),
        eq(r.status, 'queued'),
        ne(r.id, runId),
        isNotNull(r.slotWaitSince),
        gte(r.slotAskedAt, sql`now() - make_interval(secs => ${windowSeconds})`),
        // Compared in the database: a JS Date would drop the timestamps' microseconds.
        hasWaited ? or(lt(r.slotWaitSince, mine), and(eq(r.slotWaitSince, mine), lt(r.id, runId))) : undefined,
      ),
    );
  return Number(row?.n ?? 0);
}

/** Sends the run's job again, to start after `seconds` (jittered, so waiting runs do not all knock at once). */
export async function requeueWaitingRun(db: Db, run: { runId: string; buildId: string }, settings: SharedLimitsSettings = {}): Promise<void> {
  const seconds = settings.runSlotRetrySeconds ?? RUN_SLOT_DEFAULTS.runSlotRetrySeconds;
  const bossJobId = await enqueue('build.run', run, { startAfter: Math.max(1, Math.round(seconds * (0.75 + Math.random() * 0.5))) });
  await db.update(tables.buildRuns).set({ bossJobId }).where(eq(tables.buildRuns.id, run.runId));
}

/** A line in the run's log, unless it is already the last one (a run that waits long would repeat it). */
async function noteOnce(db: Db, runId: string, text: string): Promise<void> {
  const l = tables.buildRunLogs;
  const [last] = await db.select({ seq: l.seq, text: l.text }).from(l).where(eq(l.runId, runId)).orderBy(desc(l.seq)).limit(1);
  if (last?.text === text) return;
  await db
    .insert(l)
    .values({ runId, seq: (last?.seq ?? 0) + 1, at: new Date(), stream: 'engine', step: null, text })
    .onConflictDoNothing();
}
