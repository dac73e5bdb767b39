// A CloudProvider that spends the shared ApiBudget before every call, so parallel runs queue
// on our side instead of being throttled by the cloud. Each method maps to one action class;
// a throttle that still comes back slows the bucket (budget.throttled) and the call is retried
// with a fresh token.
//
// Copy slots are NOT taken here: a slot must be held until the copy has finished, and
// copyImage returns as soon as the copy has started. The builder's copy step therefore wraps
// `copyImage` + its wait in `budget.acquireCopySlot(...)` / `release()` itself; this wrapper
// only charges the copy token bucket of the destination region.
//
// Token accounting is per provider method, which is per API request for all but a few
// composite calls (UCloud terminateHost stops, waits and terminates); those are charged once.
import { isThrottled } from '@/server/clouds/cloud-error';
import type { CallOptions, CloudProvider, ImagePage } from '@/server/clouds/provider';
import { exponentialBackoff, retry } from '@/server/lib/retry';
import type { ActionClass, ApiBudget } from './api-budget';

/** Account-level calls (DescribeRegions, connection test) are charged to this pseudo-region. */
export const GLOBAL_REGION = '*';

export interface BudgetedProviderOptions {
  /** Attempts per call when the cloud throttles despite the budget; default 4. */
  throttleTries?: number;
  /** First backoff after a throttle (equal jitter, doubling, capped at 20 s); default 1 s. */
  throttleDelayMs?: number;
}

export function withBudget(provider: CloudProvider, budget: ApiBudget, account: string, opts: BudgetedProviderOptions = {}): CloudProvider {
  const { cloud } = provider;
  const delay = exponentialBackoff({ baseMs: opts.throttleDelayMs ?? 1_000, capMs: 20_000 });

  const call = <T>(region: string, cls: ActionClass, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> =>
    retry(
      async () => {
        await budget.take(cloud, account, region, cls, signal);
        return fn();
      },
      {
        tries: opts.throttleTries ?? 4,
        shouldRetry: isThrottled,
        delay,
        signal,
        onRetry: () => budget.throttled(cloud, account, region, cls),
      },
    );

  const describe = <T>(region: string, o: CallOptions | undefined, fn: () => Promise<T>) => call(region, 'describe', o?.signal, fn);
  const mutate = <T>(region: string, o: CallOptions | undefined, fn: () => Promise<T>) => call(region, 'mutate', o?.signal, fn);

  return {
    cloud,
    testConnection: (o) => describe(GLOBAL_REGION, o, () => provider.testConnection(o)),
    listRegions: (o) => describe(GLOBAL_REGION, o, () => provider.listRegions(o)),
    listBaseImages: (region, o) => budgetedPages(provider.listBaseImages(region, o), () => budget.take(cloud, account, region, 'describe', o.signal), () => budget.throttled(cloud, account, region, 'describe')),
    describeImage: (region, imageId, o) => describe(region, o, () => provider.describeImage(region, imageId, o)),
    createImage: (req, o) => mutate(req.region, o, () => provider.createImage(req, o)),
    copyImage: (req, o) => call(req.targetRegion, 'copy', o?.signal, () => provider.copyImage(req, o)),
    deleteImage: (region, imageId, o) => mutate(region, o, () => provider.deleteImage(region, imageId, o)),
    createHost: (req, o) => mutate(req.region, o, () => provider.createHost(req, o)),
    describeHost: (region, hostId, o) => describe(region, o, () => provider.describeHost(region, hostId, o)),
    stopHost: (region, hostId, o) => mutate(region, o, () => provider.stopHost(region, hostId, o)),
    terminateHost: (region, hostId, o) => mutate(region, o, () => provider.terminateHost(region, hostId, o)),
    createKeyPair: (region, name, tags, o) => mutate(region, o, () => provider.createKeyPair(region, name, tags, o)),
    deleteKeyPair: (region, name, o) => mutate(region, o, () => provider.deleteKeyPair(region, name, o)),
    createFirewall: (req, o) => mutate(req.region, o, () => provider.createFirewall(req, o)),
    deleteFirewall: (region, firewallId, o) => mutate(region, o, () => provider.deleteFirewall(region, firewallId, o)),
    listPublicIps: (region, o) => describe(region, o, () => provider.listPublicIps(region, o)),
    releasePublicIp: (region, id, o) => mutate(region, o, () => provider.releasePublicIp(region, id, o)),
    allocatePublicIp: (req, o) => mutate(req.region, o, () => provider.allocatePublicIp(req, o)),
    bindPublicIp: (region, id, hostId, o) => mutate(region, o, () => provider.bindPublicIp(region, id, hostId, o)),
    // Several listing calls; charged once like the other composite calls.
    findResourcesByRunId: (region, runId, o) => describe(region, o, () => provider.findResourcesByRunId(region, runId, o)),
    tagResource: (region, resourceId, tags, o) => mutate(region, o, () => provider.tagResource(region, resourceId, tags, o)),
  };
}

/**
 * One token per page: taken before each `next()`, since each page is one listing request. A
 * throttled page cannot be retried here — the inner iterator is finished once it has thrown —
 * so the bucket is slowed and the error passes to the caller (an inventory sync retries it).
 */
function budgetedPages(inner: AsyncIterable<ImagePage>, take: () => Promise<void>, throttled: () => void): AsyncIterable<ImagePage> {
  return {
    async *[Symbol.asyncIterator]() {
      const it = inner[Symbol.asyncIterator]();
      try {
        for (;;) {
          await take();
          let next: IteratorResult<ImagePage>;
          try {
            next = await it.next();
          } catch (err) {
            if (isThrottled(err)) throttled();
            throw err;
          }
          if (next.done) return;
          yield next.value;
        }
      } finally {
        // Stop the inner generator if our caller broke out early.
        await it.return?.();
      }
    },
  };
}
