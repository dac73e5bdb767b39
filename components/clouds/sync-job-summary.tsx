'use client';
import { useTranslations } from 'next-intl';
import { Badge, type Tone } from '@/components/ui/badge';
import { SYNC_ERROR_CODES, type TSyncErrorCode } from '@/server/api/schemas/clouds';
import { Ago } from './ago';
import type { SyncJobRow } from './sync-state';

type Shown = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted' | 'stalled' | 'retrying';
const TONES: Record<Shown, Tone> = {
  queued: 'blue',
  running: 'blue',
  retrying: 'amber',
  succeeded: 'green',
  partial: 'amber',
  failed: 'red',
  interrupted: 'red',
  stalled: 'red',
};

/** What to call a sync: a queued/running row without a live worker has stopped responding, whatever its status says. */
export function shownStatus(job: Pick<SyncJobRow, 'status' | 'live' | 'errorCode'>): Shown {
  if (job.status === 'queued' || job.status === 'running') {
    if (!job.live) return 'stalled';
    return job.status === 'queued' && job.errorCode ? 'retrying' : job.status;
  }
  return (['succeeded', 'partial', 'failed', 'interrupted'] as const).find((s) => s === job.status) ?? 'failed';
}

export function SyncJobStatusBadge({ job }: { job: Pick<SyncJobRow, 'status' | 'live' | 'errorCode'> }) {
  const t = useTranslations('syncJobs');
  const shown = shownStatus(job);
  return <Badge tone={TONES[shown]}>{shown === 'retrying' ? t('retrying') : t(`status.${shown}`)}</Badge>;
}

/** The console's words for the failure, then the vendor's own (code, message, request id). */
export function SyncJobError({ job, className }: { job: Pick<SyncJobRow, 'errorCode' | 'error'>; className?: string }) {
  const t = useTranslations('syncJobs');
  if (!job.error && !job.errorCode) return null;
  const code = SYNC_ERROR_CODES.find((c): c is TSyncErrorCode => c === job.errorCode);
  return (
    <div className={className} data-testid="sync-error">
      {code ? <p className="font-medium text-red-800">{t(`errors.${code}`)}</p> : null}
      {job.error ? (
        <p className="line-clamp-3 font-mono text-[11px] break-words text-red-700" title={job.error}>
          {job.error}
        </p>
      ) : null}
    </div>
  );
}

/** An account's latest sync: status and when, pages and API calls, images seen/added/removed, error. */
export function LastSyncSummary({ job }: { job: SyncJobRow | null }) {
  const t = useTranslations('syncJobs');
  if (!job) return <span className="text-slate-500">{t('never')}</span>;
  const { totals } = job;
  return (
    <div className="space-y-0.5" data-testid="last-sync">
      <div className="flex items-center gap-1.5 whitespace-nowrap">
        <SyncJobStatusBadge job={job} />
        <Ago date={job.finishedAt ?? job.startedAt ?? job.createdAt} className="text-slate-500" />
        {job.attempt > 1 ? <span className="text-slate-500">· {t('attempt', { attempt: job.attempt })}</span> : null}
      </div>
      {totals.regions > 0 ? (
        <>
          <p className="whitespace-nowrap text-slate-600 tabular-nums">{t('counts', { pages: totals.pages, calls: totals.calls })}</p>
          <p className="whitespace-nowrap text-slate-600 tabular-nums">{t('images', { seen: totals.seen, added: totals.added, removed: totals.removed })}</p>
        </>
      ) : null}
      {totals.failed > 0 && job.status === 'partial' ? <p className="text-amber-800">{t('regionsFailed', { failed: totals.failed, total: totals.regions })}</p> : null}
      <SyncJobError job={job} />
    </div>
  );
}
