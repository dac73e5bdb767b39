// Client-side scheduling of the vendors' API budgets, shared by every run in this process.
// The clouds meter requests with token buckets per account and region; if our parallel runs
// simply fire, the cloud throttles them and each client backs off blindly. Instead every call
// first takes a token from our own model of the vendor's bucket and waits (abort-aware) when
// there is none. A throttle that still comes back means the model is too generous (other
// tools share the account): that bucket then slows down and recovers gradually.
import type { CloudKind } from '@/server/clouds/provider';
import { fullBucket, msUntilToken, rateAt, refill, throttle, DEFAULT_THROTTLE_POLICY, type BucketModel, type BucketState, type ThrottlePolicy } from './bucket-math';

export type ActionClass = 'describe' | 'mutate' | 'copy';

export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

// Source: the sandbox cloud's published budgets (server/sandbox-cloud/world/rate-limiter.ts),
// copied here because the engine never imports the sandbox. EC2's are AWS's published request
// token buckets: non-mutating 100 refilling 20/s, mutating 50 refilling 5/s, CopyImage 100
// refilling 1/s. UCloud publishes none; same shape, copy 40 refilling 1/s.
export const API_BUDGETS: Record<CloudKind, Record<ActionClass, BucketSpec>> = {
  aws: {
    describe: { capacity: 100, refillPerSecond: 20 },
    mutate: { capacity: 50, refillPerSecond: 5 },
    copy: { capacity: 100, refillPerSecond: 1 },
  },
  ucloud: {
    describe: { capacity: 100, refillPerSecond: 20 },
    mutate: { capacity: 50, refillPerSecond: 5 },
    copy: { capacity: 40, refillPerSecond: 1 },
  },
};

// Concurrent image copies into one destination region, per account. Same source as above
// (the sandbox world's defaults: EC2 100, UCloud 20); past it EC2 answers ResourceLimitExceeded
// and UCloud a throttle (RetCode 153).
export const COPY_SLOTS: Record<CloudKind, number> = { aws: 100, ucloud: 20 };

export { DEFAULT_THROTTLE_POLICY, type BucketModel, type ThrottlePolicy } from './bucket-math';

/** One vendor bucket: per cloud, account (its key id), region and action class. */
export interface BucketKey {
  cloud: CloudKind;
  account: string;
  region: string;
  cls: ActionClass;
}

/** The concurrent-copy slots of one destination region of one account. */
export interface SlotKey {
  cloud: CloudKind;
  account: string;
  region: string;
}

/** Tokens a shared store handed out at once. */
export interface TokenLease {
  granted: number;
  /** When none were granted: how long until the store expects the next token. */
  retryInMs: number;
  /**
   * Granted tokens not spent within this long are dropped: a lease must not be saved up and
   * spent later in a burst on top of what other processes take meanwhile.
   */
  validForMs: number;
  /** The refill rate in force in the shared bucket (tokens/s). */
  rate: number;
}

/**
 * Where the buckets and copy slots live when several processes spend one account's budget
 * (workers of one database). The engine only defines it; the console implements it over its
 * database. Without one, ApiBudget keeps everything in this process (the CLI).
 */
export interface SharedBudgetStore {
  /**
   * Takes up to `want` tokens from the shared bucket. It may grant fewer (none: wait
   * `retryInMs`) or more (a lease, so that not every call is a round trip to the store).
   */
  takeTokens(key: BucketKey, model: BucketModel, want: number): Promise<TokenLease>;
  /** A throttle seen by this process: empties the shared bucket and slows it for every process. */
  throttled(key: BucketKey, model: BucketModel): Promise<void>;
  /** Holds one of `limit` slots until the returned release is called; waits (abort-aware) while all are held. */
  acquireSlot(key: SlotKey, limit: number, signal?: AbortSignal): Promise<() => void>;
  /** Slots of this key held by this process. */
  slotsHeld(key: SlotKey): number;
}

