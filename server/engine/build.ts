// The engine's entry point: builds the builds of a resolved template (in parallel, each its own
// run with its own run id), and redoes image copies. Everything is reported through the injected
// reporter; nothing here touches the database (a job turns events into rows).
import { randomBytes, randomUUID } from 'node:crypto';
import { createProvider } from '@/server/clouds';
import type { CloudCredentials, CloudKind } from '@/server/clouds/provider';
import { artifactId, artifactString, type BuilderType } from './artifact';
import { prepareAmazonEbs } from './builders/amazon-ebs/builder';
import { copyToRegions } from './builders/common/copy';
import { messageOf } from './builders/common/names';
import { DEFAULT_TIMING, type BuildEnv, type CopyFailure, type EngineTiming, type HostBuildState, type PreparedBuild, type ProducedImage } from './builders/common/types';
import { prepareUcloudUhost } from './builders/ucloud-uhost/builder';
import type { FileSource } from './communicator/types';
import { writeManifest } from './post-processors/manifest';
import type { Reporter, RunStatus, TrackedResource } from './runner/reporter';
import { runSteps } from './runner/runner';
import { StepError, type Step } from './runner/step';
import { ApiBudget } from './scheduler/api-budget';
import { withBudget } from './scheduler/budgeted-provider';
import { SiblingFailedError, runParallel } from './scheduler/parallel';
import type { ResolvedBuild, ResolvedTemplate } from './template/check-template';

export interface BuildArtifact {
  /** Packer's artifact id (ucloud `project:region:image,…`; aws `region:ami,…`). */
  id: string;
  /** Packer's artifact String(). */
  text: string;
  images: ProducedImage[];
  copyFailures: CopyFailure[];
}

export interface BuildError {
  message: string;
  userMessage: string;
  step?: string;
}

export interface BuildResult {
  name: string;
  type: BuilderType;
  runId: string;
  status: RunStatus;
  error?: BuildError;
  artifact?: BuildArtifact;
  leftResources?: TrackedResource[];
}

export interface BuildTemplateOptions {
  template: ResolvedTemplate;
  /** The (decrypted) credentials of the account a cloud's builds run with. */
  credentials: (cloud: CloudKind) => CloudCredentials;
  only?: string[];
  except?: string[];
  /** Builds at once; 0 = all. */
  parallelBuilds?: number;
  onError?: 'cleanup' | 'abort';
  /** The first failed build cancels the others. */
  failFast?: boolean;
  signal?: AbortSignal;
  reporter: Reporter;
  files: FileSource;
  budget?: ApiBudget;
  /** SSH port used when a template sets no `ssh_port` (the sandbox's shared port). */
  sshPortOverride?: number;
  runIdPrefix?: string;
  timing?: Partial<EngineTiming>;
  /** Called once per build as its run starts (the CLI labels events by build name with it). */
  onBuildStarted?: (build: { name: string; type: BuilderType; runId: string }) => void;
  /** Per-cleanup time budget and first retry delay (the runner's defaults: 10 min, 2 s). */
  cleanupTimeoutMs?: number;
  cleanupRetryDelayMs?: number;
}

