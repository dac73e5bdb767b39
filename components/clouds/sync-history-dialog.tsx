'use client';
import { Fragment } from 'react';
import { useFormatter, useTranslations } from 'next-intl';
import { trpc } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { SyncJobError, SyncJobStatusBadge } from './sync-job-summary';
import type { CloudAccountRow } from './sync-state';

const LIMIT = 20;
const TRIGGERS = ['manual', 'schedule', 'account-created'] as const;

/** The last syncs of one account, newest first; refreshed while one of them is live. */
export function SyncHistoryDialog({ account, onClose }: { account: CloudAccountRow | null; onClose: () => void }) {
  const t = useTranslations('syncJobs');
  return (
    <Dialog open={account !== null} onClose={onClose} title={account ? t('historyTitle', { name: account.name }) : t('history')} wide>
      {account ? <History accountId={account.id} /> : null}
      <div className="mt-3 flex justify-end">
        <Button onClick={onClose}>{t('close')}</Button>
      </div>
    </Dialog>
  );
}

function History({ accountId }: { accountId: string }) {
  const t = useTranslations('syncJobs');
  const format = useFormatter();
  const jobs = trpc.inventory.jobs.useQuery({ accountId, limit: LIMIT }, { refetchInterval: (q) => (q.state.data?.some((j) => j.live) ? 2_000 : false) });
  if (jobs.error) return <Alert tone="error">{jobs.error.message}</Alert>;
  if (!jobs.data) return <p className="text-sm text-slate-500">…</p>;
  if (jobs.data.length === 0) return <p className="text-sm text-slate-600">{t('historyEmpty')}</p>;
  const num = (n: number) => format.number(n);
  return (
    <div className="space-y-2">
      <p className="text-xs text-slate-600">{t('historyCaption', { count: jobs.data.length })}</p>
      <div className="max-h-[60vh] overflow-y-auto">
        <Table aria-label={t('history')} className="min-w-[44rem] text-xs">
          <thead>
            <tr>
              <Th>{t('col.when')}</Th>
              <Th>{t('col.trigger')}</Th>
              <Th>{t('col.status')}</Th>
              <Th className="text-right">{t('col.regions')}</Th>
              <Th className="text-right">{t('col.pages')}</Th>
              <Th className="text-right">{t('col.calls')}</Th>
              <Th className="text-right">{t('col.images')}</Th>
              <Th className="text-right">{t('col.duration')}</Th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.map((j) => (
              <Fragment key={j.id}>
                <Tr data-testid="sync-job" className={j.error || j.errorCode ? '[&>td]:border-b-0' : undefined}>
                  <Td className="align-top! whitespace-nowrap tabular-nums">
                    <time dateTime={j.createdAt.toISOString()}>{format.dateTime(j.createdAt, { dateStyle: 'medium', timeStyle: 'medium' })}</time>
                    {j.attempt > 1 ? <span className="block text-slate-500">{t('attempt', { attempt: j.attempt })}</span> : null}
                  </Td>
                  <Td className="align-top! whitespace-nowrap">{TRIGGERS.includes(j.trigger as (typeof TRIGGERS)[number]) ? t(`trigger.${j.trigger as (typeof TRIGGERS)[number]}`) : j.trigger}</Td>
                  <Td className="align-top!">
                    <SyncJobStatusBadge job={j} />
                  </Td>
                  <Td className="text-right align-top! tabular-nums">
                    {num(j.totals.regions)}
                    {j.totals.failed ? <span className="text-red-700"> ({num(j.totals.failed)}✕)</span> : null}
                  </Td>
                  <Td className="text-right align-top! tabular-nums">{num(j.totals.pages)}</Td>
                  <Td className="text-right align-top! tabular-nums">{num(j.totals.calls)}</Td>
                  <Td className="text-right align-top! whitespace-nowrap tabular-nums">
                    {num(j.totals.seen)} · +{num(j.totals.added)} · −{num(j.totals.removed)}
                  </Td>
                  <Td className="text-right align-top! whitespace-nowrap tabular-nums">{j.durationMs !== null ? t('seconds', { seconds: Math.round(j.durationMs / 100) / 10 }) : '—'}</Td>
                </Tr>
                {j.error || j.errorCode ? (
                  // The vendor's message gets the whole width, under the numbers it explains.
                  <Tr>
                    <Td colSpan={8} className="pt-0! text-xs">
                      <SyncJobError job={j} className="space-y-0.5" />
                    </Td>
                  </Tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </Table>
      </div>
    </div>
  );
}
