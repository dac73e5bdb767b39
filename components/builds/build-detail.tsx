'use client';
import { useEffect, useMemo, useState } from 'react';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import superjson from 'superjson';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { CloudBadge } from '@/components/clouds/cloud-badges';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { DateTime } from '@/components/ui/date-time';
import { isFinalBuildStatus, type TBuildStatus } from '@/server/api/schemas/builds';
import type { TCloudKind } from '@/server/api/schemas/clouds';
import { BuildStatusBadge, CELL_TONES, Elapsed } from './build-status';
import { BuildActions } from './build-actions';
import { RunPanel } from './run-panel';

export type BuildView = RouterOutputs['build']['get'];
type Run = BuildView['runs'][number];
type Live = 'live' | 'reconnecting' | 'final';
type PlannedCopy = NonNullable<BuildView['plan']>['copies'][number];
/** The engine's step that copies a built image to other regions. */
const COPY_STEP = 'copy-image';

/**
 * The build's state, live: the page's first render comes from the server, then
 * /api/builds/:id/events sends the whole build each time something in it changes, until it is
 * final. A reload or a second viewer reads the same rows, so they see the same state.
 */
function useLiveBuild(initial: BuildView): { build: BuildView; live: Live; reload: () => void } {
  const utils = trpc.useUtils();
  const [build, setBuild] = useState(initial);
  const [live, setLive] = useState<Live>(isFinalBuildStatus(initial.status) ? 'final' : 'live');
  const final = isFinalBuildStatus(build.status);
  useEffect(() => {
    if (final) return;
    const source = new EventSource(`/api/builds/${initial.id}/events`);
    source.addEventListener('open', () => setLive('live'));
    source.addEventListener('build', (e) => setBuild(superjson.parse<BuildView>((e as MessageEvent<string>).data)));
    source.addEventListener('end', () => {
      source.close();
      setLive('final');
    });
    // The browser reconnects by itself; each connection starts with the whole build.
    source.addEventListener('error', () => setLive('reconnecting'));
    return () => source.close();
  }, [initial.id, final]);
  // After a retry the build is live again: read it once, and the stream above reopens.
  const reload = () => void utils.build.get.fetch({ buildId: initial.id }, { staleTime: 0 }).then((b) => {
    setBuild(b);
    setLive(isFinalBuildStatus(b.status) ? 'final' : 'live');
  });
  return { build, live: final ? 'final' : live, reload };
}

/** One cell of the matrix: a run in its region, or an image the run copied to another region. */
interface Cell {
  key: string;
  run: Run;
  region: string;
  /** `copy-planned`: a copy of the plan that has neither an image nor a failure yet. */
  kind: 'run' | 'copy' | 'copy-failed' | 'copy-planned';
  imageId?: string;
  sourceRegion?: string;
  error?: string;
}

function cellsOf(runs: Run[], plannedCopies: PlannedCopy[]): { cloud: TCloudKind; cells: Cell[] }[] {
  const groups = new Map<TCloudKind, Cell[]>();
  for (const run of runs) {
    const cells = groups.get(run.cloud) ?? [];
    const built = run.artifact?.images.find((i) => !i.sourceRegion) ?? run.artifact?.images[0];
    cells.push({ key: run.id, run, region: run.region, kind: 'run', imageId: built?.imageId });
    const done = new Set<string>();
    for (const copy of run.artifact?.images ?? []) {
      if (!copy.sourceRegion) continue;
      done.add(copy.region);
      cells.push({ key: `${run.id}/${copy.region}`, run, region: copy.region, kind: 'copy', imageId: copy.imageId, sourceRegion: copy.sourceRegion });
    }
    for (const failure of run.artifact?.copyFailures ?? []) {
      done.add(failure.region);
      cells.push({ key: `${run.id}/${failure.region}/failed`, run, region: failure.region, kind: 'copy-failed', sourceRegion: run.region, error: failure.error });
    }
    // The plan's copies show from the start, so a copy region is in the matrix before its image exists.
    for (const copy of plannedCopies) {
      if (copy.cloud !== run.cloud || copy.from !== run.region || copy.builderName !== run.builderName || done.has(copy.region)) continue;
      cells.push({ key: `${run.id}/${copy.region}/planned`, run, region: copy.region, kind: 'copy-planned', sourceRegion: run.region });
    }
    groups.set(run.cloud, cells);
  }
  return [...groups].map(([cloud, cells]) => ({ cloud, cells }));
}