export interface ApiBudgetOptions {
  /** Keep buckets and copy slots in a store shared with other processes; default: this process only. */
  store?: SharedBudgetStore;
  budgets?: Record<CloudKind, Record<ActionClass, BucketSpec>>;
  copySlots?: Record<CloudKind, number>;
  /** Multiplies capacities and refill rates (tests, or a share of an account used by other tools too); 0 disables limiting. */
  scale?: number;
  throttle?: Partial<ThrottlePolicy>;
  /** Clock, injectable for tests; timers still use setTimeout (fake timers drive both). */
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

class TokenBucket {
  private state: BucketState;
  private readonly model: BucketModel;
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(capacity: number, refillPerSecond: number, policy: ThrottlePolicy, private readonly now: () => number) {
    this.model = { capacity, refillPerSecond, policy };
    this.state = fullBucket(this.model, now());
  }

  /** The refill rate in force at `t`: slowed, held, then recovering linearly. */
  rateAt(t: number): number {
    return rateAt(this.state, this.model, t);
  }

  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    // FIFO: a newcomer never overtakes queued callers, even when a token just appeared.
    if (this.queue.length === 0 && this.state.tokens >= 1) {
      this.state.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
          this.schedule();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.schedule();
    });
  }

  throttled(): void {
    this.state = throttle(this.state, this.model, this.now());
    this.schedule();
  }

  get waiting(): number {
    return this.queue.length;
  }

  private refill(): void {
    this.state = refill(this.state, this.model, this.now());
  }

  private drain(): void {
    this.timer = undefined;
    this.refill();
    while (this.queue.length > 0 && this.state.tokens >= 1) {
      this.state.tokens -= 1;
      const waiter = this.queue.shift()!;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    this.refill();
    this.timer = setTimeout(() => this.drain(), Math.max(1, msUntilToken(this.state, this.model, this.now())));
  }
}

/**
 * A bucket whose tokens come from a shared store. Callers queue here in FIFO order (one queue
 * per process, like TokenBucket's); one loop at a time asks the store for as many tokens as
 * are waiting, hands them out, keeps a lease's surplus until it expires, and sleeps for the
 * store's `retryInMs` when it got none.
 */
class SharedBucket {
  private readonly queue: Waiter[] = [];
  private leased = 0;
  private leasedUntil = 0;
  private lastRate: number;
  private pumping = false;

  constructor(
    private readonly store: SharedBudgetStore,
    private readonly key: BucketKey,
    private readonly model: BucketModel,
    private readonly now: () => number,
  ) {
    this.lastRate = model.refillPerSecond;
  }

  rateAt(): number {
    return this.lastRate;
  }

