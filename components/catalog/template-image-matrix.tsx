'use client';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { keepPreviousData } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { CloudBadge } from '@/components/clouds/cloud-badges';
import { RoleBadge } from '@/components/templates/template-badges';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { Field, Select } from '@/components/ui/field';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { imageHref } from './produced-query';

type Matrix = RouterOutputs['image']['matrix'];
type TemplateChoice = RouterOutputs['image']['facets']['templates'][number];

/**
 * A template's region × version matrix: which version exists where, and which regions miss the
 * latest version built (drift). The chosen template is in the URL (`?view=matrix&template=`).
 */
export function TemplateImageMatrix({ templates, initial }: { templates: TemplateChoice[]; initial: Matrix | null }) {
  const t = useTranslations('images.matrix');
  const searchParams = useSearchParams();
  const wanted = searchParams.get('template');
  const templateId = templates.some((x) => x.id === wanted) ? wanted! : (initial?.template.id ?? templates[0]?.id);
  const matrix = trpc.image.matrix.useQuery(
    { templateId: templateId ?? '' },
    { enabled: Boolean(templateId), placeholderData: keepPreviousData, initialData: initial && initial.template.id === templateId ? initial : undefined },
  );

  if (templates.length === 0) {
    return <div className="rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">{t('none')}</div>;
  }
  const choose = (id: string) => window.history.pushState(null, '', `${window.location.pathname}?view=matrix&template=${encodeURIComponent(id)}`);
  const data = matrix.data;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <Field label={t('template')} className="w-full sm:w-72">
          {(p) => (
            <Select {...p} value={templateId ?? ''} onChange={(e) => choose(e.target.value)}>
              {templates.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {data ? (
          <p className={cn('pb-1.5 text-sm', data.driftCount > 0 ? 'font-medium text-amber-800' : 'text-slate-600')} data-testid="matrix-drift">
            {data.latestBuilt !== null ? t('drift', { count: data.driftCount, version: data.latestBuilt }) : t('noImages')}
          </p>
        ) : null}
        {data ? (
          <span className="flex items-center gap-2 pb-1.5 text-sm">
            <RoleBadge role={data.template.role} />
            <Link href={`/templates/${data.template.id}`} className="text-blue-700 hover:underline">
              {data.template.name}
            </Link>
          </span>
        ) : null}
      </div>
      {data && data.rows.length > 0 ? (
        <Table aria-label={t('template')} className={cn('transition-opacity', matrix.isPlaceholderData && 'opacity-60')}>
          <thead>
            <tr>
              <Th className="sticky left-0 z-10">{t('region')}</Th>
              {data.versions.map((v) => (
                <Th key={v} className="font-mono normal-case">
                  v{v}
                  {v === data.latestBuilt ? <span className="ml-1 font-sans text-[10px] font-medium text-blue-700">{t('latest')}</span> : null}
                </Th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row) => (
              <Tr key={`${row.cloud}/${row.region}`} className={cn(row.drift && 'bg-amber-50/60 hover:bg-amber-50')}>
                <Td className={cn('sticky left-0 z-10 whitespace-nowrap', row.drift ? 'bg-amber-50' : 'bg-white')}>
                  <span className="flex items-center gap-2">
                    <CloudBadge cloud={row.cloud} />
                    <span className="font-mono text-xs">{row.region}</span>
                    {row.drift && data.latestBuilt !== null ? <Badge tone="amber">{t('driftLabel', { version: data.latestBuilt })}</Badge> : null}
                  </span>
                </Td>
                {data.versions.map((v) => {
                  const cell = row.cells.find((c) => c.version === v);
                  return (
                    <Td key={v} className="font-mono text-xs whitespace-nowrap">
                      {!cell ? (
                        <span className={v === data.latestBuilt ? 'text-amber-800' : 'text-slate-300'}>{v === data.latestBuilt ? t('missing') : '—'}</span>
                      ) : cell.state === 'available' && cell.imageId ? (
                        <Link href={imageHref(row.cloud, row.region, cell.imageId)} className="text-blue-700 hover:underline">
                          {cell.imageId}
                        </Link>
                      ) : (
                        <span className="font-sans text-red-700">{t('failed')}</span>
                      )}
                    </Td>
                  );
                })}
              </Tr>
            ))}
          </tbody>
        </Table>
      ) : data ? (
        <p className="rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">{t('noImages')}</p>
      ) : null}
    </div>
  );
}
