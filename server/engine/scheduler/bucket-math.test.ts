import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE_POLICY, fullBucket, msUntilToken, rateAt, refill, takeTokens, throttle, type BucketModel } from './bucket-math';

const model: BucketModel = { capacity: 10, refillPerSecond: 2, policy: { ...DEFAULT_THROTTLE_POLICY, debounceMs: 1_000, holdMs: 10_000, recoverMs: 60_000, factor: 0.5, minFraction: 1 / 8 } };

describe('bucket arithmetic', () => {
  it('starts full, grants whole tokens only, and says when the next one comes', () => {
    const s0 = fullBucket(model, 0);
    const a = takeTokens(s0, model, 0, 4);
    expect(a.granted).toBe(4);
    expect(a.retryInMs).toBe(0);
    const b = takeTokens(a.state, model, 0, 20);
    expect(b.granted).toBe(6);
    expect(b.state.tokens).toBe(0);
    expect(b.retryInMs).toBe(500); // 2/s: one token every 500 ms
    const c = takeTokens(b.state, model, 400, 1);
    expect(c.granted).toBe(0);
    expect(c.retryInMs).toBe(100);
    expect(takeTokens(c.state, model, 500, 1).granted).toBe(1);
  });

  it('refills continuously but never past capacity, and ignores a clock that went back', () => {
    const empty = { ...fullBucket(model, 0), tokens: 0 };
    expect(refill(empty, model, 1_250).tokens).toBeCloseTo(2.5);
    expect(refill(empty, model, 60_000).tokens).toBe(10);
    const later = refill(empty, model, 1_000);
    expect(refill(later, model, 500)).toEqual(later);
  });

  it('a throttle empties the bucket, halves the rate once per debounce window, holds, then recovers linearly', () => {
    const s = throttle(fullBucket(model, 0), model, 0);
    expect(s.tokens).toBe(0);
    expect(rateAt(s, model, 0)).toBe(1);
    const again = throttle(s, model, 500); // same event
    expect(rateAt(again, model, 500)).toBe(1);
    const third = throttle(again, model, 2_000); // a new one
    expect(rateAt(third, model, 2_000)).toBe(0.5);
    expect(rateAt(third, model, 2_000 + 10_000)).toBe(0.5); // held
    expect(rateAt(third, model, 2_000 + 10_000 + 30_000)).toBeCloseTo(1.25); // half-way back
    const recovered = refill(third, model, 2_000 + 10_000 + 60_000);
    expect(recovered.slowedRate).toBeNull();
    expect(rateAt(recovered, model, 100_000)).toBe(2);
    // Never below the floor.
    let t = 0;
    let low = fullBucket(model, 0);
    for (let i = 0; i < 10; i++) low = throttle(low, model, (t += 2_000));
    expect(rateAt(low, model, t)).toBe(2 / 8);
    expect(msUntilToken(low, model, t)).toBe(4_000);
  });
});
