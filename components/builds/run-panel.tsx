'use client';
import { useEffect, useState } from 'react';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { CopyButton } from '@/components/catalog/copy-button';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { DateTime } from '@/components/ui/date-time';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { isFinalBuildStatus } from '@/server/api/schemas/builds';
import { BuildStatusBadge, useDuration } from './build-status';
import type { BuildView } from './build-detail';
import { RunLog } from './run-log';

type Run = BuildView['runs'][number];
type Detail = RouterOutputs['build']['run'];

/** One run: its log, its steps with timings, its images, and every cloud resource it created and deleted. */
export function RunPanel({ run, canCancel, onRetried }: { run: Run; canCancel: boolean; onRetried: () => void }) {
  const t = useTranslations('builds.run');
  const td = useTranslations('builds.detail');
  const final = isFinalBuildStatus(run.status);
  const detail = trpc.build.run.useQuery({ runId: run.id }, { refetchInterval: final ? false : 2_000 });
  const { refetch } = detail;
  // A step or status change seen live: the steps and ledger changed too.
  useEffect(() => {
    void refetch();
  }, [run.status, run.currentStep, refetch]);
  const [confirming, setConfirming] = useState(false);
  const cancel = trpc.build.cancelRun.useMutation();
  const retry = trpc.build.retryRun.useMutation({ onSuccess: onRetried });
  const cancelling = Boolean(run.cancelRequestedAt) && !final;

  return (
    <section aria-label={t('heading', { builder: run.builderName })} className="space-y-3" data-testid="run-panel">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex min-w-0 flex-wrap items-center gap-2">
          <h2 className="text-sm font-semibold text-slate-800">{t('heading', { builder: run.builderName })}</h2>
          <span data-testid="run-status">
            <BuildStatusBadge status={run.status} />
          </span>
          <span className="font-mono text-xs text-slate-600">{run.region}</span>
          {run.attempt > 1 ? <span className="text-xs text-slate-500">{t('attempt', { n: run.attempt })}</span> : null}
        </div>
        {canCancel && !final ? (
          <Button size="sm" variant="danger" disabled={cancelling || cancel.isPending} onClick={() => setConfirming(true)}>
            {cancelling ? td('cancelling') : td('cancelRun')}
          </Button>
        ) : null}
        {canCancel && final && run.retry ? (
          <Button size="sm" disabled={retry.isPending} onClick={() => retry.mutate({ runId: run.id })}>
            {run.retry === 'copies' ? td('retryCopies') : td('retryRun')}
          </Button>
        ) : null}
      </div>
      {run.error ? (
        <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <span className="font-medium">{t('error')}:</span> {run.error}
        </p>
      ) : null}
      {cancel.error ? <p className="text-sm text-red-700">{cancel.error.message}</p> : null}
      {retry.error ? <p className="text-sm text-red-700">{retry.error.message}</p> : null}

      <RunLog runId={run.id} builderName={run.builderName} />

      <div className="grid gap-3 lg:grid-cols-2">
        <Steps detail={detail.data} />
        <Images run={run} />
      </div>
      <Resources detail={detail.data} runFinal={final} />

      <ConfirmDialog
        open={confirming}
        title={td('cancelRunTitle', { builder: run.builderName })}
        confirmLabel={td('confirmCancel')}
        cancelLabel={td('keepRunning')}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          cancel.mutate({ runId: run.id });
        }}
      >
        {td('cancelRunBody')}
      </ConfirmDialog>
    </section>
  );
}

