'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { keepPreviousData } from '@tanstack/react-query';
import { useFormatter, useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { CloudBadge } from '@/components/clouds/cloud-badges';
import { syncSignature, type CloudAccountRow, type RegionRow } from '@/components/clouds/sync-state';
import { useInventory } from '@/components/clouds/use-inventory';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { cn } from '@/components/ui/cn';
import { Field, Input, Select } from '@/components/ui/field';
import { Pager } from '@/components/ui/pager';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { CLOUD_KINDS, type TCloudKind } from '@/server/api/schemas/clouds';
import { CATALOG_DEFAULTS, catalogSearchParams, hasFilters, PAGE_SIZES, parseCatalogQuery, sameQuery, type CatalogQuery } from './catalog-query';
import { CopyButton } from './copy-button';
import { SyncStatusBar } from './sync-status-bar';
import { ChoiceOptions } from '@/components/ui/choice-options';

type Page = RouterOutputs['catalog']['baseImages'];
type Facets = RouterOutputs['catalog']['facets'];
type Image = Page['rows'][number];
type SortKey = CatalogQuery['sort'];

const SEARCH_DEBOUNCE_MS = 300;
// Newest first is what people want when they sort by date; names and places read A→Z.
const FIRST_DIRECTION: Record<SortKey, 'asc' | 'desc'> = { name: 'asc', created: 'desc', region: 'asc', os: 'asc' };

export interface CatalogInitial {
  query: CatalogQuery;
  images: Page;
  facets: Facets;
  regions: RegionRow[];
  accounts: CloudAccountRow[];
}

/**
 * The base image catalog: filtered, searched, sorted and paged on the server. The URL holds
 * the view (a link reproduces it, reload keeps it); changing it goes through the History API,
 * which Next.js mirrors into useSearchParams without a server round trip.
 */
export function BaseImagesBrowser({ initial, canSync, canAdmin }: { initial: CatalogInitial; canSync: boolean; canAdmin: boolean }) {
  const searchParams = useSearchParams();
  const query = useMemo(() => parseCatalogQuery((k) => searchParams.get(k)), [searchParams]);
  const utils = trpc.useUtils();
  const inventory = useInventory({ regions: initial.regions, accounts: initial.accounts });

  const images = trpc.catalog.baseImages.useQuery(query, {
    placeholderData: keepPreviousData,
    initialData: sameQuery(query, initial.query) ? initial.images : undefined,
    // While regions sync, the catalog fills up; show it happen.
    refetchInterval: inventory.syncing ? 3_000 : false,
  });
  const facets = trpc.catalog.facets.useQuery(undefined, { initialData: initial.facets, refetchInterval: inventory.syncing ? 10_000 : false });

  // When a region's sync finishes (or fails), what the catalog shows may have changed.
  const signature = syncSignature(inventory.regions, inventory.accounts);
  const lastSignature = useRef(signature);
  useEffect(() => {
    if (lastSignature.current === signature) return;
    lastSignature.current = signature;
    void utils.catalog.invalidate();
  }, [signature, utils]);

  function navigate(next: CatalogQuery, { replace = false } = {}) {
    const qs = catalogSearchParams(next).toString();
    const url = `${window.location.pathname}${qs ? `?${qs}` : ''}`;
    if (replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
  }
  /** Any change but paging starts again at page 1. */
  const update = (patch: Partial<CatalogQuery>, opts?: { replace?: boolean }) => navigate({ ...query, page: 1, ...patch }, opts);

  // Search box: typed text is local; the URL (and so the query) follows after a pause.
  const [text, setText] = useState(query.search ?? '');
  const pushed = useRef(query.search ?? '');
  useEffect(() => {
    // Back/forward or "clear filters" changed the search: show it, unless it is what we just sent.
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
  // A link to page 9 of what is now 3 pages: show the last page rather than an empty table.
  useEffect(() => {
    if (data && !images.isPlaceholderData && query.page > pages) navigate({ ...query, page: pages }, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, pages, query.page]);

  const filtered = hasFilters(query);
  const clearFilters = () => {
    pushed.current = '';
    setText('');
    navigate({ ...CATALOG_DEFAULTS, sort: query.sort, direction: query.direction, pageSize: query.pageSize });
  };
  const loading = images.isFetching && images.isPlaceholderData;
  const rows = data?.rows ?? [];

  return (
    <div className="space-y-3">
      <SyncStatusBar
        regions={inventory.regions}
        accounts={inventory.accounts}
        busy={inventory.busy}
        canSync={canSync}
        canSeeRegions
        onSyncRequested={inventory.markRequested}
      />
      <Filters query={query} facets={facets.data} text={text} onText={setText} onChange={update} />

      {data && total === 0 && !images.isPlaceholderData ? (
        <EmptyState
          filtered={filtered}
          accounts={inventory.accounts.length}
          neverSynced={inventory.regions.every((r) => !r.lastSync)}
          busy={inventory.busy}
          canSync={canSync}
          canAdmin={canAdmin}
          onClear={clearFilters}
          onSyncRequested={inventory.markRequested}
        />
      ) : (
        <>
          <ImagesTable rows={rows} query={query} busy={loading} onSort={(sort) => update({ sort, direction: query.sort === sort ? (query.direction === 'asc' ? 'desc' : 'asc') : FIRST_DIRECTION[sort] })} />
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

function Filters({
  query,
  facets,
  text,
  onText,
  onChange,
}: {
  query: CatalogQuery;
  facets: Facets;
  text: string;
  onText: (text: string) => void;
  onChange: (patch: Partial<CatalogQuery>) => void;
}) {
  const t = useTranslations('catalog');
  const tk = useTranslations('clouds.kinds');
  const regions = facets.regions.filter((r) => !query.cloud || r.cloud === query.cloud);
  const families = [...new Set(facets.families.map((f) => f.osFamily).filter(Boolean))];
  const versions = facets.families.filter((f) => f.osFamily === query.osFamily && f.osVersion).map((f) => f.osVersion);
  // A region named in the link but not (yet) in the inventory still shows as selected.
  const regionKnown = !query.region || regions.some((r) => r.region === query.region);

  return (
    <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-[minmax(14rem,2fr)_repeat(5,minmax(0,1fr))]">
      <Field label={t('search')} className="col-span-2 sm:col-span-3 lg:col-span-1">
        {(p) => <Input {...p} type="search" value={text} onChange={(e) => onText(e.target.value)} placeholder={t('searchPlaceholder')} spellCheck={false} />}
      </Field>
      <Field label={t('cloud')}>
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
            <option value="">{t('allClouds')}</option>
            {CLOUD_KINDS.map((c) => (
              <option key={c} value={c}>
                {tk(c)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={t('region')}>
        {(p) => (
          <Select {...p} value={query.region ?? ''} onChange={(e) => onChange({ region: e.target.value || undefined })}>
            <option value="">{t('allRegions')}</option>
            {!regionKnown ? <option value={query.region}>{query.region}</option> : null}
            {CLOUD_KINDS.filter((c) => regions.some((r) => r.cloud === c)).map((c) => (
              <optgroup key={c} label={tk(c)}>
                {regions
                  .filter((r) => r.cloud === c)
                  .map((r) => (
                    <option key={`${c}/${r.region}`} value={r.region}>
                      {r.region}
                    </option>
                  ))}
              </optgroup>
            ))}
          </Select>
        )}
      </Field>
      <Field label={t('osFamily')}>
        {(p) => (
          <Select {...p} value={query.osFamily ?? ''} onChange={(e) => onChange({ osFamily: e.target.value || undefined, osVersion: undefined })}>
            <ChoiceOptions allLabel={t('allFamilies')} value={query.osFamily} choices={families} />
          </Select>
        )}
      </Field>
      <Field label={t('osVersion')}>
        {(p) => (
          <Select {...p} value={query.osVersion ?? ''} disabled={!query.osFamily && !query.osVersion} onChange={(e) => onChange({ osVersion: e.target.value || undefined })}>
            <ChoiceOptions allLabel={t('allVersions')} value={query.osVersion} choices={versions} />
          </Select>
        )}
      </Field>
      <Field label={t('status')}>
        {(p) => (
          <Select {...p} value={query.status} onChange={(e) => onChange({ status: e.target.value as CatalogQuery['status'] })}>
            <option value="available">{t('statusAvailable')}</option>
            <option value="removed">{t('statusRemoved')}</option>
            <option value="all">{t('statusAll')}</option>
          </Select>
        )}
      </Field>
    </div>
  );
}

function ImagesTable({ rows, query, busy, onSort }: { rows: Image[]; query: CatalogQuery; busy: boolean; onSort: (key: SortKey) => void }) {
  const t = useTranslations('catalog');
  const format = useFormatter();
  const sortable = (key: SortKey, label: string, className?: string) => {
    const active = query.sort === key;
    return (
      <Th className={className} aria-sort={active ? (query.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button
          type="button"
          onClick={() => onSort(key)}
          className={cn('inline-flex items-center gap-1 tracking-wide uppercase hover:text-slate-900', active && 'text-slate-900')}
        >
          {label}
          <span aria-hidden className={cn('w-2.5 text-[10px]', active ? 'text-blue-700' : 'text-slate-300')}>
            {active && query.direction === 'desc' ? '▼' : '▲'}
          </span>
        </button>
      </Th>
    );
  };
  return (
    <Table aria-label={t('title')} aria-busy={busy} className={cn('relative min-w-[68rem] transition-opacity', busy && 'opacity-60')}>
      <thead>
        <tr>
          <Th>{t('imageId')}</Th>
          {sortable('name', t('name'))}
          {sortable('os', t('os'))}
          <Th>{t('arch')}</Th>
          <Th className="text-right">{t('size')}</Th>
          {sortable('region', t('region'))}
          <Th>{t('cloud')}</Th>
          {sortable('created', t('created'))}
          <Th>{t('status')}</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((img) => (
          <Tr key={img.id}>
            <Td className="whitespace-nowrap">
              <span className="flex items-center justify-between gap-2">
                <code className="font-mono text-xs text-slate-900 select-all" data-testid="image-id">
                  {img.imageId}
                </code>
                <CopyButton value={img.imageId} label={t('copyLabel', { id: img.imageId })} />
              </span>
            </Td>
            <Td className="max-w-96">
              {/* One line per image keeps the table calm; the vendor's OS text is on hover. */}
              <span className="block truncate" title={img.osName && img.osName !== img.name ? `${img.name}\n${img.osName}` : img.name}>
                {img.name}
              </span>
            </Td>
            <Td className="whitespace-nowrap">
              {img.osFamily ? (
                <>
                  {img.osFamily} <span className="text-slate-600 tabular-nums">{img.osVersion}</span>
                </>
              ) : (
                <span className="text-slate-400">—</span>
              )}
            </Td>
            <Td className="font-mono text-xs whitespace-nowrap text-slate-700">{img.architecture || '—'}</Td>
            <Td className="text-right text-xs whitespace-nowrap tabular-nums">
              {img.sizeGb === null ? '—' : format.number(img.sizeGb, { style: 'unit', unit: 'gigabyte', unitDisplay: 'short' })}
            </Td>
            <Td className="font-mono text-xs whitespace-nowrap">{img.region}</Td>
            <Td>
              <CloudBadge cloud={img.cloud} />
            </Td>
            <Td className="text-xs whitespace-nowrap text-slate-700">
              {img.imageCreatedAt ? (
                <DateTime date={img.imageCreatedAt} style="date" />
              ) : (
                '—'
              )}
            </Td>
            <Td className="whitespace-nowrap">
              {img.status === 'removed' ? (
                <span className="flex items-center gap-1.5">
                  <Badge tone="red">{t('removed')}</Badge>
                  {img.removedAt ? (
                    <DateTime className="text-xs text-slate-600" date={img.removedAt} style="date" />
                  ) : null}
                </span>
              ) : (
                <Badge tone="green">{t('available')}</Badge>
              )}
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}

function EmptyState({
  filtered,
  accounts,
  neverSynced,
  busy,
  canSync,
  canAdmin,
  onClear,
  onSyncRequested,
}: {
  filtered: boolean;
  accounts: number;
  neverSynced: boolean;
  busy: boolean;
  canSync: boolean;
  canAdmin: boolean;
  onClear: () => void;
  onSyncRequested: () => void;
}) {
  const t = useTranslations('catalog.empty');
  const sync = trpc.inventory.syncNow.useMutation({ onSuccess: onSyncRequested });
  const box = 'rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600 space-y-2';
  if (accounts === 0) {
    return (
      <div className={box}>
        <p className="font-medium text-slate-800">{t('noAccounts')}</p>
        {canAdmin ? (
          <Link href="/settings/clouds" className="inline-block text-blue-700 hover:underline">
            {t('addAccount')}
          </Link>
        ) : (
          <p>{t('askAdmin')}</p>
        )}
      </div>
    );
  }
  if (busy && !filtered) {
    return (
      <div className={box} role="status">
        <p className="font-medium text-slate-800">{t('syncing')}</p>
      </div>
    );
  }
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
  if (neverSynced) {
    return (
      <div className={box}>
        <p className="font-medium text-slate-800">{t('neverSynced')}</p>
        {canSync ? (
          <>
            <p>{t('neverSyncedHint')}</p>
            <Button variant="primary" size="sm" disabled={sync.isPending} onClick={() => sync.mutate({})}>
              {t('syncNow')}
            </Button>
          </>
        ) : (
          <p>{t('askBuilder')}</p>
        )}
      </div>
    );
  }
  return (
    <div className={box}>
      <p className="font-medium text-slate-800">{t('nothingListed')}</p>
    </div>
  );
}
