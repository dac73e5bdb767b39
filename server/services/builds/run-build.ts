// One build run, executed by a worker: the engine's buildTemplate for this run's builder, with
// the account's keys unsealed here and nowhere else, and every engine event turned into rows
// (run state, steps with timings, log lines, the resource ledger, the artifact).
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { BUILD_RESOURCE_KINDS, type RunArtifact } from '@/db/schema/builds';
import { RUN_ID_TAG, type CloudCredentials } from '@/server/clouds/provider';
import { buildTemplate, type BuildResult } from '@/server/engine/build';
import type { EngineTiming } from '@/server/engine/builders/common/types';
import { describeEvent, humanLine } from '@/server/engine/events';
import { CLEANUP_STEP_SUFFIX } from '@/server/api/schemas/builds';
import { memoryFileSource } from '@/server/engine/provisioners/file-source';
import type { RunEvent } from '@/server/engine/runner/reporter';
import { checkTemplate } from '@/server/engine/template/check-template';
import { logger } from '@/server/lib/logger';
import { unsealSecret } from '../clouds/secret-box';
import { recordProducedImages } from '../images/record-produced-images';
import { dispatchRuns, failFastAfter } from './dispatch-runs';
import { deriveRunBuild } from './plan-build';
import { processApiBudget, type SharedLimitsSettings } from './process-api-budget';

/** Engine knobs of a worker (tests and the sandbox: a shared SSH port, fast polling). */
export interface BuildEngineSettings {
  sshPortOverride?: number;
  timing?: Partial<EngineTiming>;
  cleanupRetryDelayMs?: number;
  /** How often the run looks for a cancel request. */
  cancelPollMs?: number;
  /** The API budget and limits shared with the other workers (process-api-budget.ts). */
  shared?: SharedLimitsSettings;
}

