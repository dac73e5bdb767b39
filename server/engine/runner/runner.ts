// The step runner (STYLE.md "The step runner (Packer's multistep, typed)"): runs steps in order
// over one typed state; on halt or cancel, cleans up — in reverse — every step that was entered.
import { exponentialBackoff, retry } from '@/server/lib/retry';
import {
  ResourceLedger,
  redactor,
  type Redactor,
  type ReportedError,
  type Reporter,
  type RunEvent,
  type RunStatus,
  type StepPhase,
  type TrackedResource,
} from './reporter';
import { StepError, isStepError, type CleanupContext, type CleanupOutcome, type LogStream, type Step, type StepContext, type StepReporter } from './step';

export interface RunOptions {
  runId: string;
  reporter: Reporter;
  /** Cancels the run. Steps see it; cleanups never do (they get their own timeout signals). */
  signal?: AbortSignal;
  /** 'cleanup' (default) cleans up after a failure; 'abort' leaves everything for debugging (Packer's -on-error=abort). A cancel always cleans up. */
  onError?: 'cleanup' | 'abort';
  /** Time budget of each step's cleanup, all its attempts included. Default 10 minutes. */
  cleanupTimeoutMs?: number;
  /** Attempts per cleanup; default 3. */
  cleanupTries?: number;
  /** First backoff between cleanup attempts (doubles, capped at 30 s); default 2 s. */
  cleanupRetryDelayMs?: number;
  /** Strings (passwords, private keys, API secrets) that must never reach a log line or stored error. */
  secrets?: readonly string[];
}

export interface CleanupResult {
  step: string;
  ok: boolean;
  error?: string;
}

export interface RunResult {
  status: RunStatus;
  /** Set when the run failed or was cancelled; `step` names the step that halted or was running. */
  error?: StepError;
  cleanup: CleanupResult[];
  /** Resources created and neither deleted nor kept as artifacts: set after `onError: 'abort'` or failed cleanups. */
  leftResources?: TrackedResource[];
}

const DEFAULT_CLEANUP_TIMEOUT_MS = 10 * 60_000;

export async function runSteps<S>(steps: readonly Step<S>[], state: S, opts: RunOptions): Promise<RunResult> {
  const { runId } = opts;
  const signal = opts.signal ?? new AbortController().signal;
  const redact = redactor(opts.secrets ?? []);
  const ledger = new ResourceLedger();
  const emit = (event: RunEvent) => {
    ledger.observe(event);
    try {
      opts.reporter.emit(event);
    } catch {
      // A broken log sink must not stop the run halfway: that would skip the cleanups and leak
      // resources. The ledger above still has what was created.
    }
  };
  const now = () => Date.now();

  emit({ type: 'run-started', runId, at: now(), steps: steps.map((s) => s.name) });

  // Recorded BEFORE `run` is awaited: the step that throws, or that is running when the cancel
  // arrives, may already have created something, so it gets its cleanup too.
  const entered: Step<S>[] = [];
  let status: RunStatus = 'succeeded';
  let error: StepError | undefined;

  for (const step of steps) {
    if (signal.aborted) {
      status = 'cancelled';
      error = cancelledError(step.name, signal.reason);
      break;
    }
    entered.push(step);
    const ctx: StepContext = { signal, ...bindStep(step.name, 'run', runId, emit, redact) };
    const started = now();
    emit({ type: 'step-started', runId, at: started, step: step.name, phase: 'run' });
    try {
      await untilAborted(step.run(state, ctx), signal);
      emit({ type: 'step-finished', runId, at: now(), step: step.name, phase: 'run', durationMs: now() - started, ok: true });
    } catch (err) {
      if (signal.aborted) {
        status = 'cancelled';
        error = cancelledError(step.name, signal.reason);
      } else {
        status = 'failed';
        error = redactError(toStepError(step.name, err), redact);
      }
      emit({ type: 'step-finished', runId, at: now(), step: step.name, phase: 'run', durationMs: now() - started, ok: false, error: reported(error, redact) });
      break;
    }
  }

  const outcome: CleanupOutcome = status === 'succeeded' ? 'succeeded' : status === 'failed' ? 'halted' : 'cancelled';
  const cleanup: CleanupResult[] = [];
  const skipCleanup = status === 'failed' && opts.onError === 'abort';

  if (!skipCleanup) {
    for (const step of [...entered].reverse()) {
      if (!step.cleanup) continue;
      cleanup.push(await runCleanup(step, state, outcome, opts, emit, redact));
    }
  }

  const left = ledger.left();
  const leftResources = left.length > 0 ? left : undefined;
  emit({ type: 'run-finished', runId, at: now(), status, error: error && reported(error, redact), leftResources });
  return { status, error, cleanup, leftResources };
}

