// The one cancellable retry loop (STYLE.md): cloud clients use it for transient failures,
// the engine for its waits. Cancellation always wins: an abort during a delay rejects at
// once with the signal's reason, so a cancelled build never sits out a backoff.

export interface RetryOptions {
  /** Total attempts, at least 1. `Infinity` polls until `shouldRetry` says no or the signal fires. */
  tries: number;
  /** Whether the failure of attempt `attempt` (1-based) is worth another try. Default: always. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Milliseconds to wait after failed attempt `attempt` (1-based). */
  delay: number | ((attempt: number, error: unknown) => number);
  signal?: AbortSignal;
  /** Called before each delay; for logging. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const tries = Math.max(1, opts.tries);
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      // An abort surfacing from inside `fn` is the caller's cancel, never a failure to retry.
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (attempt >= tries || (opts.shouldRetry && !opts.shouldRetry(error, attempt))) throw error;
      const delayMs = typeof opts.delay === 'function' ? opts.delay(attempt, error) : opts.delay;
      opts.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, opts.signal);
    }
  }
}

/** Resolves after `ms`; rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  factor?: number;
  /** Injected in tests; defaults to Math.random. */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so concurrent
 * callers that were throttled together spread out without any of them retrying immediately.
 */
export function exponentialBackoff({ baseMs, capMs, factor = 2, random = Math.random }: BackoffOptions) {
  return (attempt: number): number => {
    const step = Math.min(capMs, baseMs * factor ** Math.max(0, attempt - 1));
    return Math.round(step / 2 + random() * (step / 2));
  };
}
