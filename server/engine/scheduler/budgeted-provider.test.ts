import { describe, expect, it, vi } from 'vitest';
import { CloudApiError } from '@/server/clouds/cloud-error';
import type { CallOptions, CloudProvider, ImagePage } from '@/server/clouds/provider';
import { ApiBudget, type ActionClass } from './api-budget';
import { actionClassOf, GLOBAL_REGION, withBudget } from './budgeted-provider';

const throttle = () =>
  new CloudApiError({ provider: 'aws', action: 'CreateKeyPair', code: 'RequestLimitExceeded', detail: 'Request limit exceeded.', retryable: true, httpStatus: 503 });

/** A mock provider: every method resolves with a recognisable value. */
function fakeProvider(pages: ImagePage[] = []) {
  const page = async function* () {
    for (const p of pages) yield p;
  };
  const p = {
    cloud: 'aws',
    testConnection: vi.fn(async () => ({ regions: 3 })),
    listRegions: vi.fn(async () => []),
    listBaseImages: vi.fn(() => page()),
    describeImage: vi.fn(async () => null),
    createImage: vi.fn(async () => ({ imageId: 'ami-1' })),
    copyImage: vi.fn(async () => ({ imageId: 'ami-2' })),
    deleteImage: vi.fn(async () => undefined),
    createHost: vi.fn(async () => ({ hostId: 'i-1' })),
    describeHost: vi.fn(async () => null),
    stopHost: vi.fn(async () => undefined),
    terminateHost: vi.fn(async () => undefined),
    createKeyPair: vi.fn(async () => ({ name: 'k', id: 'key-1', region: 'us-east-1' })),
    deleteKeyPair: vi.fn(async () => undefined),
    createFirewall: vi.fn(async () => ({ id: 'sg-1', region: 'us-east-1', name: 'fw' })),
    deleteFirewall: vi.fn(async () => undefined),
    listPublicIps: vi.fn(async () => []),
    releasePublicIp: vi.fn(async () => undefined),
    allocatePublicIp: vi.fn(async () => ({ id: 'eip-1', region: 'us-east-1', address: '198.51.100.1', hostId: null })),
    bindPublicIp: vi.fn(async () => undefined),
    findResourcesByRunId: vi.fn(async () => []),
    tagResource: vi.fn(async () => undefined),
  } satisfies CloudProvider;
  return p;
}

function spyBudget() {
  const budget = new ApiBudget();
  const takes: [string, string, ActionClass][] = [];
  const take = budget.take.bind(budget);
  vi.spyOn(budget, 'take').mockImplementation((cloud, account, region, cls, signal) => {
    takes.push([account, region, cls]);
    return take(cloud, account, region, cls, signal);
  });
  return { budget, takes };
}