export function newRunId(prefix = 'run'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Which builds `only`/`except` select (Packer's -only/-except; names, or types for unnamed builders). */
export function selectBuilds(builds: readonly ResolvedBuild[], only?: string[], except?: string[]): ResolvedBuild[] {
  return builds.filter((b) => (only && only.length > 0 ? only.includes(b.name) : true) && !(except ?? []).includes(b.name));
}

export async function buildTemplate(opts: BuildTemplateOptions): Promise<BuildResult[]> {
  const budget = opts.budget ?? new ApiBudget();
  const timing: EngineTiming = { ...DEFAULT_TIMING, ...opts.timing };
  const builds = selectBuilds(opts.template.builds, opts.only, opts.except);
  const runUuid = randomUUID();
  const runIds = builds.map(() => newRunId(opts.runIdPrefix));

  const outcomes = await runParallel(
    builds,
    opts.parallelBuilds ?? 0,
    async (build, { signal, index }) => {
      const result = await runBuild(build, runIds[index]!, signal);
      if (opts.failFast && result.status === 'failed') throw new FailedBuild(result);
      return result;
    },
    { signal: opts.signal, failFast: opts.failFast },
  );

  return outcomes.map((o, i): BuildResult => {
    const build = builds[i]!;
    if (o.status === 'fulfilled') return o.value;
    if (o.status === 'rejected' && o.reason instanceof FailedBuild) return o.reason.result;
    const base = { name: build.name, type: build.type, runId: runIds[i]! };
    if (o.status === 'rejected') return { ...base, status: 'failed', error: { message: messageOf(o.reason), userMessage: messageOf(o.reason) } };
    const why = opts.signal?.aborted ? 'The run was cancelled before it started.' : 'Not started: another build failed (fail-fast).';
    return { ...base, status: 'cancelled', error: { message: why, userMessage: why } };
  });

  async function runBuild(build: ResolvedBuild, runId: string, signal: AbortSignal): Promise<BuildResult> {
    const credentials = opts.credentials(build.cloud);
    const provider = withBudget(createProvider(credentials, { pollIntervalMs: timing.pollMs, waitTimeoutMs: timing.hostTimeoutMs }), budget, credentials.keyId);
    const env: BuildEnv = {
      runId,
      buildName: build.name,
      buildType: build.type,
      provider,
      budget,
      account: credentials.keyId,
      projectId: credentials.projectId,
      files: opts.files,
      provisioners: build.provisioners,
      sshPortOverride: opts.sshPortOverride,
      timing,
      buildTime: opts.template.buildTime,
    };
    const prepared: PreparedBuild = build.type === 'ucloud-uhost' ? (prepareUcloudUhost(env, build.config) as unknown as PreparedBuild) : (prepareAmazonEbs(env, build.config) as unknown as PreparedBuild);
    opts.onBuildStarted?.({ name: build.name, type: build.type, runId });
    const run = await runSteps(prepared.steps, prepared.state, {
      runId,
      reporter: opts.reporter,
      signal,
      onError: opts.onError,
      secrets: [...opts.template.secrets, credentials.secret, ...prepared.secrets],
      ...(opts.cleanupTimeoutMs !== undefined ? { cleanupTimeoutMs: opts.cleanupTimeoutMs } : {}),
      ...(opts.cleanupRetryDelayMs !== undefined ? { cleanupRetryDelayMs: opts.cleanupRetryDelayMs } : {}),
    });
    const result: BuildResult = { name: build.name, type: build.type, runId, status: run.status };
    if (run.error) result.error = describeError(run.error, signal);
    if (run.leftResources) result.leftResources = run.leftResources;
    if (run.status === 'succeeded') {
      const images = prepared.images(prepared.state);
      result.artifact = { id: artifactId(build.type, images), text: artifactString(build.type, images), images, copyFailures: prepared.state.copyFailures };
      await postProcess(build, result, runUuid).catch((err: unknown) => {
        // Packer fails the build when a post-processor fails; the images are kept either way.
        result.status = 'failed';
        result.error = { message: `post-processor: ${messageOf(err)}`, userMessage: `The manifest could not be written: ${messageOf(err)}`, step: 'post-process' };
      });
    }
    return result;
  }

  async function postProcess(build: ResolvedBuild, result: BuildResult, uuid: string): Promise<void> {
    for (const sequence of build.postProcessors) {
      for (const pp of sequence) {
        if (pp.type === 'manifest' && result.artifact) {
          await writeManifest(opts.files, pp.config, { name: build.name, builderType: build.type, artifactId: result.artifact.id, runUuid: uuid, at: new Date() });
        }
      }
    }
  }
}

class FailedBuild extends Error {
  constructor(readonly result: BuildResult) {
    super(result.error?.message ?? 'build failed');
  }
}

function describeError(err: StepError, signal: AbortSignal): BuildError {
  if (signal.reason instanceof SiblingFailedError) {
    const why = 'Cancelled because another build failed (fail-fast).';
    return { message: `${err.message}: ${why}`, userMessage: why, step: err.step };
  }
  return { message: err.message, userMessage: err.userMessage, step: err.step };
}

// ---- redo copies ---------------------------------------------------------------------------------

export interface CopyImageOptions {
  cloud: CloudKind;
  credentials: CloudCredentials;
  from: { region: string; imageId: string };
  to: string[];
  signal?: AbortSignal;
  reporter: Reporter;
  budget?: ApiBudget;
  runIdPrefix?: string;
  /** The run id to tag the copies with (the caller records it before anything is created); default: a new one. */
  runId?: string;
  /** Tags of the copies besides the run id (the build copies with the template's image tags). */
  tags?: Record<string, string>;
  /** Bound of each copy's wait; default 1 hour (UCloud's wait_image_ready_timeout). */
  timeoutMs?: number;
  pollMs?: number;
  name?: string;
}

export interface CopyImageResult {
  runId: string;
  status: RunStatus;
  error?: BuildError;
  images: ProducedImage[];
  copyFailures: CopyFailure[];
}

/** Copies an existing image to the given regions only (the console's "redo copies"; `image copy`). */
export async function copyImageToRegions(opts: CopyImageOptions): Promise<CopyImageResult> {
  const runId = opts.runId ?? newRunId(opts.runIdPrefix ?? 'copy');
  const budget = opts.budget ?? new ApiBudget();
  const provider = withBudget(createProvider(opts.credentials, { pollIntervalMs: opts.pollMs }), budget, opts.credentials.keyId);
  const state = { images: [] as ProducedImage[], failures: [] as CopyFailure[] };
  const started: ProducedImage[] = [];
  const inflight = new Set<Promise<unknown>>();
  const step: Step<typeof state> = {
    name: 'copy-image',
    async run(s, { signal, log, reporter }) {
      const source = await provider.describeImage(opts.from.region, opts.from.imageId, { signal });
      if (!source) throw new StepError('copy-image', `The image ${opts.from.imageId} was not found in ${opts.from.region}.`);
      if (source.state !== 'available') throw new StepError('copy-image', `The image ${opts.from.imageId} is not available (state ${source.vendorState}).`);
      const out = await copyToRegions(
        {
          provider, cloud: opts.cloud, budget, account: opts.credentials.keyId, runId,
          from: opts.from, tags: opts.tags,
          to: [...new Set(opts.to)].filter((r) => r !== opts.from.region).map((region) => ({ region, name: opts.name ?? source.name, description: source.description || undefined, projectId: opts.credentials.projectId })),
          signal, log, reporter, timeoutMs: opts.timeoutMs ?? 3_600_000, pollMs: opts.pollMs ?? DEFAULT_TIMING.pollMs, step: 'copy-image',
        },
        started,
        inflight,
      );
      s.images = out.copies;
      s.failures = out.failures;
    },
    async cleanup(s, { signal, reporter, outcome }) {
      await Promise.allSettled([...inflight]);
      for (const copy of [...started]) {
        if (outcome === 'succeeded' && s.images.some((i) => i.imageId === copy.imageId)) {
          reporter.artifact({ kind: 'image', id: copy.imageId, region: copy.region, sourceRegion: opts.from.region });
        } else {
          await provider.deleteImage(copy.region, copy.imageId, { signal });
          reporter.resourceDeleted({ kind: 'image', id: copy.imageId, region: copy.region });
        }
        started.splice(started.indexOf(copy), 1);
      }
    },
  };
  const run = await runSteps([step], state, { runId, reporter: opts.reporter, signal: opts.signal, secrets: [opts.credentials.secret] });
  return {
    runId,
    status: run.status,
    ...(run.error ? { error: { message: run.error.message, userMessage: run.error.userMessage, step: run.error.step } } : {}),
    images: state.images,
    copyFailures: state.failures,
  };
}

export type { HostBuildState };
