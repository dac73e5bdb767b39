// The engine's API budget shared by every worker of one database: each vendor bucket (cloud,
// account, region, action class) is a row of api_budget_buckets, each copy slot a row of
// lease_slots. The engine's arithmetic (bucket-math.ts) runs on the row under a row lock, on
// the database's clock, so workers on different machines agree.
//
// Leases. A worker takes tokens in small batches so that not every API call is a round trip to
// the database, and keeps a batch's surplus for at most `tokenLeaseMs`. A token leased at t may
// then be spent up to `tokenLeaseMs` later — so in any window W the vendor may see what was
// leased in W plus `tokenLeaseMs` before it: up to capacity + rate × (W + lease). Requests also
// reach the vendor with uneven delays (a busy event loop, the network), which can bunch calls
// sent apart; `jitterMs` covers that. The shared bucket is therefore modelled
// `rate × (lease + jitter)` tokens smaller than the vendor's, which keeps the calls of all
// workers together within capacity + rate × W, the vendor's own bound. Only the burst shrinks;
// the sustained rate is the vendor's.
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { BucketKey, SharedBudgetStore, SlotKey, TokenLease } from '@/server/engine/scheduler/api-budget';
import { fullBucket, rateAt, takeTokens, throttle, type BucketModel, type BucketState } from '@/server/engine/scheduler/bucket-math';
import { LeaseKeeper, PROCESS_HOLDER, tryTakeSlot } from './lease-slots';

export interface SharedBudgetOptions {
  /** How long leased tokens stay spendable (default 1 s). */
  tokenLeaseMs?: number;
  /** Allowance for uneven delays between taking a token and the vendor counting the request (default 1 s). */
  jitterMs?: number;
  /** Lease of a copy slot, renewed while the copy runs; a dead worker's slot frees after it (default 60 s). */
  copySlotLeaseMs?: number;
  /** How often a copy waiting for a slot looks again (default 2 s). */
  copySlotPollMs?: number;
}

export const SHARED_BUDGET_DEFAULTS = { tokenLeaseMs: 1_000, jitterMs: 1_000, copySlotLeaseMs: 60_000, copySlotPollMs: 2_000 } as const;

/** The vendor meters per key; the key id itself stays sealed (cloud_accounts), so rows carry its hash. */
export const accountHash = (cloud: string, account: string) => createHash('sha256').update(`${cloud}\u0000${account}`).digest('hex').slice(0, 32);

/**
 * The shared model of a vendor bucket: `rate × (lease + jitter)` smaller than the vendor's (see
 * above), never below one token.
 */
export function sharedModel(model: BucketModel, tokenLeaseMs: number, jitterMs = 0): BucketModel {
  return { ...model, capacity: Math.max(1, model.capacity - (model.refillPerSecond * (tokenLeaseMs + jitterMs)) / 1000) };
}

/**
 * How many tokens to hand out for `want` waiting callers: all of them when the bucket has them,
 * else what there is — plus, when the bucket is well filled, a small surplus (a quarter of a
 * lease's refill) for the calls that follow within the lease.
 */
export function leaseSize(model: BucketModel, tokens: number, want: number, tokenLeaseMs: number): number {
  const surplus = tokens >= model.capacity / 2 ? Math.floor((model.refillPerSecond * tokenLeaseMs) / 1000 / 4) : 0;
  return Math.max(1, Math.floor(want)) + surplus;
}

type Row = { tokens: number; atMs: number; slowedRate: number | null; slowedAtMs: number | null; nowMs: number };

export class DbBudgetStore implements SharedBudgetStore {
  private readonly opts: Required<SharedBudgetOptions>;
  private readonly keeper: LeaseKeeper;
  private readonly held = new Map<string, number>();

  constructor(
    private readonly db: Db,
    opts: SharedBudgetOptions = {},
  ) {
    this.opts = { ...SHARED_BUDGET_DEFAULTS, ...opts };
    this.keeper = new LeaseKeeper(db, this.opts.copySlotLeaseMs);
  }