export type BuildRunOutcome = { status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted' } | { status: 'skipped' };

const CANCEL_POLL_MS = 1_000;
const FLUSH_MS = 250;
const LOG_INSERT_ROWS = 2_000;

export async function runBuildRun(db: Db, runId: string, settings: BuildEngineSettings = {}, signal?: AbortSignal): Promise<BuildRunOutcome> {
  const r = tables.buildRuns;
  // queued → running, once: a job delivered twice (or a run cancelled while queued) does nothing.
  const [run] = await db
    .update(r)
    .set({ status: 'running', startedAt: sql`now()`, attempt: sql`${r.attempt} + 1`, currentStep: null })
    .where(and(eq(r.id, runId), eq(r.status, 'queued'), isNull(r.cancelRequestedAt)))
    .returning();
  if (!run) {
    await db.update(r).set({ status: 'cancelled', finishedAt: sql`now()`, errorCode: 'CANCELLED', error: 'Cancelled before it started.' }).where(and(eq(r.id, runId), eq(r.status, 'queued')));
    return { status: 'skipped' };
  }
  const log = logger.child({ buildId: run.buildId, runId, builder: run.builderName });
  await db.update(tables.builds).set({ status: 'running', startedAt: sql`coalesce(${tables.builds.startedAt}, now())` }).where(and(eq(tables.builds.id, run.buildId), eq(tables.builds.status, 'queued')));

  const recorder = new RunRecorder(db, run.id, run.cloud, run.builderName);
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(signal?.reason ?? new Error('the worker is stopping'));
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  const cancelPoll = setInterval(() => {
    void isCancelRequested(db, run.id, run.buildId)
      .then((yes) => {
        if (yes && !abort.signal.aborted) abort.abort(new Error('The run was cancelled.'));
      })
      .catch((err: unknown) => log.warn({ err }, 'cancel poll failed'));
  }, settings.cancelPollMs ?? CANCEL_POLL_MS);

  let final: { status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted'; errorCode?: string; error?: string; artifact?: RunArtifact };
  try {
    const setup = await loadRunSetup(db, run);
    const results = await buildTemplate({
      template: setup.template,
      only: [run.builderName],
      credentials: () => setup.credentials,
      files: setup.files,
      reporter: recorder,
      budget: processApiBudget(db, settings.shared),
      signal: abort.signal,
      // The worker's override (tests) wins; else the account's (the sandbox's shared SSH port).
      sshPortOverride: settings.sshPortOverride ?? setup.sshPort,
      timing: settings.timing,
      ...(settings.cleanupRetryDelayMs !== undefined ? { cleanupRetryDelayMs: settings.cleanupRetryDelayMs } : {}),
      onBuildStarted: ({ runId: tag }) => recorder.tag(tag),
    });
    final = finalOf(results[0], abort.signal);
  } catch (err) {
    const message = err instanceof RunSetupError ? err.message : `The run could not be executed: ${(err as Error).message}`;
    final = { status: 'failed', errorCode: err instanceof RunSetupError ? err.code : 'INTERNAL', error: message };
    recorder.line('engine', message);
  } finally {
    clearInterval(cancelPoll);
    signal?.removeEventListener('abort', onOuterAbort);
  }
  if (signal?.aborted && final.status !== 'succeeded') {
    // The worker is stopping, not the user cancelling: the run was cut short.
    final = { status: 'interrupted', errorCode: 'INTERRUPTED', error: 'The worker stopped during this run; its resources were cleaned up.' };
  }
  await recorder.close();
  await db
    .update(r)
    .set({ status: final.status, finishedAt: sql`now()`, errorCode: final.errorCode ?? null, error: final.error ?? null, artifact: final.artifact ?? null })
    .where(eq(r.id, run.id));
  // The catalog's rows come from the artifact just stored; failing to write them must not keep the run open.
  await recordProducedImages(db, run.id).catch((err: unknown) => log.error({ err }, 'produced images could not be recorded'));
  if (final.status === 'failed') await failFastAfter(db, run.buildId, run.id);
  await settleBuild(db, run.buildId);
  await dispatchRuns(db, run.buildId);
  log.info({ status: final.status, error: final.error }, 'build run finished');
  return { status: final.status };
}

function finalOf(result: BuildResult | undefined, signal: AbortSignal) {
  if (!result) return { status: 'failed' as const, errorCode: 'INTERNAL', error: 'The engine ran no build for this builder.' };
  const artifact: RunArtifact | undefined = result.artifact
    ? { id: result.artifact.id, images: result.artifact.images.map((i, n) => ({ region: i.region, imageId: i.imageId, ...(n > 0 ? { sourceRegion: result.artifact!.images[0]!.region } : {}) })), copyFailures: result.artifact.copyFailures.map((f) => ({ region: f.region, error: f.error })) }
    : undefined;
  if (result.status === 'succeeded') return { status: 'succeeded' as const, ...(artifact ? { artifact } : {}) };
  const error = result.error?.userMessage || result.error?.message || result.status;
  if (result.status === 'cancelled' || signal.aborted) return { status: 'cancelled' as const, errorCode: 'CANCELLED', error };
  return { status: 'failed' as const, errorCode: result.error?.step ? `STEP_FAILED:${result.error.step}` : 'BUILD_FAILED', error, ...(artifact ? { artifact } : {}) };
}

async function isCancelRequested(db: Db, runId: string, buildId: string): Promise<boolean> {
  const [row] = await db
    .select({ run: tables.buildRuns.cancelRequestedAt, build: tables.builds.cancelRequestedAt })
    .from(tables.buildRuns)
    .innerJoin(tables.builds, eq(tables.builds.id, tables.buildRuns.buildId))
    .where(and(eq(tables.buildRuns.id, runId), eq(tables.builds.id, buildId)));
  return Boolean(row?.run || row?.build);
}

class RunSetupError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** The version's body and files, the build's variables and inputs, and the account's keys. */
async function loadRunSetup(db: Db, run: typeof tables.buildRuns.$inferSelect) {
  const [build] = await db.select().from(tables.builds).where(eq(tables.builds.id, run.buildId));
  if (!build) throw new RunSetupError('INTERNAL', 'The build of this run is gone.');
  const v = tables.templateVersions;
  const [version] = await db.select().from(v).where(and(eq(v.templateId, build.templateId), eq(v.version, build.templateVersion)));
  if (!version) throw new RunSetupError('INTERNAL', `Version ${build.templateVersion} of the template is gone.`);
  let sensitive: Record<string, string> = {};
  if (build.sealedVariables) {
    try {
      sensitive = JSON.parse(unsealSecret(build.sealedVariables)) as Record<string, string>;
    } catch {
      throw new RunSetupError('SECRET_UNREADABLE', "The build's sensitive variables cannot be decrypted with this console's CONSOLE_SECRET_KEY.");
    }
  }
  const check = checkTemplate(version.body, { vars: { ...build.variables, ...sensitive }, env: {}, upTo: 'options' });
  if (!check.template) throw new RunSetupError('TEMPLATE_INVALID', `The template does not check: ${check.issues.map((i) => i.message).join('; ')}`);
  // The run's own builder: the template's, derived for the run's region by the build's plan.
  let template = check.template;
  if (run.builder) {
    const derived = deriveRunBuild(template, run.builderName, run.builder);
    if (!derived) throw new RunSetupError('TEMPLATE_INVALID', `The template has no ${run.builder.type} builder named ${run.builder.sourceBuilder}.`);
    template = { ...template, builds: [derived] };
  }

  const a = tables.templateVersionAttachments;
  const attached = await db.select({ path: a.path, sha256: a.sha256 }).from(a).where(eq(a.versionId, version.id));
  const wanted = [...attached, ...build.inputs];
  const blobs = wanted.length
    ? await db.select({ sha256: tables.templateBlobs.sha256, content: tables.templateBlobs.content }).from(tables.templateBlobs).where(inArray(tables.templateBlobs.sha256, [...new Set(wanted.map((w) => w.sha256))]))
    : [];
  const content = new Map(blobs.map((b) => [b.sha256, b.content]));
  const files: Record<string, Buffer> = {};
  for (const w of wanted) {
    const c = content.get(w.sha256);
    if (!c) throw new RunSetupError('INTERNAL', `The file "${w.path}" of this build is no longer stored.`);
    files[w.path] = c;
  }

  if (!run.cloudAccountId) throw new RunSetupError('ACCOUNT_GONE', 'The cloud account of this run was removed.');
  const [account] = await db.select().from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, run.cloudAccountId));
  if (!account) throw new RunSetupError('ACCOUNT_GONE', 'The cloud account of this run was removed.');
  let credentials: CloudCredentials;
  try {
    credentials = {
      cloud: account.cloud, keyId: unsealSecret(account.keyIdSealed), secret: unsealSecret(account.secretSealed),
      projectId: account.projectId ?? undefined, endpoint: account.endpoint ?? undefined,
    };
  } catch {
    throw new RunSetupError('SECRET_UNREADABLE', `The keys of the account ${account.name} cannot be decrypted with this console's CONSOLE_SECRET_KEY.`);
  }
  return { template, files: memoryFileSource(files), credentials, sshPort: account.sshPort ?? undefined };
}