  get waiting(): number {
    return this.queue.length;
  }

  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.queue.length === 0 && this.leased >= 1 && this.now() < this.leasedUntil) {
      this.leased -= 1;
      return Promise.resolve();
    }
    const granted = new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
    });
    void this.pump();
    return granted;
  }

  throttled(): void {
    // The cloud says the bucket is empty: what we leased is worth nothing now.
    this.leased = 0;
    this.store.throttled(this.key, this.model).catch(() => undefined);
  }

  private grant(): void {
    if (this.now() >= this.leasedUntil) this.leased = 0;
    while (this.queue.length > 0 && this.leased >= 1) {
      this.leased -= 1;
      const waiter = this.queue.shift()!;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      this.grant();
      while (this.queue.length > 0) {
        let lease: TokenLease;
        try {
          lease = await this.store.takeTokens(this.key, this.model, this.queue.length);
        } catch {
          // The store is unreachable (database restarting): callers wait, as they would for a token.
          await sleep(1_000);
          continue;
        }
        this.lastRate = lease.rate;
        this.leased += lease.granted;
        this.leasedUntil = this.now() + lease.validForMs;
        this.grant();
        if (this.queue.length > 0 && lease.granted === 0) await sleep(Math.max(1, lease.retryInMs));
      }
    } finally {
      this.pumping = false;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Semaphore {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly limit: number) {}

  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit && this.queue.length === 0) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = { resolve: () => resolve(this.releaser()), reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
    });
  }

  get inUse(): number {
    return this.active;
  }

  /** Idempotent: releasing twice (a finally plus an error path) frees one slot only. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) {
        if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
        next.resolve(); // the slot passes straight to the next waiter
      } else {
        this.active--;
      }
    };
  }
}

export class ApiBudget {
  private readonly buckets = new Map<string, TokenBucket | SharedBucket>();
  private readonly copySlots = new Map<string, Semaphore>();
  private readonly store: SharedBudgetStore | undefined;
  private readonly budgets: Record<CloudKind, Record<ActionClass, BucketSpec>>;
  private readonly slots: Record<CloudKind, number>;
  private readonly scale: number;
  private readonly policy: ThrottlePolicy;
  private readonly now: () => number;

  constructor(opts: ApiBudgetOptions = {}) {
    this.budgets = opts.budgets ?? API_BUDGETS;
    this.slots = opts.copySlots ?? COPY_SLOTS;
    this.scale = opts.scale ?? 1;
    this.policy = { ...DEFAULT_THROTTLE_POLICY, ...opts.throttle };
    this.now = opts.now ?? Date.now;
    this.store = opts.store;
  }

  /** Waits until a request of class `cls` fits the (cloud, account, region) budget; rejects with the signal's reason on abort. */
  take(cloud: CloudKind, account: string, region: string, cls: ActionClass, signal?: AbortSignal): Promise<void> {
    if (this.scale <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve(); // limiting disabled
    return this.bucket(cloud, account, region, cls).take(signal);
  }

  /** The cloud throttled a request of this class anyway: empty the bucket and slow its refill. */
  throttled(cloud: CloudKind, account: string, region: string, cls: ActionClass): void {
    this.bucket(cloud, account, region, cls).throttled();
  }

  /** The refill rate (tokens per second) currently in force for a bucket. */
  rate(cloud: CloudKind, account: string, region: string, cls: ActionClass): number {
    return this.bucket(cloud, account, region, cls).rateAt(this.now());
  }

  /** Callers queued on a bucket (for metrics and tests). */
  waiting(cloud: CloudKind, account: string, region: string, cls: ActionClass): number {
    return this.bucket(cloud, account, region, cls).waiting;
  }

  /**
   * Holds one of the destination region's concurrent-copy slots until the returned release is
   * called. The builder's copy step takes it around copyImage AND the wait for the copy to
   * become available — only it knows when the copy has finished — and releases it in `finally`.
   */
  acquireCopySlot(cloud: CloudKind, account: string, region: string, signal?: AbortSignal): Promise<() => void> {
    if (this.store) return this.store.acquireSlot({ cloud, account, region }, Math.max(1, this.slots[cloud]), signal);
    const key = `${cloud}\u0000${account}\u0000${region}`;
    let sem = this.copySlots.get(key);
    if (!sem) {
      sem = new Semaphore(Math.max(1, this.slots[cloud]));
      this.copySlots.set(key, sem);
    }
    return sem.acquire(signal);
  }

  /** Copy slots held (by this process, when the slots are shared). */
  copySlotsInUse(cloud: CloudKind, account: string, region: string): number {
    if (this.store) return this.store.slotsHeld({ cloud, account, region });
    return this.copySlots.get(`${cloud}\u0000${account}\u0000${region}`)?.inUse ?? 0;
  }

  private bucket(cloud: CloudKind, account: string, region: string, cls: ActionClass): TokenBucket | SharedBucket {
    const key = `${cloud}\u0000${account}\u0000${region}\u0000${cls}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const spec = this.budgets[cloud][cls];
      const capacity = Math.max(1, spec.capacity * this.scale);
      const refillPerSecond = spec.refillPerSecond * this.scale;
      bucket = this.store
        ? new SharedBucket(this.store, { cloud, account, region, cls }, { capacity, refillPerSecond, policy: this.policy }, this.now)
        : new TokenBucket(capacity, refillPerSecond, this.policy, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
