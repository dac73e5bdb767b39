import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_BUDGETS, ApiBudget } from './api-budget';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts n takes at once and records when each is granted (fake clock ms). */
function takeMany(budget: ApiBudget, n: number, region = 'us-east-1', cls: 'describe' | 'mutate' | 'copy' = 'mutate') {
  const start = Date.now();
  const grants: number[] = [];
  const all = Promise.all(Array.from({ length: n }, () => budget.take('aws', 'acct-1', region, cls).then(() => grants.push(Date.now() - start))));
  return { grants, all };
}

describe('ApiBudget.take', () => {
  it('spreads 100 parallel takes over a 5/s bucket without ever exceeding it', async () => {
    const budget = new ApiBudget();
    const { capacity, refillPerSecond } = API_BUDGETS.aws.mutate; // 50, 5/s
    const { grants, all } = takeMany(budget, 100);

    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toHaveLength(capacity); // the burst
    await vi.advanceTimersByTimeAsync(5_000);
    expect(grants.length).toBeLessThanOrEqual(capacity + refillPerSecond * 5);
    expect(grants.length).toBeGreaterThanOrEqual(capacity + refillPerSecond * 5 - 1);
    await vi.advanceTimersByTimeAsync(5_100);
    await all;

    expect(grants).toHaveLength(100);
    // The remaining 50 need 10 s at 5/s.
    expect(Math.max(...grants)).toBeGreaterThanOrEqual(9_800);
    expect(Math.max(...grants)).toBeLessThanOrEqual(10_100);
    // In every window, no more grants than the bucket allows.
    const sorted = [...grants].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i; j < sorted.length; j++) {
        expect(j - i + 1).toBeLessThanOrEqual(capacity + (refillPerSecond * (sorted[j]! - sorted[i]!)) / 1000 + 1e-9);
      }
    }
  });

  it('keeps buckets apart per account, region and class', async () => {
    const budget = new ApiBudget({ budgets: { ...API_BUDGETS, aws: { ...API_BUDGETS.aws, mutate: { capacity: 1, refillPerSecond: 1 } } } });
    await budget.take('aws', 'a', 'r1', 'mutate');
    let granted = 0;
    void budget.take('aws', 'a', 'r1', 'mutate').then(() => granted++);
    await budget.take('aws', 'b', 'r1', 'mutate'); // another account
    await budget.take('aws', 'a', 'r2', 'mutate'); // another region
    await budget.take('aws', 'a', 'r1', 'describe'); // another class
    await budget.take('ucloud', 'a', 'r1', 'mutate'); // another cloud
    expect(granted).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(granted).toBe(1);
  });

  it('rejects a waiting take on abort without consuming a token', async () => {
    const budget = new ApiBudget({ scale: 0.02 }); // mutate: capacity 1, 0.1/s
    await budget.take('aws', 'a', 'r', 'mutate');
    const controller = new AbortController();
    const waiting = budget.take('aws', 'a', 'r', 'mutate', controller.signal);
    const queuedBehind = budget.take('aws', 'a', 'r', 'mutate');
    let second = false;
    void queuedBehind.then(() => (second = true));
    expect(budget.waiting('aws', 'a', 'r', 'mutate')).toBe(2);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(budget.waiting('aws', 'a', 'r', 'mutate')).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(second).toBe(true);
  });

  it('scale 0 disables limiting', async () => {
    const budget = new ApiBudget({ scale: 0 });
    const { grants, all } = takeMany(budget, 500);
    await all;
    expect(grants).toHaveLength(500);
  });
});

describe('ApiBudget.throttled', () => {
  it('halves the refill rate, debounces a burst of throttles, then recovers gradually', () => {
    const budget = new ApiBudget({ throttle: { debounceMs: 1_000, holdMs: 10_000, recoverMs: 60_000 } });
    const rate = () => budget.rate('aws', 'a', 'r', 'mutate');
    expect(rate()).toBe(5);
    budget.throttled('aws', 'a', 'r', 'mutate');
    expect(rate()).toBe(2.5);
    budget.throttled('aws', 'a', 'r', 'mutate'); // the same burst
    expect(rate()).toBe(2.5);
    vi.advanceTimersByTime(1_000);
    budget.throttled('aws', 'a', 'r', 'mutate');
    expect(rate()).toBe(1.25);
    expect(budget.rate('aws', 'a', 'r', 'describe')).toBe(20); // other buckets untouched

    vi.advanceTimersByTime(10_000); // held
    expect(rate()).toBe(1.25);
    vi.advanceTimersByTime(30_000); // half way back
    expect(rate()).toBeCloseTo(1.25 + (5 - 1.25) / 2, 5);
    vi.advanceTimersByTime(30_000);
    expect(rate()).toBe(5);
  });

  it('never drops below the floor', () => {
    const budget = new ApiBudget({ throttle: { debounceMs: 0, minFraction: 1 / 8 } });
    for (let i = 0; i < 20; i++) {
      budget.throttled('aws', 'a', 'r', 'mutate');
      vi.advanceTimersByTime(1);
    }
    expect(budget.rate('aws', 'a', 'r', 'mutate')).toBe(5 / 8);
  });

  it('empties the bucket, so the next takes wait for the slower refill', async () => {
    const budget = new ApiBudget();
    budget.throttled('aws', 'acct-1', 'us-east-1', 'mutate'); // 2.5/s, 0 tokens
    const { grants, all } = takeMany(budget, 5);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(grants.length).toBeLessThanOrEqual(3);
    await vi.advanceTimersByTimeAsync(1_100);
    await all;
    expect(Math.max(...grants)).toBeGreaterThanOrEqual(1_990);
  });
});

describe('ApiBudget.acquireCopySlot', () => {
  it('caps concurrent copies per destination region and hands slots over in order', async () => {
    const budget = new ApiBudget({ copySlots: { aws: 2, ucloud: 1 } });
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const copy = async (i: number) => {
      const release = await budget.acquireCopySlot('aws', 'a', 'eu-west-1');
      try {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        running--;
        release();
        release(); // idempotent
      }
    };
    const all = Promise.all([0, 1, 2, 3, 4].map(copy));
    // Another region is not affected.
    const other = await budget.acquireCopySlot('aws', 'a', 'ap-east-1');
    await vi.advanceTimersByTimeAsync(0);
    expect(budget.copySlotsInUse('aws', 'a', 'eu-west-1')).toBe(2);
    await vi.advanceTimersByTimeAsync(500);
    await all;
    other();
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(budget.copySlotsInUse('aws', 'a', 'eu-west-1')).toBe(0);
  });

  it('a waiter that aborts leaves the queue', async () => {
    const budget = new ApiBudget({ copySlots: { aws: 1, ucloud: 1 } });
    const release = await budget.acquireCopySlot('ucloud', 'a', 'cn-sh2');
    const controller = new AbortController();
    const waiting = budget.acquireCopySlot('ucloud', 'a', 'cn-sh2', controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    release();
    expect(budget.copySlotsInUse('ucloud', 'a', 'cn-sh2')).toBe(0);
    const again = await budget.acquireCopySlot('ucloud', 'a', 'cn-sh2');
    expect(budget.copySlotsInUse('ucloud', 'a', 'cn-sh2')).toBe(1);
    again();
  });
});