/** A build's status from its runs: running while any is unfinished, then the worst outcome. */
export async function settleBuild(db: Db, buildId: string): Promise<void> {
  const runs = await db.select({ status: tables.buildRuns.status }).from(tables.buildRuns).where(eq(tables.buildRuns.buildId, buildId));
  const statuses = runs.map((x) => x.status);
  if (statuses.some((s) => s === 'queued' || s === 'running')) return;
  const status = statuses.every((s) => s === 'succeeded') ? 'succeeded' : statuses.some((s) => s === 'failed' || s === 'interrupted') ? 'failed' : 'cancelled';
  // A final build needs no sensitive values any more: they are kept sealed only while runs may use them.
  await db.update(tables.builds).set({ status, finishedAt: sql`now()`, sealedVariables: null }).where(eq(tables.builds.id, buildId));
}

/**
 * The step a log line belongs to: the step's name, with `:cleanup` when the engine undoes it, so
 * the log's step markers tell "create-host" from its cleanup (as the steps table does).
 */
function logStep(e: RunEvent): string | null {
  if (!('step' in e) || !e.step) return null;
  return 'phase' in e && e.phase === 'cleanup' ? `${e.step}${CLEANUP_STEP_SUFFIX}` : e.step;
}

type Stream = 'stdout' | 'stderr' | 'engine';
type ResourceKind = (typeof BUILD_RESOURCE_KINDS)[number];
const kindOf = (kind: string): ResourceKind => ((BUILD_RESOURCE_KINDS as readonly string[]).includes(kind) ? (kind as ResourceKind) : 'other');
interface LogRow { at: Date; stream: Stream; step: string | null; text: string }

/**
 * The engine's reporter for one run: events are queued (the reporter must not block) and written
 * in order every FLUSH_MS, log lines as one insert per batch.
 */
