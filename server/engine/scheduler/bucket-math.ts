// The arithmetic of one token bucket, as pure functions over a plain state: the in-process
// buckets (api-budget.ts) and a store shared by several processes (a database row, read and
// written back under a lock) compute the same way. Times are milliseconds on one clock — the
// store's own (the database's), never a mix of callers' clocks.

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

/** A bucket as the vendor publishes it (already scaled), with our reaction to its throttles. */
export interface BucketModel {
  capacity: number;
  refillPerSecond: number;
  policy: ThrottlePolicy;
}

export interface BucketState {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
  /** The rate right after the last slow-down, and when it happened; null when not slowed. */
  slowedRate: number | null;
  slowedAt: number | null;
}

export function fullBucket(model: BucketModel, at: number): BucketState {
  return { tokens: model.capacity, at, slowedRate: null, slowedAt: null };
}

/** The refill rate in force at `t`: slowed, held, then recovering linearly to the published rate. */
export function rateAt(state: BucketState, model: BucketModel, t: number): number {
  if (state.slowedRate === null || state.slowedAt === null) return model.refillPerSecond;
  const since = t - state.slowedAt - model.policy.holdMs;
  if (since <= 0) return state.slowedRate;
  return Math.min(model.refillPerSecond, state.slowedRate + (model.refillPerSecond - state.slowedRate) * Math.min(1, since / model.policy.recoverMs));
}

/**
 * The bucket brought up to `t`: tokens added at the rate in force (never past capacity), and a
 * slow-down that has fully recovered forgotten. A clock that went backwards adds nothing.
 */
export function refill(state: BucketState, model: BucketModel, t: number): BucketState {
  const rate = rateAt(state, model, t);
  const recovered = state.slowedRate !== null && rate >= model.refillPerSecond;
  const next: BucketState = recovered ? { ...state, slowedRate: null, slowedAt: null } : { ...state };
  if (t > state.at) {
    next.tokens = Math.min(model.capacity, state.tokens + ((t - state.at) / 1000) * rate);
    next.at = t;
  }
  return next;
}

/**
 * Takes up to `want` whole tokens at `t`. `retryInMs` is how long until the next whole token
 * when fewer than wanted were there (0 otherwise).
 */
export function takeTokens(state: BucketState, model: BucketModel, t: number, want: number): { state: BucketState; granted: number; retryInMs: number } {
  const now = refill(state, model, t);
  const granted = Math.max(0, Math.min(Math.floor(want), Math.floor(now.tokens + 1e-9)));
  now.tokens = Math.max(0, now.tokens - granted);
  return { state: now, granted, retryInMs: granted < want ? msUntilToken(now, model, t) : 0 };
}

/** Milliseconds until the bucket holds one whole token (at the rate in force now). */
export function msUntilToken(state: BucketState, model: BucketModel, t: number): number {
  const missing = Math.max(0, 1 - state.tokens);
  if (missing === 0) return 0;
  return Math.max(1, Math.ceil((missing / rateAt(state, model, t)) * 1000));
}

/**
 * The cloud throttled a request: the bucket is empty whatever our model thought, and unless a
 * slow-down happened within the debounce window, the rate in force is cut by the policy's factor.
 */
export function throttle(state: BucketState, model: BucketModel, t: number): BucketState {
  const now = refill(state, model, t);
  now.tokens = 0;
  if (now.slowedAt !== null && t - now.slowedAt < model.policy.debounceMs) return now;
  const current = rateAt(now, model, t);
  now.slowedRate = Math.max(model.refillPerSecond * model.policy.minFraction, current * model.policy.factor);
  now.slowedAt = t;
  return now;
}