  takeTokens(key: BucketKey, model: BucketModel, want: number): Promise<TokenLease> {
    const shared = sharedModel(model, this.opts.tokenLeaseMs, this.opts.jitterMs);
    return this.withBucket(key, shared, (state, now) => {
      const out = takeTokens(state, shared, now, leaseSize(shared, state.tokens, want, this.opts.tokenLeaseMs));
      const lease: TokenLease = { granted: out.granted, retryInMs: out.granted > 0 ? 0 : out.retryInMs, validForMs: this.opts.tokenLeaseMs, rate: rateAt(out.state, shared, now) };
      return { state: out.state, result: lease };
    });
  }

  async throttled(key: BucketKey, model: BucketModel): Promise<void> {
    const shared = sharedModel(model, this.opts.tokenLeaseMs, this.opts.jitterMs);
    await this.withBucket(key, shared, (state, now) => ({ state: throttle(state, shared, now), result: undefined }));
  }

  async acquireSlot(key: SlotKey, limit: number, signal?: AbortSignal): Promise<() => void> {
    const scope = `${key.cloud}/${accountHash(key.cloud, key.account)}/${key.region}`;
    const local = `${key.cloud}\u0000${key.account}\u0000${key.region}`;
    for (;;) {
      signal?.throwIfAborted();
      const got = await tryTakeSlot(this.db, { kind: 'copy', scope, limit }, PROCESS_HOLDER, this.opts.copySlotLeaseMs);
      if ('id' in got) {
        this.held.set(local, (this.held.get(local) ?? 0) + 1);
        const release = this.keeper.hold(got.id);
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.held.set(local, (this.held.get(local) ?? 1) - 1);
          release();
        };
      }
      await abortableSleep(this.opts.copySlotPollMs, signal);
    }
  }

  slotsHeld(key: SlotKey): number {
    return this.held.get(`${key.cloud}\u0000${key.account}\u0000${key.region}`) ?? 0;
  }

  /**
   * Reads the bucket's row under a row lock with the database's clock, applies `fn` and writes
   * the result back, in one transaction. A bucket seen for the first time starts full.
   */
  private async withBucket<T>(key: BucketKey, model: BucketModel, fn: (state: BucketState, nowMs: number) => { state: BucketState; result: T }): Promise<T> {
    const b = tables.apiBudgetBuckets;
    const hash = accountHash(key.cloud, key.account);
    const where = and(eq(b.cloud, key.cloud), eq(b.accountHash, hash), eq(b.region, key.region), eq(b.actionClass, key.cls));
    const ms = (column: unknown) => sql<number>`(extract(epoch from ${column}) * 1000)::float8`.mapWith(Number);
    return this.db.transaction(async (tx) => {
      const read = () =>
        tx
          .select({ tokens: b.tokens, atMs: ms(b.refilledAt), slowedRate: b.slowedRate, slowedAtMs: ms(b.slowedAt), nowMs: ms(sql`clock_timestamp()`) })
          .from(b)
          .where(where)
          .for('update');
      let [row]: Row[] = await read();
      if (!row) {
        // A bucket nobody used yet starts full; a worker inserting at the same moment wins and this one reads its row.
        await tx.insert(b).values({ cloud: key.cloud, accountHash: hash, region: key.region, actionClass: key.cls, tokens: model.capacity, refilledAt: sql`clock_timestamp()` }).onConflictDoNothing();
        [row] = await read();
        if (!row) throw new Error('the budget bucket row vanished');
      }
      const state: BucketState = row.slowedAtMs === null || row.slowedRate === null ? { ...fullBucket(model, row.atMs), tokens: row.tokens } : { tokens: row.tokens, at: row.atMs, slowedRate: row.slowedRate, slowedAt: row.slowedAtMs };
      const out = fn(state, row.nowMs);
      await tx
        .update(b)
        .set({
          tokens: out.state.tokens,
          refilledAt: sql`to_timestamp(${out.state.at / 1000}::float8)`,
          slowedRate: out.state.slowedRate,
          slowedAt: out.state.slowedAt === null ? null : sql`to_timestamp(${out.state.slowedAt / 1000}::float8)`,
        })
        .where(where);
      return out.result;
    });
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
