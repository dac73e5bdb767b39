// The engine's waits: one cancellable poll loop over retry() with Packer's growing delays and an
// overall deadline. `check` returns a value when done, `undefined` to keep waiting, or throws a
// StepError to fail at once (a host that failed to start, a copy that ended failed).
import { retry } from '@/server/lib/retry';
import { isCloudApiError } from '@/server/clouds/cloud-error';
import { StepError } from '../../runner/step';

class NotYet extends Error {
  constructor(readonly last: string) {
    super(`not yet: ${last}`);
  }
}

export interface WaitOptions {
  step: string;
  /** For messages: "host uhost-1 to run". */
  what: string;
  signal: AbortSignal;
  timeoutMs: number;
  pollMs: number;
  log?: (line: string) => void;
}

export async function waitFor<T>(check: () => Promise<{ done: true; value: T } | { done: false; state: string }>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'unknown';
  let logged = '';
  try {
    return await retry(
      async () => {
        const r = await check();
        if (r.done) return r.value;
        last = r.state;
        if (last !== logged && opts.log) opts.log(`waiting for ${opts.what}: ${last}`);
        logged = last;
        throw new NotYet(last);
      },
      {
        tries: Infinity,
        signal: opts.signal,
        // Packer's: 2, 4, 6… capped; a transient cloud error is polled again as well.
        delay: (attempt) => Math.min(opts.pollMs * 6, opts.pollMs * attempt),
        shouldRetry: (err) => Date.now() < deadline && (err instanceof NotYet || (isCloudApiError(err) && err.retryable)),
      },
    );
  } catch (err) {
    if (err instanceof NotYet) {
      throw new StepError(opts.step, `Timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${opts.what} (last state: ${err.last}).`);
    }
    throw err;
  }
}
