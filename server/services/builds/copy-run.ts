// A copies-only attempt (`build.copy`): the run's image exists but some copies failed, so only
// those copies run again, with the engine's copyImageToRegions (the same copy path as a build:
// the process's API budget and the destination regions' copy slots), never a rebuild. The new
// copies join the run's artifact; the copies that fail again stay listed as copy failures.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { RunArtifact } from '@/db/schema/builds';
import { createProvider, RUN_ID_TAG } from '@/server/clouds';
import { artifactId } from '@/server/engine/artifact';
import { copyImageToRegions, newRunId } from '@/server/engine/build';
import { messageOf } from '@/server/engine/builders/common/names';
import { withBudget } from '@/server/engine/scheduler/budgeted-provider';
import { logger } from '@/server/lib/logger';
import { RunAccountError, runAccountCredentials } from './run-account';
import { RunRecorder, settleBuild, type BuildEngineSettings, type BuildRunOutcome } from './run-build';
import { recordProducedImages } from '../images/record-produced-images';
import { processApiBudget } from './process-api-budget';

type Final = { status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted'; errorCode?: string; error?: string; artifact: RunArtifact };

export async function runCopyAttempt(db: Db, runId: string, settings: BuildEngineSettings = {}, signal?: AbortSignal): Promise<BuildRunOutcome> {
  const r = tables.buildRuns;
  const [run] = await db
    .update(r)
    .set({ status: 'running', startedAt: sql`now()`, finishedAt: null, attempt: sql`${r.attempt} + 1`, currentStep: null })
    .where(and(eq(r.id, runId), eq(r.status, 'queued'), isNull(r.cancelRequestedAt)))
    .returning();
  if (!run) {
    await db.update(r).set({ status: 'cancelled', finishedAt: sql`now()`, errorCode: 'CANCELLED', error: 'Cancelled before it started.' }).where(and(eq(r.id, runId), eq(r.status, 'queued')));
    return { status: 'skipped' };
  }
  await db.update(tables.builds).set({ status: 'running', startedAt: sql`coalesce(${tables.builds.startedAt}, now())` }).where(and(eq(tables.builds.id, run.buildId), eq(tables.builds.status, 'queued')));
  const log = logger.child({ buildId: run.buildId, runId, builder: run.builderName, copies: true });
  const artifact = run.artifact!;
  const source = artifact.images.find((i) => !i.sourceRegion) ?? artifact.images[0]!;
  const targets = [...new Set(artifact.copyFailures.map((f) => f.region))];

  const recorder = new RunRecorder(db, run.id, run.cloud, run.builderName);
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(signal?.reason ?? new Error('the worker is stopping'));
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  const cancelPoll = setInterval(() => {
    void db
      .select({ run: r.cancelRequestedAt, build: tables.builds.cancelRequestedAt })
      .from(r)
      .innerJoin(tables.builds, eq(tables.builds.id, r.buildId))
      .where(eq(r.id, run.id))
      .then(([row]) => {
        if ((row?.run || row?.build) && !abort.signal.aborted) abort.abort(new Error('The run was cancelled.'));
      })
      .catch((err: unknown) => log.warn({ err }, 'cancel poll failed'));
  }, settings.cancelPollMs ?? 1_000);

  let final: Final;
  try {
    const { credentials } = await runAccountCredentials(db, run.cloudAccountId);
    // The copies carry the source image's own tags (the template's), as the build's copies do.
    const provider = withBudget(createProvider(credentials, { pollIntervalMs: settings.timing?.pollMs }), processApiBudget(db, settings.shared), credentials.keyId);
    const described = await provider.describeImage(source.region, source.imageId, { signal: abort.signal });
    const tags = Object.fromEntries(Object.entries(described?.tags ?? {}).filter(([k]) => k !== RUN_ID_TAG));
    const tag = newRunId('copy');
    recorder.tag(tag);
    recorder.line('engine', `==> Attempt ${run.attempt}: copying ${source.imageId} from ${source.region} to ${targets.join(', ')} again (the image is not rebuilt; run id ${tag}).`);
    const result = await copyImageToRegions({
      cloud: run.cloud, credentials, from: { region: source.region, imageId: source.imageId }, to: targets, runId: tag, tags,
      signal: abort.signal, reporter: recorder, budget: processApiBudget(db, settings.shared), pollMs: settings.timing?.pollMs,
    });
    const type = run.cloud === 'ucloud' ? 'ucloud-uhost' : 'amazon-ebs';
    const copied = result.images.map((i) => ({ region: i.region, imageId: i.imageId, sourceRegion: source.region }));
    const images = [...artifact.images.filter((i) => !copied.some((c) => c.region === i.region)), ...copied];
    const merged: RunArtifact = {
      id: artifactId(type, images.map((i) => ({ ...i, ...(credentials.projectId ? { projectId: credentials.projectId } : {}) }))),
      images,
      copyFailures: result.status === 'succeeded' ? result.copyFailures.map((f) => ({ region: f.region, error: f.error })) : artifact.copyFailures,
    };
    if (result.status === 'succeeded') {
      for (const f of merged.copyFailures) recorder.line('engine', `==> The copy to ${f.region} failed again: ${f.error}`);
      final = { status: 'succeeded', artifact: merged };
    } else if (result.status === 'cancelled' || abort.signal.aborted) {
      final = { status: 'cancelled', errorCode: 'CANCELLED', error: 'The copies were cancelled; the image and its earlier copies are kept.', artifact };
    } else {
      final = { status: 'failed', errorCode: 'COPY_FAILED', error: result.error?.userMessage ?? 'The copies failed.', artifact };
    }
  } catch (err) {
    const message = err instanceof RunAccountError ? err.message : `The copies could not be run: ${messageOf(err)}`;
    final = { status: 'failed', errorCode: err instanceof RunAccountError ? err.code : 'INTERNAL', error: message, artifact };
    recorder.line('engine', message);
  } finally {
    clearInterval(cancelPoll);
    signal?.removeEventListener('abort', onOuterAbort);
  }
  if (signal?.aborted && final.status !== 'succeeded') {
    final = { status: 'interrupted', errorCode: 'INTERRUPTED', error: 'The worker stopped during these copies; the unfinished ones were deleted.', artifact };
  }
  await recorder.close();
  await db.update(r).set({ status: final.status, finishedAt: sql`now()`, errorCode: final.errorCode ?? null, error: final.error ?? null, artifact: final.artifact }).where(eq(r.id, run.id));
  // The new copies join the catalog (the same rows, keyed by run and region, are rewritten).
  await recordProducedImages(db, run.id).catch((err: unknown) => log.error({ err }, 'produced images could not be recorded'));
  await settleBuild(db, run.buildId);
  log.info({ status: final.status, copyFailures: final.artifact.copyFailures.length }, 'build run copies finished');
  return { status: final.status };
}
