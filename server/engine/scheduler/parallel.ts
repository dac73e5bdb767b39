// Runs work items (builds of a matrix, copies to regions) with a concurrency limit. Every item
// gets its own AbortController linked to the parent signal, so one item can be stopped without
// the others — and with failFast the first failure stops its siblings. runParallel always waits
// for the items in flight to settle, so their cleanups have run when it returns.

export type ParallelOutcome<R> =
  | { status: 'fulfilled'; value: R }
  | { status: 'rejected'; reason: unknown }
  /** Never started: the parent was aborted, or failFast stopped the batch first. */
  | { status: 'skipped' };

export interface ParallelOptions {
  signal?: AbortSignal;
  /** Abort the siblings' signals at the first failure and start no more items. */
  failFast?: boolean;
}

export interface ItemContext {
  signal: AbortSignal;
  index: number;
}

/** The reason siblings are aborted with under failFast; `cause` is the first failure. */
export class SiblingFailedError extends Error {
  constructor(readonly index: number, cause: unknown) {
    super(`item ${index} failed; stopping its siblings`, { cause });
    this.name = 'SiblingFailedError';
  }
}

/** Outcomes in input order. `limit` 0 (or ≥ items) runs all at once. Never rejects. */
export async function runParallel<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, ctx: ItemContext) => Promise<R>,
  opts: ParallelOptions = {},
): Promise<ParallelOutcome<R>[]> {
  const outcomes: ParallelOutcome<R>[] = items.map(() => ({ status: 'skipped' }));
  const active = new Set<AbortController>();
  let hasStopped = false; // no new item may start

  const stopAll = (reason: unknown) => {
    hasStopped = true;
    for (const c of active) c.abort(reason);
  };
  const onParentAbort = () => stopAll(opts.signal?.reason);
  if (opts.signal?.aborted) return outcomes;
  opts.signal?.addEventListener('abort', onParentAbort, { once: true });

  let next = 0;
  const worker = async () => {
    while (next < items.length && !hasStopped) {
      const index = next++;
      const controller = new AbortController();
      active.add(controller);
      try {
        outcomes[index] = { status: 'fulfilled', value: await fn(items[index]!, { signal: controller.signal, index }) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
        if (opts.failFast && !hasStopped) stopAll(new SiblingFailedError(index, reason));
      } finally {
        active.delete(controller);
      }
    }
  };

  const width = limit > 0 ? Math.min(limit, items.length) : items.length;
  try {
    await Promise.all(Array.from({ length: width }, worker));
  } finally {
    opts.signal?.removeEventListener('abort', onParentAbort);
  }
  return outcomes;
}