describe('withBudget', () => {
  it('charges each method to the right bucket', async () => {
    const inner = fakeProvider();
    const { budget, takes } = spyBudget();
    const p = withBudget(inner, budget, 'acct');
    const tags = { 'rome:run-id': 'r' };

    await p.testConnection();
    await p.describeImage('us-east-1', 'ami-0');
    await p.describeHost('us-east-1', 'i-0');
    await p.listPublicIps('us-east-1');
    await p.createHost({ region: 'us-east-1', imageId: 'ami-0', hostType: 't3.small', name: 'h', login: {}, tags });
    await p.createKeyPair('us-east-1', 'k', tags);
    await p.terminateHost('us-east-1', 'i-1');
    await p.createImage({ region: 'us-east-1', hostId: 'i-1', name: 'img', tags });
    const copy = await p.copyImage({ sourceRegion: 'us-east-1', sourceImageId: 'ami-1', targetRegion: 'eu-west-1', name: 'img' });

    expect(copy).toEqual({ imageId: 'ami-2' });
    expect(p.cloud).toBe('aws');
    expect(takes).toEqual([
      ['acct', GLOBAL_REGION, 'describe'],
      ['acct', 'us-east-1', 'describe'],
      ['acct', 'us-east-1', 'describe'],
      ['acct', 'us-east-1', 'describe'],
      ['acct', 'us-east-1', 'mutate'],
      ['acct', 'us-east-1', 'mutate'],
      ['acct', 'us-east-1', 'mutate'],
      ['acct', 'us-east-1', 'mutate'],
      ['acct', 'eu-west-1', 'copy'], // the destination region's CopyImage bucket
    ]);
    expect(inner.createKeyPair).toHaveBeenCalledWith('us-east-1', 'k', tags, {});
  });

  it('charges a provider that reports its requests per request, just before each is sent', async () => {
    const inner = Object.assign(fakeProvider(), { reportsRequests: true });
    // EC2's deleteImage: DescribeImages (its snapshots), DeregisterImage, DeleteSnapshot.
    (inner.deleteImage as unknown as { mockImplementation(fn: (region: string, id: string, o?: CallOptions) => Promise<undefined>): void }).mockImplementation(async (region, _id, o) => {
      for (const action of ['DescribeImages', 'DeregisterImage', 'DeleteSnapshot']) await o?.beforeRequest?.(action, region);
      return undefined;
    });
    const { budget, takes } = spyBudget();
    await withBudget(inner, budget, 'acct').deleteImage('us-east-1', 'ami-1');
    expect(takes).toEqual([
      ['acct', 'us-east-1', 'describe'],
      ['acct', 'us-east-1', 'mutate'],
      ['acct', 'us-east-1', 'mutate'],
    ]);
    expect(['DescribeImages', 'GetImage', 'ListThings', 'CopyImage', 'CopyCustomImage', 'RunInstances', 'CreateTags'].map(actionClassOf)).toEqual(['describe', 'describe', 'describe', 'copy', 'copy', 'mutate', 'mutate']);
  });

  it('retries a throttled call after slowing the bucket down', async () => {
    const inner = fakeProvider();
    inner.createKeyPair.mockRejectedValueOnce(throttle()).mockRejectedValueOnce(throttle());
    const budget = new ApiBudget({ throttle: { debounceMs: 0 } });
    const p = withBudget(inner, budget, 'acct', { throttleDelayMs: 1 });

    await expect(p.createKeyPair('us-east-1', 'k', {})).resolves.toMatchObject({ id: 'key-1' });
    expect(inner.createKeyPair).toHaveBeenCalledTimes(3);
    expect(budget.rate('aws', 'acct', 'us-east-1', 'mutate')).toBe(5 / 4);
  });

  it('gives up after its tries and does not retry other errors', async () => {
    const inner = fakeProvider();
    inner.deleteKeyPair.mockRejectedValue(throttle());
    inner.stopHost.mockRejectedValue(new CloudApiError({ provider: 'aws', action: 'StopInstances', code: 'IncorrectInstanceState', detail: 'no', retryable: false }));
    const p = withBudget(inner, new ApiBudget(), 'acct', { throttleDelayMs: 1, throttleTries: 3 });

    await expect(p.deleteKeyPair('us-east-1', 'k')).rejects.toMatchObject({ code: 'RequestLimitExceeded' });
    expect(inner.deleteKeyPair).toHaveBeenCalledTimes(3);
    await expect(p.stopHost('us-east-1', 'i-1')).rejects.toMatchObject({ code: 'IncorrectInstanceState' });
    expect(inner.stopHost).toHaveBeenCalledTimes(1);
  });

  it('a waiting call is cancelled by its signal', async () => {
    const inner = fakeProvider();
    const budget = new ApiBudget({ scale: 0.02 }); // mutate: 1 token, 0.1/s
    const p = withBudget(inner, budget, 'acct');
    await p.stopHost('us-east-1', 'i-1');
    const controller = new AbortController();
    const waiting = p.stopHost('us-east-1', 'i-1', { signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(inner.stopHost).toHaveBeenCalledTimes(1);
  });

  it('takes one describe token per page of listBaseImages', async () => {
    const pages: ImagePage[] = [1, 2, 3].map((calls) => ({ images: [], calls }));
    const inner = fakeProvider(pages);
    const { budget, takes } = spyBudget();
    const p = withBudget(inner, budget, 'acct');

    const seen: number[] = [];
    for await (const page of p.listBaseImages('cn-bj2', { pageSize: 50 })) seen.push(page.calls);
    expect(seen).toEqual([1, 2, 3]);
    // Three pages plus the request that found there were no more.
    expect(takes).toEqual(Array.from({ length: 4 }, () => ['acct', 'cn-bj2', 'describe']));
  });

  it('paces paging by the bucket and slows it when a page is throttled', async () => {
    vi.useFakeTimers();
    try {
      const inner = fakeProvider();
      inner.listBaseImages.mockImplementation(async function* () {
        yield { images: [], calls: 1 };
        yield { images: [], calls: 2 };
        throw throttle();
      });
      const budget = new ApiBudget({ budgets: { aws: { describe: { capacity: 1, refillPerSecond: 1 }, mutate: { capacity: 1, refillPerSecond: 1 }, copy: { capacity: 1, refillPerSecond: 1 } }, ucloud: { describe: { capacity: 1, refillPerSecond: 1 }, mutate: { capacity: 1, refillPerSecond: 1 }, copy: { capacity: 1, refillPerSecond: 1 } } } });
      const p = withBudget(inner, budget, 'acct');
      const at: number[] = [];
      const start = Date.now();
      const done = (async () => {
        for await (const _ of p.listBaseImages('us-east-1', { pageSize: 5 })) at.push(Date.now() - start);
      })();
      const settled = expect(done).rejects.toMatchObject({ code: 'RequestLimitExceeded' });
      await vi.advanceTimersByTimeAsync(3_000);
      await settled;
      expect(at).toEqual([0, 1_000]);
      expect(budget.rate('aws', 'acct', 'us-east-1', 'describe')).toBe(0.5);
    } finally {
      vi.useRealTimers();
    }
  });
});