export class RunRecorder {
  private queue: RunEvent[] = [];
  private extra: LogRow[] = [];
  /** The last seq written; read from the table first, so a later attempt continues the numbering. */
  private seq: number | undefined;
  private runTag: string | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly db: Db, private readonly runId: string, private readonly cloud: 'ucloud' | 'aws', private readonly builderName: string) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
  }

  emit(event: RunEvent): void {
    this.queue.push(event);
  }

  tag(runTag: string): void {
    this.runTag = runTag;
    this.writing = this.writing.then(() => this.db.update(tables.buildRuns).set({ runTag }).where(eq(tables.buildRuns.id, this.runId)).then(() => undefined));
  }

  /** A line of the console's own (not from the engine's events). */
  line(stream: Stream, text: string): void {
    this.extra.push({ at: new Date(), stream, step: null, text });
  }

  private flush(): Promise<void> {
    const events = this.queue;
    const extra = this.extra;
    this.queue = [];
    this.extra = [];
    if (events.length === 0 && extra.length === 0) return this.writing;
    this.writing = this.writing.then(() => this.write(events, extra)).catch((err: unknown) => logger.error({ err, runId: this.runId }, 'build run events could not be recorded'));
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.writing;
  }

  private async write(events: RunEvent[], extra: LogRow[]): Promise<void> {
    const lines: LogRow[] = [];
    const flushLines = async () => {
      if (lines.length === 0) return;
      if (this.seq === undefined) {
        const [row] = await this.db.select({ last: sql<number | null>`max(${tables.buildRunLogs.seq})` }).from(tables.buildRunLogs).where(eq(tables.buildRunLogs.runId, this.runId));
        this.seq = Number(row?.last ?? 0);
      }
      let seq = this.seq;
      const rows = lines.splice(0).map((l) => ({ runId: this.runId, seq: ++seq, ...l }));
      this.seq = seq;
      // A provisioner can print tens of thousands of lines between two flushes; one INSERT of them
      // all would pass PostgreSQL's 65 535 bind parameters per statement.
      for (let i = 0; i < rows.length; i += LOG_INSERT_ROWS) await this.db.insert(tables.buildRunLogs).values(rows.slice(i, i + LOG_INSERT_ROWS));
    };
    for (const e of events) {
      const at = new Date(e.at);
      if (e.type === 'log') {
        lines.push({ at, stream: e.stream === 'stdout' || e.stream === 'stderr' ? e.stream : 'engine', step: logStep(e), text: e.text });
        continue;
      }
      // The CLI's line for the event, without its `name:` label (a run's log is one builder's).
      const described = describeEvent(e, this.builderName);
      if (described) lines.push({ at, stream: 'engine', step: logStep(e), text: humanLine({ ...described, target: '' }).replace(/^==> : /, '==> ').replace(/^ {4}: /, '') });
      const s = tables.buildRunSteps;
      const res = tables.buildResources;
      switch (e.type) {
        case 'step-started':
          if (e.phase === 'run') await this.db.update(tables.buildRuns).set({ currentStep: e.step }).where(eq(tables.buildRuns.id, this.runId));
          await this.db.insert(s).values({ runId: this.runId, attempt: await this.attempt(), name: e.step, phase: e.phase, status: 'running', startedAt: at });
          break;
        case 'step-finished':
          await this.db
            .update(s)
            .set({ status: e.ok ? 'succeeded' : 'failed', finishedAt: at, error: e.error?.userMessage ?? e.error?.message ?? null })
            .where(and(eq(s.runId, this.runId), eq(s.name, e.step), eq(s.phase, e.phase), eq(s.status, 'running')));
          break;
        case 'resource-created':
          await this.db
            .insert(res)
            .values({ runId: this.runId, cloud: this.cloud, region: e.region, kind: kindOf(e.kind), resourceId: e.id, runTag: e.tags[RUN_ID_TAG] ?? this.runTag ?? e.runId, createdAt: at })
            .onConflictDoNothing();
          break;
        case 'resource-deleted':
          await this.db.update(res).set({ deletedAt: at }).where(and(eq(res.runId, this.runId), eq(res.kind, kindOf(e.kind)), eq(res.region, e.region), eq(res.resourceId, e.id)));
          break;
        case 'artifact': {
          // A kept image (the product, or a copy the engine made without a created event first).
          const updated = await this.db.update(res).set({ kept: true }).where(and(eq(res.runId, this.runId), eq(res.kind, kindOf(e.kind)), eq(res.region, e.region), eq(res.resourceId, e.id))).returning({ id: res.id });
          if (updated.length === 0) await this.db.insert(res).values({ runId: this.runId, cloud: this.cloud, region: e.region, kind: kindOf(e.kind), resourceId: e.id, runTag: this.runTag ?? e.runId, kept: true, createdAt: at }).onConflictDoNothing();
          break;
        }
        default:
          break;
      }
    }
    lines.push(...extra);
    await flushLines();
  }

  private attemptValue: number | undefined;
  private async attempt(): Promise<number> {
    if (this.attemptValue === undefined) {
      const [row] = await this.db.select({ attempt: tables.buildRuns.attempt }).from(tables.buildRuns).where(eq(tables.buildRuns.id, this.runId));
      this.attemptValue = row?.attempt ?? 1;
    }
    return this.attemptValue;
  }
}
