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
// Token accounting is per API request where the provider reports each request it sends
// (CallOptions.beforeRequest: the EC2 and UCloud providers do, SDK and client retries included),
// else per provider method — which undercounts composite calls (UCloud terminateHost stops,
// waits and terminates).
import { isCloudApiError, isThrottled } from '@/server/clouds/cloud-error';
import type { CallOptions, CloudProvider, ImagePage } from '@/server/clouds/provider';
import { exponentialBackoff, retry } from '@/server/lib/retry';
import type { ActionClass, ApiBudget } from './api-budget';

/** The budget class of a vendor action, by its name (EC2 and UCloud name reads Describe…/Get…). */
export function actionClassOf(action: string): ActionClass {
  if (/^(Describe|Get|List)/.test(action)) return 'describe';
  if (/^Copy(Image|CustomImage)$/.test(action)) return 'copy';
  return 'mutate';
}

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

  /**
   * A provider that reports its requests (CallOptions.beforeRequest, once per request and per
   * SDK retry) is charged exactly that: one token of each request's class, taken just before it
   * is sent — never early, so a token is spent while its lease holds. Any other provider is
   * charged one token of the method's class per method.
   */
  const call = <T>(region: string, cls: ActionClass, o: CallOptions | undefined, fn: (o: CallOptions) => Promise<T>): Promise<T> =>
    retry(
      async () => {
        if (!provider.reportsRequests) {
          await budget.take(cloud, account, region, cls, o?.signal);
          return fn({ ...o });
        }
        const beforeRequest = (action: string, requestRegion: string) => budget.take(cloud, account, requestRegion || region, actionClassOf(action), o?.signal);
        return fn({ ...o, beforeRequest });
      },
      {
        tries: opts.throttleTries ?? 4,
        shouldRetry: isThrottled,
        delay,
        signal: o?.signal,
        // Slow the bucket of the request that was throttled (a composite call's may differ from its method's).
        onRetry: ({ error }) => budget.throttled(cloud, account, region, provider.reportsRequests && isCloudApiError(error) ? actionClassOf(error.action) : cls),
      },
    );

  const describe = <T>(region: string, o: CallOptions | undefined, fn: (o: CallOptions) => Promise<T>) => call(region, 'describe', o, fn);
  const mutate = <T>(region: string, o: CallOptions | undefined, fn: (o: CallOptions) => Promise<T>) => call(region, 'mutate', o, fn);

  return {
    cloud,
    testConnection: (o) => describe(GLOBAL_REGION, o, (x) => provider.testConnection(x)),
    listRegions: (o) => describe(GLOBAL_REGION, o, (x) => provider.listRegions(x)),
    listBaseImages: (region, o) => budgetedPages(provider.listBaseImages(region, o), () => budget.take(cloud, account, region, 'describe', o.signal), () => budget.throttled(cloud, account, region, 'describe')),
    describeImage: (region, imageId, o) => describe(region, o, (x) => provider.describeImage(region, imageId, x)),
    createImage: (req, o) => mutate(req.region, o, (x) => provider.createImage(req, x)),
    copyImage: (req, o) => call(req.targetRegion, 'copy', o, (x) => provider.copyImage(req, x)),
    deleteImage: (region, imageId, o) => mutate(region, o, (x) => provider.deleteImage(region, imageId, x)),
    createHost: (req, o) => mutate(req.region, o, (x) => provider.createHost(req, x)),
    describeHost: (region, hostId, o) => describe(region, o, (x) => provider.describeHost(region, hostId, x)),
    stopHost: (region, hostId, o) => mutate(region, o, (x) => provider.stopHost(region, hostId, x)),
    terminateHost: (region, hostId, o) => mutate(region, o, (x) => provider.terminateHost(region, hostId, x)),
    createKeyPair: (region, name, tags, o) => mutate(region, o, (x) => provider.createKeyPair(region, name, tags, x)),
    deleteKeyPair: (region, name, o) => mutate(region, o, (x) => provider.deleteKeyPair(region, name, x)),
    createFirewall: (req, o) => mutate(req.region, o, (x) => provider.createFirewall(req, x)),
    deleteFirewall: (region, firewallId, o) => mutate(region, o, (x) => provider.deleteFirewall(region, firewallId, x)),
    listPublicIps: (region, o) => describe(region, o, (x) => provider.listPublicIps(region, x)),
    releasePublicIp: (region, id, o) => mutate(region, o, (x) => provider.releasePublicIp(region, id, x)),
    allocatePublicIp: (req, o) => mutate(req.region, o, (x) => provider.allocatePublicIp(req, x)),
    bindPublicIp: (region, id, hostId, o) => mutate(region, o, (x) => provider.bindPublicIp(region, id, hostId, x)),
    // Several listing calls: charged per request where the provider reports them.
    findResourcesByRunId: (region, runId, o) => describe(region, o, (x) => provider.findResourcesByRunId(region, runId, x)),
    tagResource: (region, resourceId, tags, o) => mutate(region, o, (x) => provider.tagResource(region, resourceId, tags, x)),
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
