import { describe, expect, it } from 'vitest';
import { sleep } from '@/server/lib/retry';
import { runParallel, SiblingFailedError } from './parallel';

describe('runParallel', () => {
  it('respects the limit and keeps results in input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await runParallel([30, 5, 20, 1, 10, 2], 2, async (ms, { index }) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(ms);
      running--;
      return index * 10;
    });
    expect(peak).toBe(2);
    expect(out).toEqual([0, 10, 20, 30, 40, 50].map((value) => ({ status: 'fulfilled', value })));
  });

  it('limit 0 runs everything at once', async () => {
    let running = 0;
    let peak = 0;
    await runParallel(Array.from({ length: 12 }, (_, i) => i), 0, async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(5);
      running--;
    });
    expect(peak).toBe(12);
  });

  it('without failFast a failure does not disturb the others', async () => {
    const signals: AbortSignal[] = [];
    const out = await runParallel([1, 2, 3], 0, async (n, { signal }) => {
      signals.push(signal);
      await sleep(n * 5);
      if (n === 1) throw new Error('one failed');
      return n;
    });
    expect(out.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(signals.some((s) => s.aborted)).toBe(false);
  });

  it('with failFast the first failure aborts the siblings in flight and starts no more', async () => {
    const aborted: number[] = [];
    const started: number[] = [];
    const out = await runParallel(
      [0, 1, 2, 3, 4, 5],
      3,
      async (n, { signal }) => {
        started.push(n);
        if (n === 1) {
          await sleep(5);
          throw new Error('copy to eu-west-1 failed');
        }
        try {
          await sleep(1_000, signal);
        } catch (err) {
          aborted.push(n);
          expect(err).toBeInstanceOf(SiblingFailedError);
          expect((err as SiblingFailedError).index).toBe(1);
          throw err;
        }
        return n;
      },
      { failFast: true },
    );
    expect(started).toEqual([0, 1, 2]);
    expect(aborted.sort()).toEqual([0, 2]);
    expect(out.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'skipped', 'skipped', 'skipped']);
    expect(out[1]).toMatchObject({ reason: new Error('copy to eu-west-1 failed') });
  });

  it('the parent signal aborts every child and skips the rest', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('run cancelled')), 10);
    const out = await runParallel([1, 2, 3, 4], 2, (_, { signal }) => sleep(1_000, signal), { signal: controller.signal });
    expect(out.map((o) => o.status)).toEqual(['rejected', 'rejected', 'skipped', 'skipped']);
    expect(out[0]).toMatchObject({ reason: new Error('run cancelled') });
  });

  it('an already aborted parent starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    const out = await runParallel([1, 2], 1, async () => void calls++, { signal: controller.signal });
    expect(calls).toBe(0);
    expect(out).toEqual([{ status: 'skipped' }, { status: 'skipped' }]);
  });
});
