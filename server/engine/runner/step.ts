// A build step, after Packer's multistep, typed (STYLE.md "The step runner"). Resolving `run`
// continues the run; throwing (a StepError, or anything the runner wraps into one) halts it.
import type { ArtifactInfo, ResourceRef, TrackedResource } from './reporter';

export type LogStream = 'stdout' | 'stderr' | 'info';
export type CleanupOutcome = 'succeeded' | 'halted' | 'cancelled';

/**
 * What a step reports about the cloud. The runner binds it to the run and the step, so a step
 * only says what it made: call `resourceCreated` the moment the create call returns, BEFORE
 * waiting for the resource (a failed wait must still leave the id in the ledger).
 */
export interface StepReporter {
  resourceCreated(resource: TrackedResource): void;
  resourceDeleted(resource: ResourceRef): void;
  artifact(artifact: ArtifactInfo): void;
}

export interface StepContext {
  /** Aborted when the run is cancelled. Pass it to every cloud call and wait. */
  signal: AbortSignal;
  /** One line of the run log, tagged with the step; secrets are redacted by the runner. */
  log: (line: string, stream?: LogStream) => void;
  reporter: StepReporter;
}

export interface CleanupContext extends StepContext {
  /** How the run ended; only the artifact's cleanup should care (the image is kept on success). */
  outcome: CleanupOutcome;
  // `signal` here is a FRESH timeout signal made for this cleanup, never the run's (possibly
  // cancelled) one — a cancelled build must still delete what it made.
}

export interface Step<S> {
  /** kebab-case, e.g. 'create-host'. */
  name: string;
  run(state: S, ctx: StepContext): Promise<void>;
  /** Runs when `run` was entered (even if it threw or was cancelled). Must be idempotent: NotFound means done. */
  cleanup?(state: S, ctx: CleanupContext): Promise<void>;
}

/** The one error a step halts a run with. `message` may carry internals; `userMessage` is safe to show. */
export class StepError extends Error {
  readonly step: string;
  override readonly cause: unknown;
  readonly userMessage: string;

  constructor(step: string, userMessage: string, opts: { cause?: unknown; message?: string } = {}) {
    super(opts.message ?? userMessage, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'StepError';
    this.step = step;
    this.cause = opts.cause;
    this.userMessage = userMessage;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, step: this.step, message: this.message, userMessage: this.userMessage };
  }
}

export const isStepError = (err: unknown): err is StepError => err instanceof StepError;
