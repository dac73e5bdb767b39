import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import type { RouterOutputs } from '@/app/_trpc/react';
import { PageHeader } from '@/components/layout/page-header';
import { Card } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { AuthorName, CommitMessage } from '@/components/templates/commit-message';
import { TemplateStatusBadge } from '@/components/templates/template-badges';
import { DashboardActivity } from './dashboard-activity';

type Templates = RouterOutputs['template']['list'];
type Summary = RouterOutputs['dashboard']['summary'];

export async function Dashboard({ templates, summary }: { templates: Templates; summary: Summary }) {
  const t = await getTranslations('dashboard');
  const invalid = templates.filter((x) => x.valid === false).length;
  const recent = [...templates].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()).slice(0, 5);
  const stats = [
    { label: t('templates'), value: templates.length, href: '/templates' },
    { label: t('drafts'), value: invalid, href: '/templates', tone: invalid ? 'text-amber-700' : undefined },
    { label: t('buildsRunning'), value: summary.inFlight.length, href: '/builds' },
    { label: t('rolloutsPending'), value: null, hint: t('rolloutsLater') },
  ];
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {stats.map((s) => (
          <div key={s.label} className="rounded-md border border-slate-200 bg-white p-3">
            <p className="text-xs font-medium text-slate-500">{s.label}</p>
            {s.value === null ? (
              <p className="mt-1 text-sm text-slate-500">{s.hint}</p>
            ) : (
              <Link href={s.href!} className={`mt-1 block text-2xl font-semibold tabular-nums ${s.tone ?? ''}`}>
                {s.value}
              </Link>
            )}
          </div>
        ))}
      </div>
      <DashboardActivity initial={summary} />
      <Card title={t('recentChanges')} className="mt-4">
        {recent.length === 0 ? (
          <p className="text-sm text-slate-500">{t('noTemplates')}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {recent.map((x) => (
              <li key={x.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm">
                <Link href={`/templates/${x.id}`} className="font-medium text-blue-700 hover:underline">
                  {x.name}
                </Link>
                <span className="text-slate-500">v{x.latestVersion}</span>
                <TemplateStatusBadge valid={x.valid ?? false} />
                <span className="min-w-0 flex-1 truncate text-slate-600">
                  <CommitMessage message={x.message} />
                </span>
                <span className="text-xs text-slate-500">
                  <AuthorName name={x.authorName} /> · <DateTime date={x.updatedAt} style="relative" />
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
