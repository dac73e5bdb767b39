'use client';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { imageHref } from '@/components/catalog/produced-query';
import { CloudBadge } from '@/components/clouds/cloud-badges';
import { RoleBadge } from '@/components/templates/template-badges';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { Table, Td, Th, Tr } from '@/components/ui/table';

type Summary = RouterOutputs['dashboard']['summary'];

// While builds run the dashboard follows them; otherwise it looks again now and then.
const BUSY_REFRESH_MS = 3_000;
const IDLE_REFRESH_MS = 30_000;

/** The builds in flight and the newest image of each role per region, kept fresh while builds run. */
export function DashboardActivity({ initial }: { initial: Summary }) {
  const summary = trpc.dashboard.summary.useQuery(undefined, {
    initialData: initial,
    refetchInterval: (q) => ((q.state.data?.inFlight.length ?? 0) > 0 ? BUSY_REFRESH_MS : IDLE_REFRESH_MS),
  });
  const data = summary.data ?? initial;
  return (
    <div className="mt-4 grid gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
      <LatestImages rows={data.latestImages} />
      <InFlight builds={data.inFlight} />
    </div>
  );
}

function LatestImages({ rows }: { rows: Summary['latestImages'] }) {
  const t = useTranslations('dashboard');
  const ti = useTranslations('images');
  return (
    <Card
      className="min-w-0"
      title={t('latestImages')}
      actions={
        <Link href="/catalog?view=produced" className="text-xs text-blue-700 hover:underline">
          {t('allImages')}
        </Link>
      }
    >
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">{t('latestImagesEmpty')}</p>
      ) : (
        <Table aria-label={t('latestImages')} className="min-w-[32rem]">
          <thead>
            <tr>
              <Th>{t('role')}</Th>
              <Th>{t('region')}</Th>
              <Th>{t('image')}</Th>
              <Th>{t('version')}</Th>
              <Th>{t('age')}</Th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Tr key={`${r.role}/${r.cloud}/${r.region}`}>
                <Td>
                  <RoleBadge role={r.role} />
                </Td>
                <Td className="whitespace-nowrap">
                  <span className="flex items-center gap-2">
                    <CloudBadge cloud={r.cloud} />
                    <span className="font-mono text-xs">{r.region}</span>
                  </span>
                </Td>
                <Td className="whitespace-nowrap">
                  {r.imageId ? (
                    <Link href={imageHref(r.cloud, r.region, r.imageId)} className="font-mono text-xs text-blue-700 hover:underline" data-testid="latest-image-id">
                      {r.imageId}
                    </Link>
                  ) : null}
                </Td>
                <Td className="whitespace-nowrap">
                  <Link href={`/templates/${r.templateId}`} className="text-slate-800 hover:underline">
                    {r.templateName}
                  </Link>{' '}
                  <span className="text-slate-600 tabular-nums">{ti('version', { version: r.templateVersion })}</span>
                </Td>
                <Td className="text-xs whitespace-nowrap text-slate-700">
                  <DateTime date={r.producedAt} style="relative" />
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function InFlight({ builds }: { builds: Summary['inFlight'] }) {
  const t = useTranslations('dashboard');
  const ti = useTranslations('images');
  return (
    <Card title={t('inFlight')} className="min-w-0">
      {builds.length === 0 ? (
        <p className="text-sm text-slate-600">
          {t('inFlightEmpty')}{' '}
          <Link href="/templates" className="text-blue-700 hover:underline">
            {t('templates')}
          </Link>
        </p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label={t('inFlight')}>
          {builds.map((b) => {
            const pct = b.runsTotal ? Math.round((b.runsDone / b.runsTotal) * 100) : 0;
            return (
              <li key={b.id} className="space-y-1 py-2 text-sm" data-testid="build-in-flight">
                <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <Link href={`/builds/${b.id}`} className="font-medium text-blue-700 hover:underline">
                    {b.templateName} {ti('version', { version: b.templateVersion })}
                  </Link>
                  <Badge tone={b.status === 'running' ? 'blue' : 'neutral'}>{t(`buildStatus.${b.status === 'running' ? 'running' : 'queued'}`)}</Badge>
                  {b.runsFailed > 0 ? <Badge tone="red">{t('failedRuns', { count: b.runsFailed })}</Badge> : null}
                  <span className="ml-auto text-xs text-slate-500">
                    {b.requestedByName ? `${t('by', { name: b.requestedByName })} · ` : ''}
                    <DateTime date={b.startedAt ?? b.createdAt} style="relative" />
                  </span>
                </div>
                <div className="flex items-center gap-2">
                  <div className="h-1.5 flex-1 overflow-hidden rounded bg-slate-100" role="progressbar" aria-valuemin={0} aria-valuemax={b.runsTotal} aria-valuenow={b.runsDone} aria-label={t('progress', { done: b.runsDone, total: b.runsTotal })}>
                    <div className="h-full bg-blue-600 transition-[width]" style={{ width: `${pct}%` }} />
                  </div>
                  <span className="text-xs text-slate-600 tabular-nums">{t('progress', { done: b.runsDone, total: b.runsTotal })}</span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
