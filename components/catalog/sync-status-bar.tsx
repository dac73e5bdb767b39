'use client';
import Link from 'next/link';
import { useNow, useTranslations } from 'next-intl';
import { trpc } from '@/app/_trpc/react';
import { Ago } from '@/components/clouds/ago';
import { summarizeSync, type CloudAccountRow, type RegionRow } from '@/components/clouds/sync-state';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';

/** One line above the catalog: how current the inventory is, and a way to refresh it. */
export function SyncStatusBar({
  regions,
  accounts,
  busy,
  canSync,
  canSeeRegions,
  onSyncRequested,
}: {
  regions: RegionRow[];
  accounts: CloudAccountRow[];
  /** A sync runs, or one was just requested. */
  busy: boolean;
  canSync: boolean;
  canSeeRegions: boolean;
  onSyncRequested: () => void;
}) {
  const t = useTranslations('inventory');
  const tj = useTranslations('syncJobs');
  const now = useNow({ updateInterval: 15_000 });
  const syncAll = trpc.inventory.syncNow.useMutation({ onSuccess: onSyncRequested });
  const s = summarizeSync(regions, accounts, now);
  if (accounts.length === 0) return null;
  return (
    <section aria-label={t('title')} className="flex flex-wrap items-center gap-x-3 gap-y-1.5 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm">
      <span className="font-medium text-slate-800">{t('title')}</span>
      <span className="text-slate-600">{t('regions', { count: s.total })}</span>
      <span className="flex flex-wrap items-center gap-1" data-testid="sync-counts">
        <Badge tone={s.counts.fresh ? 'green' : 'neutral'}>{t('fresh', { count: s.counts.fresh })}</Badge>
        <Badge tone={s.counts.stale ? 'amber' : 'neutral'}>{t('stale', { count: s.counts.stale })}</Badge>
        <span title={s.failedAccounts.length ? tj('failedAccounts', { names: s.failedAccounts.join(', ') }) : undefined}>
          <Badge tone={s.counts.failed ? 'red' : 'neutral'}>{t('failed', { count: s.counts.failed })}</Badge>
        </span>
        {s.counts.syncing ? <Badge tone="blue">{t('syncingCount', { count: s.counts.syncing })}</Badge> : null}
        {s.counts.never ? <Badge tone="neutral">{t('neverCount', { count: s.counts.never })}</Badge> : null}
      </span>
      {s.oldest ? (
        <span className="text-xs text-slate-600">
          {t('oldest')} <Ago date={s.oldest} />
        </span>
      ) : null}
      <span className="flex-1" />
      {canSeeRegions ? (
        <Link href="/settings/regions" className="text-sm text-blue-700 hover:underline">
          {t('manage')}
        </Link>
      ) : null}
      {canSync ? (
        <Button size="sm" disabled={busy || syncAll.isPending} onClick={() => syncAll.mutate({})}>
          {busy ? t('syncingButton') : t('syncAll')}
        </Button>
      ) : null}
      {syncAll.error ? <p className="w-full text-xs text-red-700">{syncAll.error.message}</p> : null}
      {syncAll.data && syncAll.data.alreadyRunning.length > 0 ? (
        <p role="status" className="w-full text-xs text-slate-600">
          {tj('syncAllResult', { queued: syncAll.data.queued, already: syncAll.data.alreadyRunning.length })}
        </p>
      ) : null}
    </section>
  );
}
