// What every provisioner gets to run with, and the one error a failed provisioner throws.
import type { FileSource } from '../communicator/types';
import type { LogStream } from '../runner/step';

export type ProvisionerLog = (line: string, stream?: LogStream) => void;

export interface ProvisionersContext {
  /** The run's signal: aborting it cancels the provisioner at once (the error is the signal's reason). */
  signal: AbortSignal;
  /**
   * One line of the build log. Pass a redacting log (the runner's StepContext.log does this):
   * script output may print anything. Provisioners themselves never log option values that
   * may carry secrets (environment_vars, the rendered execute_command).
   */
  log: ProvisionerLog;
  files: FileSource;
  buildName: string;
  buildType: string;
  /** The builder's generated data for `{{ build \`Key\` }}` (ID, Host, Port, User, SSHPrivateKey…). */
  buildData: Record<string, string>;
  /** Delay between `max_retries` attempts; default 1 s doubling up to 10 s (with jitter). */
  retryDelay?: { baseMs: number; capMs: number };
}

/** What one provisioner run sees: the context with the attempt's signal (timeout included) and its own label. */
export interface ProvisionerRunContext extends Omit<ProvisionersContext, 'retryDelay'> {
  /** e.g. "shell provisioner 2". */
  label: string;
  fail(reason: ProvisionerFailureReason, detail: string, extra?: { exitCode?: number | null; cause?: unknown; retryable?: boolean }): ProvisionerError;
}

export type ProvisionerFailureReason =
  | 'exit-code' // the script exited with a code outside valid_exit_codes
  | 'disconnected' // the connection dropped and expect_disconnect was not set
  | 'timeout' // `timeout` elapsed
  | 'transfer' // an upload or download failed
  | 'file' // a local file is missing or not allowed
  | 'config' // an option could not be rendered or makes no sense at run time
  | 'error'; // anything else (e.g. SSH could not reconnect)

/** A provisioner failed. `userMessage` (= `message`) is safe to show and never carries option values. */
export class ProvisionerError extends Error {
  /** 1-based position in this build's provisioner list (what the log headers count). */
  readonly position: number;
  /** Position in the template's "provisioners" array (for pointing at `$.provisioners[index]`). */
  readonly index: number;
  readonly type: 'shell' | 'file';
  readonly reason: ProvisionerFailureReason;
  /** For shell: the script's exit code; null when the connection dropped; undefined when it never ran. */
  readonly exitCode: number | null | undefined;
  /** Whether `max_retries` may try again (a missing local file or a bad option never improves). */
  readonly retryable: boolean;
  readonly userMessage: string;

  constructor(opts: {
    position: number;
    index: number;
    type: 'shell' | 'file';
    reason: ProvisionerFailureReason;
    detail: string;
    exitCode?: number | null;
    retryable?: boolean;
    cause?: unknown;
  }) {
    const userMessage = `${opts.type} provisioner ${opts.position} failed: ${opts.detail}`;
    super(userMessage, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ProvisionerError';
    this.position = opts.position;
    this.index = opts.index;
    this.type = opts.type;
    this.reason = opts.reason;
    this.exitCode = opts.exitCode;
    this.retryable = opts.retryable ?? !(opts.reason === 'file' || opts.reason === 'config');
    this.userMessage = userMessage;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, position: this.position, index: this.index, type: this.type, reason: this.reason, exitCode: this.exitCode };
  }
}

export const isProvisionerError = (err: unknown): err is ProvisionerError => err instanceof ProvisionerError;
