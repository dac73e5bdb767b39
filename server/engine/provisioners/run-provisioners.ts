// Runs a build's provisioners in order over one communicator, with the options every
// provisioner has: `pause_before` (once, abort-aware), then up to 1 + `max_retries` attempts,
// each bounded by `timeout`. A cancel (the run's signal) always wins and is rethrown as the
// signal's reason; every other failure becomes a ProvisionerError.
import { exponentialBackoff, retry, sleep } from '@/server/lib/retry';
import type { Communicator } from '../communicator/types';
import { formatDuration } from '../communicator/ssh';
import type { ResolvedProvisioner } from '../template/check-template';
import { goDurationSeconds } from '../template/go-time';
import { interpolate } from '../template/interpolate';
import { runFileProvisioner } from './file';
import { FileSourceError } from './file-source';
import { runShellProvisioner } from './shell';
import { ProvisionerError, type ProvisionerFailureReason, type ProvisionerRunContext, type ProvisionersContext } from './types';

export { ProvisionerError, isProvisionerError, type ProvisionersContext, type ProvisionerFailureReason } from './types';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function runProvisioners(comm: Communicator, provisioners: readonly ResolvedProvisioner[], ctx: ProvisionersContext): Promise<void> {
  const total = provisioners.length;
  for (const [i, p] of provisioners.entries()) {
    ctx.signal.throwIfAborted();
    const position = i + 1;
    const label = `${p.type} provisioner ${position}`;
    const fail = (reason: ProvisionerFailureReason, detail: string, extra: { exitCode?: number | null; cause?: unknown; retryable?: boolean } = {}) =>
      new ProvisionerError({ position, index: p.index, type: p.type, reason, detail, ...extra });

    const resolved = renderBuildData(p, ctx, label, fail);
    ctx.log(`==> ${label}/${total}: ${describe(resolved)}`, 'info');

    const pauseMs = durationMs(resolved.config.pause_before);
    if (pauseMs > 0) {
      ctx.log(`Pausing ${formatDuration(pauseMs)} before ${label}`, 'info');
      await sleep(pauseMs, ctx.signal);
    }

    const timeoutMs = durationMs(resolved.config.timeout);
    const tries = resolved.config.max_retries + 1;
    await retry(
      async (attempt) => {
        if (attempt > 1) ctx.log(`Retrying ${label} (attempt ${attempt} of ${tries})`, 'info');
        const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
        const signal = timeout ? AbortSignal.any([ctx.signal, timeout]) : ctx.signal;
        const run: ProvisionerRunContext = { signal, log: ctx.log, files: ctx.files, buildName: ctx.buildName, buildType: ctx.buildType, buildData: ctx.buildData, label, fail };
        try {
          if (resolved.type === 'shell') await runShellProvisioner(comm, resolved.config, run);
          else await runFileProvisioner(comm, resolved.config, run);
        } catch (err) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          if (timeout?.aborted) throw fail('timeout', `timed out after ${formatDuration(timeoutMs)}`, { cause: err });
          if (err instanceof ProvisionerError) throw err;
          if (err instanceof FileSourceError) throw fail('file', err.message, { cause: err });
          throw fail('error', messageOf(err), { cause: err });
        }
      },
      {
        tries,
        signal: ctx.signal,
        shouldRetry: (err) => err instanceof ProvisionerError && err.retryable,
        delay: exponentialBackoff(ctx.retryDelay ?? { baseMs: 1000, capMs: 10_000 }),
        onRetry: ({ attempt, delayMs, error }) => ctx.log(`${messageOf(error)} (attempt ${attempt} of ${tries}); retrying in ${formatDuration(delayMs)}`, 'info'),
      },
    );

    const pauseAfterMs = resolved.type === 'shell' ? durationMs(resolved.config.pause_after) : 0;
    if (pauseAfterMs > 0) {
      ctx.log(`Pausing ${formatDuration(pauseAfterMs)} after ${label}`, 'info');
      await sleep(pauseAfterMs, ctx.signal);
    }
  }
}

function durationMs(value: string | undefined): number {
  return value === undefined ? 0 : Math.max(0, Math.round(goDurationSeconds(value) * 1000));
}

/** The header line's summary; never option values that could hold secrets. */
function describe(p: ResolvedProvisioner): string {
  if (p.type === 'shell') {
    const c = p.config;
    if (c.inline !== undefined) return `inline script (${c.inline.length} line${c.inline.length === 1 ? '' : 's'})`;
    if (c.script !== undefined) return `script ${c.script}`;
    const scripts = c.scripts ?? [];
    return `${scripts.length} script${scripts.length === 1 ? '' : 's'} (${scripts.join(', ')})`;
  }
  const c = p.config;
  const sources = c.sources ?? (c.source !== undefined ? [c.source] : []);
  if (c.direction === 'download') return `download ${sources.join(', ')} => ${c.destination}`;
  if (c.content !== undefined) return `upload content => ${c.destination}`;
  return `upload ${sources.join(', ')} => ${c.destination}`;
}

/**
 * The template check renders everything but `{{ build \`Key\` }}` (known once the host exists)
 * and execute_command's `{{ .Path }}`/`{{ .Vars }}`/`{{ .EnvVarFile }}` (the shell provisioner
 * renders those per script). This finishes the former. Only strings that still call `build` are
 * touched, so text that the check already rendered (a literal "{{" included) stays as it is.
 */
function renderBuildData(
  p: ResolvedProvisioner,
  ctx: ProvisionersContext,
  label: string,
  fail: (reason: ProvisionerFailureReason, detail: string, extra?: { retryable?: boolean }) => ProvisionerError,
): ResolvedProvisioner {
  const render = (value: unknown, where: string): unknown => {
    if (typeof value === 'string') {
      if (!/\{\{[^}]*\bbuild\b/.test(value)) return value;
      const out = interpolate(value, { where: `${label} "${where}"`, buildTime: new Date(), buildName: ctx.buildName, buildType: ctx.buildType, buildData: ctx.buildData });
      if (out.errors.length > 0) throw fail('config', `"${where}" could not be rendered: ${out.errors[0]?.message ?? ''}`, { retryable: false });
      return out.value;
    }
    if (Array.isArray(value)) return value.map((v, i) => render(v, `${where}[${i}]`));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, where === '' ? k : `${where}.${k}`)]));
    }
    return value;
  };
  const { execute_command: executeCommand, ...rest } = p.config as Record<string, unknown>;
  const config = render(rest, '') as Record<string, unknown>;
  if (executeCommand !== undefined) config['execute_command'] = executeCommand;
  return { ...p, config } as ResolvedProvisioner;
}
