'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { keepPreviousData } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { CloudBadge } from '@/components/clouds/cloud-badges';
import { RoleBadge } from '@/components/templates/template-badges';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ChoiceOptions } from '@/components/ui/choice-options';
import { cn } from '@/components/ui/cn';
import { DateTime } from '@/components/ui/date-time';
import { Field, Input, Select } from '@/components/ui/field';
import { Pager } from '@/components/ui/pager';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { CLOUD_KINDS, type TCloudKind } from '@/server/api/schemas/clouds';
import { PRODUCED_IMAGE_STATES } from '@/server/api/schemas/images';
import { TEMPLATE_ROLES } from '@/server/api/schemas/templates';
import { PAGE_SIZES } from './catalog-query';
import { CopyButton } from './copy-button';
import { hasProducedFilters, imageHref, parseProducedQuery, PRODUCED_DEFAULTS, producedSearchParams, type ProducedQuery } from './produced-query';

type Page = RouterOutputs['image']['list'];
type Facets = RouterOutputs['image']['facets'];
export type ProducedRow = Page['rows'][number];

const SEARCH_DEBOUNCE_MS = 300;

/** Catalog → Produced images: filtered and paged on the server; the URL holds the view. */
export function ProducedImagesBrowser({ initial }: { initial: { query: ProducedQuery; images: Page; facets: Facets } }) {
  const searchParams = useSearchParams();
  const query = useMemo(() => parseProducedQuery((k) => searchParams.get(k)), [searchParams]);
  const same = producedSearchParams(query).toString() === producedSearchParams(initial.query).toString();
  const images = trpc.image.list.useQuery(query, { placeholderData: keepPreviousData, initialData: same ? initial.images : undefined });
  const facets = trpc.image.facets.useQuery(undefined, { initialData: initial.facets });

  function navigate(next: ProducedQuery, { replace = false } = {}) {
    const url = `${window.location.pathname}?${producedSearchParams(next).toString()}`;
    if (replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
  }
  const update = (patch: Partial<ProducedQuery>, opts?: { replace?: boolean }) => navigate({ ...query, page: 1, ...patch }, opts);

  const [text, setText] = useState(query.search ?? '');
  const pushed = useRef(query.search ?? '');
  useEffect(() => {
    const current = query.search ?? '';
    if (current !== pushed.current) {
      pushed.current = current;
      setText(current);
    }
  }, [query.search]);
  useEffect(() => {
    const wanted = text.trim();
    if (wanted === (query.search ?? '')) return;
    const timer = setTimeout(() => {
      pushed.current = wanted;
      update({ search: wanted || undefined }, { replace: true });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `update` reads the latest query when the timer fires
  }, [text, query.search]);

  const data = images.data;
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const filtered = hasProducedFilters(query);
  const clearFilters = () => {
    pushed.current = '';
    setText('');
    navigate({ ...PRODUCED_DEFAULTS, pageSize: query.pageSize });
  };
  const loading = images.isFetching && images.isPlaceholderData;

  return (
    <div className="space-y-3">
      <Filters query={query} facets={facets.data} text={text} onText={setText} onChange={update} />
      {data && total === 0 && !images.isPlaceholderData ? (
        <EmptyState filtered={filtered} onClear={clearFilters} />
      ) : (
        <>
          <ProducedTable rows={data?.rows ?? []} busy={loading} />
          <Pager
            page={query.page}
            pageSize={query.pageSize}
            pageSizes={PAGE_SIZES}
            rangeTestId="catalog-range"
            total={total}
            pages={pages}
            loading={loading}
            onClear={filtered ? clearFilters : undefined}
            onPage={(page) => navigate({ ...query, page })}
            onPageSize={(pageSize) => update({ pageSize })}
          />
        </>
      )}
      {images.error ? <p className="text-sm text-red-700">{images.error.message}</p> : null}
    </div>
  );
}

function Filters({ query, facets, text, onText, onChange }: { query: ProducedQuery; facets: Facets; text: string; onText: (t: string) => void; onChange: (p: Partial<ProducedQuery>) => void }) {
  const t = useTranslations('images');
  const tc = useTranslations('catalog');
  const tk = useTranslations('clouds.kinds');
  const tr = useTranslations('templateRoles');
  const regions = facets.regions.filter((r) => !query.cloud || r.cloud === query.cloud);
  const templates = facets.templates.filter((x) => !query.role || x.role === query.role);
  return (
    <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-[minmax(14rem,2fr)_repeat(5,minmax(0,1fr))]">
      <Field label={tc('search')} className="col-span-2 sm:col-span-3 lg:col-span-1">
        {(p) => <Input {...p} type="search" value={text} onChange={(e) => onText(e.target.value)} placeholder={t('searchPlaceholder')} spellCheck={false} />}
      </Field>
      <Field label={t('role')}>
        {(p) => (
          <Select {...p} value={query.role ?? ''} onChange={(e) => onChange({ role: (e.target.value || undefined) as ProducedQuery['role'] })}>
            <option value="">{t('allRoles')}</option>
            {TEMPLATE_ROLES.map((r) => (
              <option key={r} value={r}>
                {tr(r)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={t('template')}>
        {(p) => (
          <Select {...p} value={query.templateId ?? ''} onChange={(e) => onChange({ templateId: e.target.value || undefined })}>
            <option value="">{t('allTemplates')}</option>
            {query.templateId && !templates.some((x) => x.id === query.templateId) ? <option value={query.templateId}>{query.templateId}</option> : null}
            {templates.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={tc('cloud')}>
        {(p) => (
          <Select
            {...p}
            value={query.cloud ?? ''}
            onChange={(e) => {
              const cloud = (e.target.value || undefined) as TCloudKind | undefined;
              const keepRegion = !cloud || facets.regions.some((r) => r.cloud === cloud && r.region === query.region);
              onChange({ cloud, region: keepRegion ? query.region : undefined });
            }}
          >
            <option value="">{tc('allClouds')}</option>
            {CLOUD_KINDS.map((c) => (
              <option key={c} value={c}>
                {tk(c)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={tc('region')}>
        {(p) => (
          <Select {...p} value={query.region ?? ''} onChange={(e) => onChange({ region: e.target.value || undefined })}>
            <ChoiceOptions allLabel={tc('allRegions')} value={query.region} choices={[...new Set(regions.map((r) => r.region))]} />
          </Select>
        )}
      </Field>
      <Field label={t('state')}>
        {(p) => (
          <Select {...p} value={query.state ?? ''} onChange={(e) => onChange({ state: (e.target.value || undefined) as ProducedQuery['state'] })}>
            <option value="">{t('allStates')}</option>
            {PRODUCED_IMAGE_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`states.${s}`)}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </div>
  );
}

export function ProducedStateBadge({ state }: { state: ProducedRow['state'] }) {
  const t = useTranslations('images.states');
  return <Badge tone={state === 'available' ? 'green' : 'red'}>{t(state)}</Badge>;
}

/** An image id linking to its detail page, with a copy button. */
export function ImageIdCell({ cloud, region, imageId }: { cloud: string; region: string; imageId: string | null }) {
  const t = useTranslations('images');
  const tc = useTranslations('catalog');
  if (!imageId) return <span className="text-xs text-slate-500">{t('noImageId')}</span>;
  return (
    <span className="flex items-center justify-between gap-2">
      <Link href={imageHref(cloud, region, imageId)} className="font-mono text-xs text-blue-700 hover:underline" data-testid="produced-image-id">
        {imageId}
      </Link>
      <CopyButton value={imageId} label={tc('copyLabel', { id: imageId })} />
    </span>
  );
}

function ProducedTable({ rows, busy }: { rows: ProducedRow[]; busy: boolean }) {
  const t = useTranslations('images');
  const tc = useTranslations('catalog');
  return (
    <Table aria-label={t('tabs.produced')} aria-busy={busy} className={cn('min-w-[76rem] transition-opacity', busy && 'opacity-60')}>
      <thead>
        <tr>
          <Th>{t('imageId')}</Th>
          <Th>{tc('cloud')}</Th>
          <Th>{tc('region')}</Th>
          <Th>{t('role')}</Th>
          <Th>{t('template')}</Th>
          <Th>{t('build')}</Th>
          <Th>{t('baseImage')}</Th>
          <Th>{t('copiedFrom')}</Th>
          <Th>{t('state')}</Th>
          <Th>{t('startedBy')}</Th>
          <Th>{t('created')}</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <Tr key={r.id}>
            <Td className="whitespace-nowrap">
              <ImageIdCell cloud={r.cloud} region={r.region} imageId={r.imageId} />
            </Td>
            <Td>
              <CloudBadge cloud={r.cloud} />
            </Td>
            <Td className="font-mono text-xs whitespace-nowrap">{r.region}</Td>
            <Td>
              <RoleBadge role={r.role} />
            </Td>
            <Td className="whitespace-nowrap">
              <Link href={`/templates/${r.templateId}`} className="text-blue-700 hover:underline">
                {r.templateName}
              </Link>{' '}
              <span className="text-slate-600 tabular-nums">{t('version', { version: r.templateVersion })}</span>
            </Td>
            <Td className="whitespace-nowrap">
              <Link href={`/builds/${r.buildId}`} className="font-mono text-xs text-blue-700 hover:underline" title={r.buildId}>
                {r.buildId.slice(0, 8)}
              </Link>
            </Td>
            <Td className="whitespace-nowrap">
              <BaseImageLink cloud={r.cloud} region={r.baseImageRegion} imageId={r.baseImageId} known={r.baseImageKnown} />
            </Td>
            <Td className="font-mono text-xs whitespace-nowrap">
              {r.sourceRegion && r.sourceImageId ? (
                <Link href={imageHref(r.cloud, r.sourceRegion, r.sourceImageId)} className="text-blue-700 hover:underline" title={r.sourceImageId}>
                  {r.sourceRegion}
                </Link>
              ) : (
                <span className="text-slate-400">—</span>
              )}
            </Td>
            <Td className="whitespace-nowrap" title={r.error ?? undefined}>
              <ProducedStateBadge state={r.state} />
            </Td>
            <Td className="max-w-40 truncate text-xs text-slate-700">{r.startedByName ?? t('unknownUser')}</Td>
            <Td className="text-xs whitespace-nowrap text-slate-700">
              <DateTime date={r.producedAt} />
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}

export function BaseImageLink({ cloud, region, imageId, known }: { cloud: string; region: string | null; imageId: string | null; known: boolean }) {
  if (!imageId || !region) return <span className="text-slate-400">—</span>;
  // The detail page also knows images the inventory lost; it then says so.
  return (
    <Link href={imageHref(cloud, region, imageId)} className={cn('font-mono text-xs hover:underline', known ? 'text-blue-700' : 'text-slate-600')}>
      {imageId}
    </Link>
  );
}

function EmptyState({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  const t = useTranslations('images.empty');
  const box = 'rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600 space-y-2';
  if (filtered) {
    return (
      <div className={box}>
        <p className="font-medium text-slate-800">{t('noMatch')}</p>
        <Button size="sm" onClick={onClear}>
          {t('clearFilters')}
        </Button>
      </div>
    );
  }
  return (
    <div className={box}>
      <p className="font-medium text-slate-800">{t('none')}</p>
      <p>{t('noneHint')}</p>
      <Link href="/templates" className="inline-block text-blue-700 hover:underline">
        {t('openTemplates')}
      </Link>
    </div>
  );
}
