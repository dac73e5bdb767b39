export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

// The vendors' request budgets, per account and region. EC2's are AWS's published request
// token buckets (non-mutating 100 refilling 20/s, mutating 50 refilling 5/s, CopyImage 100
// refilling 1/s). UCloud publishes none; we use the same shape so throttling can be tested.
export const BUCKETS: Record<'aws' | 'ucloud', Record<'describe' | 'mutate' | 'copy', BucketSpec>> = {
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

export type ActionClass = 'describe' | 'mutate' | 'copy';

/** One request as the limiter saw it (GET /_sandbox/calls): what a client's rate is measured from. */
export interface CallRecord {
  at: number;
  cloud: 'aws' | 'ucloud';
  account: string;
  region: string;
  cls: ActionClass;
  throttled: boolean;
}

/** The most calls kept in the log; older ones are dropped (a long-running sandbox stays small). */
const CALL_LOG_LIMIT = 100_000;

/** Token buckets keyed by account, region and action class. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Every request, in arrival order (bounded by CALL_LOG_LIMIT). */
  readonly calls: CallRecord[] = [];

  /** @param scale multiplies bucket sizes and refill rates; 0 disables limiting. */
  constructor(private scale = 1) {}

  setScale(scale: number): void {
    this.scale = scale;
    this.buckets.clear();
  }

  /** Takes one token; false means the caller must be throttled. */
  take(cloud: 'aws' | 'ucloud', account: string, region: string, cls: ActionClass, now = Date.now()): boolean {
    const ok = this.decide(cloud, account, region, cls, now);
    this.calls.push({ at: now, cloud, account, region, cls, throttled: !ok });
    if (this.calls.length > CALL_LOG_LIMIT) this.calls.splice(0, this.calls.length - CALL_LOG_LIMIT);
    return ok;
  }

  /** The budgets in force, as scaled (GET /_sandbox/calls reports them next to the calls). */
  budgets(): Record<'aws' | 'ucloud', Record<ActionClass, BucketSpec>> {
    const scaled = (b: BucketSpec): BucketSpec => ({ capacity: b.capacity * this.scale, refillPerSecond: b.refillPerSecond * this.scale });
    const of = (c: 'aws' | 'ucloud') => ({ describe: scaled(BUCKETS[c].describe), mutate: scaled(BUCKETS[c].mutate), copy: scaled(BUCKETS[c].copy) });
    return { aws: of('aws'), ucloud: of('ucloud') };
  }

  private decide(cloud: 'aws' | 'ucloud', account: string, region: string, cls: ActionClass, now: number): boolean {
    if (this.scale === 0) return true;
    const spec = BUCKETS[cloud][cls];
    const capacity = spec.capacity * this.scale;
    const key = `${cloud}|${account}|${region}|${cls}`;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * spec.refillPerSecond * this.scale);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