async function runCleanup<S>(
  step: Step<S>,
  state: S,
  outcome: CleanupOutcome,
  opts: RunOptions,
  emit: (event: RunEvent) => void,
  redact: Redactor,
): Promise<CleanupResult> {
  const { runId } = opts;
  // A fresh signal per cleanup, never the run's: after a cancel the run's signal is aborted,
  // and the cleanup must still get to delete things.
  const signal = AbortSignal.timeout(opts.cleanupTimeoutMs ?? DEFAULT_CLEANUP_TIMEOUT_MS);
  const bound = bindStep(step.name, 'cleanup', runId, emit, redact);
  const ctx: CleanupContext = { signal, outcome, ...bound };
  const started = Date.now();
  emit({ type: 'step-started', runId, at: started, step: step.name, phase: 'cleanup', outcome });
  try {
    await retry(() => untilAborted(step.cleanup!(state, ctx), signal), {
      tries: opts.cleanupTries ?? 3,
      delay: exponentialBackoff({ baseMs: opts.cleanupRetryDelayMs ?? 2_000, capMs: 30_000 }),
      signal,
      onRetry: ({ attempt, delayMs, error }) =>
        bound.log(`cleanup attempt ${attempt} failed: ${messageOf(error)}; retrying in ${Math.round(delayMs)} ms`, 'stderr'),
    });
    emit({ type: 'step-finished', runId, at: Date.now(), step: step.name, phase: 'cleanup', durationMs: Date.now() - started, ok: true });
    return { step: step.name, ok: true };
  } catch (err) {
    const message = redact(signal.aborted ? `cleanup timed out: ${messageOf(err)}` : messageOf(err));
    // Logged and recorded, never rethrown: one failed cleanup must not stop the others.
    bound.log(`cleanup failed: ${message}`, 'stderr');
    emit({ type: 'step-finished', runId, at: Date.now(), step: step.name, phase: 'cleanup', durationMs: Date.now() - started, ok: false, error: { message, step: step.name } });
    return { step: step.name, ok: false, error: message };
  }
}

/** The log function and step reporter of one step, stamped with the run, step and phase. */
function bindStep(
  step: string,
  phase: StepPhase,
  runId: string,
  emit: (event: RunEvent) => void,
  redact: Redactor,
): { log: StepContext['log']; reporter: StepReporter } {
  const log = (line: string, stream: LogStream = 'info') => emit({ type: 'log', runId, at: Date.now(), step, phase, stream, text: redact(line) });
  const reporter: StepReporter = {
    resourceCreated: (r) => emit({ type: 'resource-created', runId, at: Date.now(), step, kind: r.kind, id: r.id, region: r.region, tags: { ...r.tags } }),
    resourceDeleted: (r) => emit({ type: 'resource-deleted', runId, at: Date.now(), step, kind: r.kind, id: r.id, region: r.region }),
    artifact: (a) => emit({ ...a, type: 'artifact', runId, at: Date.now(), step }),
  };
  return { log, reporter };
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts. A step that
 * ignores its signal cannot hold a cancelled run forever: we stop waiting and go on to the
 * cleanups. Its promise is left to settle on its own (JS cannot kill it); a late rejection is
 * swallowed here so it does not surface as an unhandled rejection, and a late resource it
 * creates is still reported to the ledger for the reaper.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function toStepError(step: string, err: unknown): StepError {
  if (isStepError(err)) return err;
  const userMessage = hasUserMessage(err) ? err.userMessage : messageOf(err);
  return new StepError(step, userMessage, { cause: err, message: `${step}: ${messageOf(err)}` });
}

/** The returned error may be stored or shown by the caller, so its texts are redacted too (its `cause` is kept for debugging and not persisted). */
function redactError(err: StepError, redact: Redactor): StepError {
  const message = redact(err.message);
  const userMessage = redact(err.userMessage);
  if (message === err.message && userMessage === err.userMessage) return err;
  return new StepError(err.step, userMessage, { cause: err.cause, message });
}

function cancelledError(step: string, reason: unknown): StepError {
  return new StepError(step, 'The run was cancelled.', { cause: reason, message: `cancelled during ${step}` });
}

function reported(err: StepError, redact: Redactor): ReportedError {
  return { message: redact(err.message), userMessage: redact(err.userMessage), step: err.step };
}

function hasUserMessage(err: unknown): err is { userMessage: string } {
  return typeof err === 'object' && err !== null && typeof (err as { userMessage?: unknown }).userMessage === 'string';
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
