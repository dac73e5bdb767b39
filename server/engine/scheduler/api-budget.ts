// Client-side scheduling of the vendors' API budgets, shared by every run in this process.
// The clouds meter requests with token buckets per account and region; if our parallel runs
// simply fire, the cloud throttles them and each client backs off blindly. Instead every call
// first takes a token from our own model of the vendor's bucket and waits (abort-aware) when
// there is none. A throttle that still comes back means the model is too generous (other
// tools share the account): that bucket then slows down and recovers gradually.
import type { CloudKind } from '@/server/clouds/provider';

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

export interface ThrottlePolicy {
  /** The refill rate is multiplied by this on a throttle. */
  factor: number;
  /** Floor of the slowed rate, as a fraction of the published one. */
  minFraction: number;
  /** Throttles within this long after a slow-down count as the same event (parallel callers hit together). */
  debounceMs: number;
  /** The slowed rate holds this long after the last throttle… */
  holdMs: number;
  /** …then climbs linearly back to the published rate over this long. */
  recoverMs: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = { factor: 0.5, minFraction: 1 / 32, debounceMs: 1_000, holdMs: 10_000, recoverMs: 60_000 };

export interface ApiBudgetOptions {
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
  private tokens: number;
  private at: number;
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The rate right after the last slow-down, and when it happened. */
  private slowedRate: number | undefined;
  private slowedAt = -Infinity;

  constructor(
    private readonly capacity: number,
    private readonly baseRate: number,
    private readonly policy: ThrottlePolicy,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.at = now();
  }

  /** The refill rate in force at `t`: slowed, held, then recovering linearly. */
  rateAt(t: number): number {
    if (this.slowedRate === undefined) return this.baseRate;
    const since = t - this.slowedAt - this.policy.holdMs;
    if (since <= 0) return this.slowedRate;
    const rate = this.slowedRate + (this.baseRate - this.slowedRate) * Math.min(1, since / this.policy.recoverMs);
    if (rate >= this.baseRate) this.slowedRate = undefined;
    return rate;
  }

  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    // FIFO: a newcomer never overtakes queued callers, even when a token just appeared.
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
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
    const t = this.now();
    this.refill();
    // The cloud says the bucket is empty, whatever our model thought.
    this.tokens = 0;
    if (t - this.slowedAt < this.policy.debounceMs) return;
    const current = this.rateAt(t);
    this.slowedRate = Math.max(this.baseRate * this.policy.minFraction, current * this.policy.factor);
    this.slowedAt = t;
    this.schedule();
  }

  get waiting(): number {
    return this.queue.length;
  }

  private refill(): void {
    const t = this.now();
    if (t > this.at) {
      this.tokens = Math.min(this.capacity, this.tokens + ((t - this.at) / 1000) * this.rateAt(t));
      this.at = t;
    }
  }

  private drain(): void {
    this.timer = undefined;
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
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
    const missing = Math.max(0, 1 - this.tokens);
    const delayMs = Math.max(1, Math.ceil((missing / this.rateAt(this.now())) * 1000));
    this.timer = setTimeout(() => this.drain(), delayMs);
  }
}

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
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly copySlots = new Map<string, Semaphore>();
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
    const key = `${cloud}\u0000${account}\u0000${region}`;
    let sem = this.copySlots.get(key);
    if (!sem) {
      sem = new Semaphore(Math.max(1, this.slots[cloud]));
      this.copySlots.set(key, sem);
    }
    return sem.acquire(signal);
  }

  copySlotsInUse(cloud: CloudKind, account: string, region: string): number {
    return this.copySlots.get(`${cloud}\u0000${account}\u0000${region}`)?.inUse ?? 0;
  }

  private bucket(cloud: CloudKind, account: string, region: string, cls: ActionClass): TokenBucket {
    const key = `${cloud}\u0000${account}\u0000${region}\u0000${cls}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const spec = this.budgets[cloud][cls];
      bucket = new TokenBucket(Math.max(1, spec.capacity * this.scale), spec.refillPerSecond * this.scale, this.policy, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