/**
 * A planned copy waits while its source run builds, runs while the source copies (or a retried
 * copy runs after it), and ends as the source did when the source ended without it.
 */
function plannedCopyStatus(run: Run): TBuildStatus {
  if (run.status === 'queued') return 'queued';
  if (run.status === 'running') return run.currentStep === COPY_STEP ? 'running' : 'queued';
  return run.status === 'succeeded' ? 'running' : run.status;
}

export function BuildDetail({ initial, canCancel, initialRunId }: { initial: BuildView; canCancel: boolean; initialRunId?: string }) {
  const t = useTranslations('builds.detail');
  const { build, live, reload } = useLiveBuild(initial);
  // A build of one run opens its run (and log) at once; with several, the user picks from the matrix.
  const [selected, setSelected] = useState<string | undefined>(initial.runs.some((r) => r.id === initialRunId) ? initialRunId : initial.runs.length === 1 ? initial.runs[0]!.id : undefined);
  const groups = useMemo(() => cellsOf(build.runs, build.plan?.copies ?? []), [build.runs, build.plan]);
  const selectedRun = build.runs.find((r) => r.id === selected);
  const [confirming, setConfirming] = useState(false);
  const cancel = trpc.build.cancel.useMutation();
  const final = isFinalBuildStatus(build.status);
  const cancelling = Boolean(build.cancelRequestedAt) && !final;

  function select(runId: string) {
    setSelected(runId);
    // The URL names the run, so a reload reopens its log.
    const url = new URL(window.location.href);
    url.searchParams.set('run', runId);
    window.history.replaceState(null, '', url);
  }

  return (
    <div className="space-y-4">
      <header className="space-y-2">
        <Link href="/builds" className="text-xs text-blue-700 hover:underline">
          ← {t('back')}
        </Link>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 className="flex flex-wrap items-baseline gap-x-2 text-lg font-semibold text-slate-900">
              <Link href={`/templates/${build.templateId}`} className="text-blue-700 hover:underline">
                {build.templateName}
              </Link>
              <Link href={`/templates/${build.templateId}/history`} className="text-blue-700 tabular-nums hover:underline">
                v{build.templateVersion}
              </Link>
              <span className="font-mono text-sm font-normal text-slate-500">{t('title', { id: build.id.slice(0, 8) })}</span>
            </h1>
            <dl className="mt-1 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-700">
              <div className="flex items-center gap-1.5">
                <dt className="sr-only">Status</dt>
                <dd data-testid="build-status">
                  <BuildStatusBadge status={build.status} />
                </dd>
                <LiveDot live={live} />
              </div>
              <div className="flex gap-1">
                <dt className="text-slate-500">{t('startedBy')}</dt>
                <dd>{build.requestedByName ?? t('removedUser')}</dd>
              </div>
              <div className="flex gap-1">
                <dt className="text-slate-500">{t('started')}</dt>
                <dd>
                  <DateTime date={build.startedAt ?? build.createdAt} />
                </dd>
              </div>
              <div className="flex gap-1">
                <dt className="text-slate-500">{t('duration')}</dt>
                <dd data-testid="build-duration">{build.startedAt ? <Elapsed startedAt={build.startedAt} finishedAt={build.finishedAt} /> : t('notStarted')}</dd>
              </div>
            </dl>
          </div>
          {canCancel && !final ? (
            <Button variant="danger" disabled={cancelling || cancel.isPending} onClick={() => setConfirming(true)}>
              {cancelling ? t('cancelling') : t('cancelBuild')}
            </Button>
          ) : null}
          {canCancel && final ? (
            <BuildActions
              buildId={build.id}
              canRetry={build.runs.some((r) => r.retry)}
              canRebuild={Boolean(build.request)}
              sensitiveNames={build.request?.sensitiveVariableNames ?? []}
              onRetried={reload}
            />
          ) : null}
        </div>
        {cancel.error ? <p className="text-sm text-red-700">{cancel.error.message}</p> : null}
      </header>

      <section aria-label={t('matrixLabel')} className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-800">
          {t('runs')} <span className="font-normal text-slate-500">· {t('runsCount', { count: build.runs.length })}</span>
        </h2>
        <div className="overflow-hidden rounded-md border border-slate-200 bg-white">
          {groups.map((g) => (
            <div key={g.cloud} className="flex flex-col gap-2 border-b border-slate-100 p-2 last:border-b-0 sm:flex-row sm:items-start">
              <div className="w-20 shrink-0 pt-1">
                <CloudBadge cloud={g.cloud} />
              </div>
              <ul className="grid flex-1 grid-cols-1 gap-2 sm:grid-cols-[repeat(auto-fill,minmax(13rem,1fr))]">
                {g.cells.map((cell) => (
                  <li key={cell.key}>
                    <MatrixCell cell={cell} selected={cell.run.id === selected} onSelect={() => select(cell.run.id)} />
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      </section>

      {selectedRun ? (
        <RunPanel key={`${selectedRun.id}/${selectedRun.attempt}`} run={selectedRun} canCancel={canCancel} onRetried={reload} />
      ) : (
        <p className="rounded-md border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">{t('selectRun')}</p>
      )}

      <ConfirmDialog
        open={confirming}
        title={t('cancelBuildTitle')}
        confirmLabel={t('confirmCancel')}
        cancelLabel={t('keepRunning')}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          cancel.mutate({ buildId: build.id });
        }}
      >
        {t('cancelBuildBody')}
      </ConfirmDialog>
    </div>
  );
}

function LiveDot({ live }: { live: Live }) {
  const t = useTranslations('builds.detail');
  if (live === 'final') return null;
  return (
    <span className={cn('inline-flex items-center gap-1 text-xs', live === 'live' ? 'text-emerald-700' : 'text-amber-700')} role="status">
      <span aria-hidden className={cn('size-1.5 rounded-full', live === 'live' ? 'animate-pulse bg-emerald-500' : 'bg-amber-500')} />
      {live === 'live' ? t('live') : t('reconnecting')}
    </span>
  );
}

function MatrixCell({ cell, selected, onSelect }: { cell: Cell; selected: boolean; onSelect: () => void }) {
  const t = useTranslations('builds.detail');
  const ts = useTranslations('builds.status');
  const { run } = cell;
  const status: TBuildStatus = cell.kind === 'copy-failed' ? 'failed' : cell.kind === 'copy' ? 'succeeded' : cell.kind === 'copy-planned' ? plannedCopyStatus(run) : run.status;
  const second =
    cell.kind === 'copy'
      ? t('copiedFrom', { region: cell.sourceRegion! })
      : cell.kind === 'copy-planned'
        ? t('copyPlanned', { region: cell.sourceRegion! })
        : cell.kind === 'copy-failed'
        ? t('copyFailed', { region: cell.sourceRegion! })
        : run.status === 'running'
          ? (run.currentStep ?? '…')
          : run.status === 'queued'
            ? t('waiting')
            : run.status === 'succeeded'
              ? run.builderName
              : (run.error ?? run.builderName);
  return (
    <button
      type="button"
      onClick={onSelect}
      aria-pressed={selected}
      aria-label={t('cellLabel', { region: cell.region, status: ts(status) })}
      data-testid="run-cell"
      data-region={cell.region}
      data-status={status}
      data-kind={cell.kind}
      className={cn(
        'flex h-[4.75rem] w-full flex-col justify-between rounded border border-l-4 border-slate-200 px-2 py-1.5 text-left text-xs transition-colors hover:border-slate-400 focus-visible:outline-2 focus-visible:outline-blue-500',
        CELL_TONES[status],
        selected && 'border-blue-500 ring-2 ring-blue-500/30',
      )}
    >
      <span className="flex items-center justify-between gap-2">
        <span className="truncate font-mono text-[13px] font-semibold text-slate-900">{cell.region}</span>
        <span className={cn('shrink-0 font-medium', status === 'failed' || status === 'interrupted' ? 'text-red-700' : status === 'succeeded' ? 'text-emerald-800' : status === 'cancelled' ? 'text-amber-800' : status === 'running' ? 'text-blue-800' : 'text-slate-600')}>
          {ts(status)}
        </span>
      </span>
      <span className={cn('truncate', cell.kind === 'copy-failed' || status === 'failed' ? 'text-red-800' : 'text-slate-700')} title={cell.error ?? second}>
        {cell.kind === 'copy-failed' ? `${second}: ${cell.error}` : second}
      </span>
      <span className="flex items-center justify-between gap-2 text-slate-600">
        {cell.imageId ? (
          <code className="truncate font-mono text-slate-900" data-testid="cell-image">
            {cell.imageId}
          </code>
        ) : (
          <span />
        )}
        {cell.kind === 'run' ? <Elapsed startedAt={run.startedAt} finishedAt={run.finishedAt} className="shrink-0 tabular-nums" /> : null}
      </span>
    </button>
  );
}