function Steps({ detail }: { detail?: Detail }) {
  const t = useTranslations('builds.run');
  const duration = useDuration();
  const steps = detail?.steps ?? [];
  return (
    <div className="space-y-1.5">
      <h3 className="text-sm font-semibold text-slate-800">{t('steps')}</h3>
      {steps.length === 0 ? (
        <p className="text-sm text-slate-500">{t('noSteps')}</p>
      ) : (
        <Table aria-label={t('steps')}>
          <thead>
            <tr>
              <Th>{t('step')}</Th>
              <Th>{t('stepStatus')}</Th>
              <Th className="text-right">{t('stepDuration')}</Th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <Tr key={s.id}>
                <Td className="font-mono text-xs">
                  {s.name}
                  {s.phase === 'cleanup' ? <span className="ml-1.5 font-sans text-slate-500">({t('phaseCleanup')})</span> : null}
                  {s.error ? <p className="font-sans whitespace-normal text-red-700">{s.error}</p> : null}
                </Td>
                <Td>
                  <Badge tone={s.status === 'succeeded' ? 'green' : s.status === 'failed' ? 'red' : 'blue'}>{t(s.status === 'succeeded' ? 'stepSucceeded' : s.status === 'failed' ? 'stepFailed' : 'stepRunning')}</Badge>
                </Td>
                <Td className="text-right text-xs tabular-nums">{s.finishedAt ? duration(s.finishedAt.getTime() - s.startedAt.getTime()) : '…'}</Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}

function Images({ run }: { run: Run }) {
  const t = useTranslations('builds.run');
  const artifact = run.artifact;
  return (
    <div className="space-y-1.5">
      <h3 className="text-sm font-semibold text-slate-800">{t('images')}</h3>
      {!artifact || (artifact.images.length === 0 && artifact.copyFailures.length === 0) ? (
        <p className="text-sm text-slate-500">{t('noImages')}</p>
      ) : (
        <Table aria-label={t('images')}>
          <tbody>
            {artifact.images.map((img) => (
              <Tr key={`${img.region}/${img.imageId}`}>
                <Td className="font-mono text-xs whitespace-nowrap">{img.region}</Td>
                <Td className="text-xs text-slate-600">{img.sourceRegion ? t('copyOf', { region: img.sourceRegion }) : t('built')}</Td>
                <Td className="whitespace-nowrap">
                  <span className="flex items-center justify-end gap-2">
                    <code className="font-mono text-xs text-slate-900 select-all" data-testid="artifact-image">
                      {img.imageId}
                    </code>
                    <CopyButton value={img.imageId} label={t('copyImage', { id: img.imageId })} />
                  </span>
                </Td>
              </Tr>
            ))}
            {artifact.copyFailures.map((f) => (
              <Tr key={`failed/${f.region}`} className="bg-red-50">
                <Td className="font-mono text-xs whitespace-nowrap">{f.region}</Td>
                <Td colSpan={2} className="text-xs text-red-800">
                  {f.error}
                </Td>
              </Tr>
            ))}
            {artifact.id ? (
              <Tr>
                <Td className="text-xs text-slate-600">{t('artifactId')}</Td>
                <Td colSpan={2}>
                  <span className="flex items-center justify-end gap-2">
                    <code className="truncate font-mono text-xs text-slate-700">{artifact.id}</code>
                    <CopyButton value={artifact.id} label={t('copyArtifact')} />
                  </span>
                </Td>
              </Tr>
            ) : null}
          </tbody>
        </Table>
      )}
    </div>
  );
}

function Resources({ detail, runFinal }: { detail?: Detail; runFinal: boolean }) {
  const t = useTranslations('builds.run');
  const resources = detail?.resources ?? [];
  return (
    <div className="space-y-1.5">
      <h3 className="text-sm font-semibold text-slate-800">{t('resources')}</h3>
      {resources.length === 0 ? (
        <p className="text-sm text-slate-500">{t('noResources')}</p>
      ) : (
        <Table aria-label={t('resources')} className="sm:min-w-[40rem]">
          <thead>
            <tr>
              <Th>{t('kind')}</Th>
              <Th>{t('resourceId')}</Th>
              <Th className="hidden sm:table-cell">{t('region')}</Th>
              <Th className="hidden sm:table-cell">{t('created')}</Th>
              <Th>{t('deleted')}</Th>
            </tr>
          </thead>
          <tbody>
            {resources.map((r) => (
              <Tr key={r.id}>
                <Td className="text-xs">{r.kind}</Td>
                <Td className="max-w-[10rem] truncate font-mono text-xs sm:max-w-none">{r.resourceId}</Td>
                <Td className="hidden font-mono text-xs sm:table-cell">{r.region}</Td>
                <Td className="hidden text-xs whitespace-nowrap sm:table-cell">
                  <DateTime date={r.createdAt} />
                </Td>
                <Td className="text-xs whitespace-nowrap">
                  {/* Still there while the run runs is normal; after it, only the kept image should be. */}
                  {r.deletedAt ? <DateTime date={r.deletedAt} /> : r.kept ? <Badge tone="green">{t('kept')}</Badge> : runFinal ? <Badge tone="amber">{t('notDeleted')}</Badge> : <Badge tone="blue">{t('inUse')}</Badge>}
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
