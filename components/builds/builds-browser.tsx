'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { keepPreviousData } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { CloudBadge } from '@/components/clouds/cloud-badges';
import { cn } from '@/components/ui/cn';
import { DateTime } from '@/components/ui/date-time';
import { Field, Input, Select } from '@/components/ui/field';
import { Pager } from '@/components/ui/pager';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { BUILD_PAGE_SIZES, BUILD_STATUSES, isFinalBuildStatus } from '@/server/api/schemas/builds';
import { CLOUD_KINDS, type TCloudKind } from '@/server/api/schemas/clouds';
import { BUILDS_DEFAULTS, buildsSearchParams, hasBuildFilters, parseBuildsQuery, sameBuildsQuery, type BuildsQuery } from './build-query';
import { BuildStatusBadge, CELL_TONES, Elapsed } from './build-status';

type Page = RouterOutputs['build']['list'];
type Facets = RouterOutputs['build']['facets'];
type Row = Page['rows'][number];

const SEARCH_DEBOUNCE_MS = 300;
/** Targets shown inline before "+N". */
const INLINE_TARGETS = 4;

/**
 * The Builds list: filtered, searched and paged on the server; the URL holds the view (History
 * API, which Next mirrors into useSearchParams). While a listed build runs the page refreshes
 * itself, so statuses and durations move without a reload.
 */
export function BuildsBrowser({ initial }: { initial: { query: BuildsQuery; builds: Page; facets: Facets } }) {
  const searchParams = useSearchParams();
  const query = useMemo(() => parseBuildsQuery((k) => searchParams.get(k)), [searchParams]);
  const t = useTranslations('builds.list');
  const [inFlight, setInFlight] = useState(() => initial.builds.rows.some((r) => !isFinalBuildStatus(r.status)));
  const builds = trpc.build.list.useQuery(query, {
    placeholderData: keepPreviousData,
    initialData: sameBuildsQuery(query, initial.query) ? initial.builds : undefined,
    refetchInterval: inFlight ? 2_000 : false,
  });
  const facets = trpc.build.facets.useQuery(undefined, { initialData: initial.facets });
  useEffect(() => {
    if (builds.data) setInFlight(builds.data.rows.some((r) => !isFinalBuildStatus(r.status)));
  }, [builds.data]);

  function navigate(next: BuildsQuery, { replace = false } = {}) {
    const qs = buildsSearchParams(next).toString();
    const url = `${window.location.pathname}${qs ? `?${qs}` : ''}`;
    if (replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
  }
  const update = (patch: Partial<BuildsQuery>, opts?: { replace?: boolean }) => navigate({ ...query, page: 1, ...patch }, opts);

  // Typed text is local; the URL follows after a pause.
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

  const data = builds.data;
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const loading = builds.isFetching && builds.isPlaceholderData;
  const filtered = hasBuildFilters(query);
  const clearFilters = () => {
    pushed.current = '';
    setText('');
    navigate({ ...BUILDS_DEFAULTS, pageSize: query.pageSize });
  };

  return (
    <div className="space-y-3">
      <Filters query={query} facets={facets.data} text={text} onText={setText} onChange={update} />
      {data && total === 0 && !builds.isPlaceholderData ? (
        <div className="rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">
          {filtered ? (
            <>
              {t('noMatch')}{' '}
              <button type="button" onClick={clearFilters} className="text-blue-700 hover:underline">
                {t('clearFilters')}
              </button>
            </>
          ) : (
            t('empty')
          )}
        </div>
      ) : (
        <>
          <BuildsTable rows={data?.rows ?? []} busy={loading} />
          <Pager page={query.page} pageSize={query.pageSize} pageSizes={BUILD_PAGE_SIZES} rangeTestId="builds-range" total={total} pages={pages} loading={loading} onClear={filtered ? clearFilters : undefined} onPage={(page) => navigate({ ...query, page })} onPageSize={(pageSize) => update({ pageSize })} />
        </>
      )}
      {builds.error ? <p className="text-sm text-red-700">{builds.error.message}</p> : null}
    </div>
  );
}

function Filters({ query, facets, text, onText, onChange }: { query: BuildsQuery; facets: Facets; text: string; onText: (text: string) => void; onChange: (patch: Partial<BuildsQuery>) => void }) {
  const t = useTranslations('builds.list');
  const ts = useTranslations('builds.status');
  const tk = useTranslations('clouds.kinds');
  // A template or person named in the link but no longer among the facets still shows as selected.
  const templateKnown = !query.templateId || facets.templates.some((x) => x.id === query.templateId);
  const userKnown = !query.requestedBy || facets.users.some((x) => x.id === query.requestedBy);
  return (
    <div className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-[minmax(16rem,2fr)_repeat(4,minmax(0,1fr))]">
      <Field label={t('search')} className="col-span-2 sm:col-span-4 lg:col-span-1">
        {(p) => <Input {...p} type="search" value={text} onChange={(e) => onText(e.target.value)} placeholder={t('searchPlaceholder')} spellCheck={false} />}
      </Field>
      <Field label={t('status')}>
        {(p) => (
          <Select {...p} value={query.status ?? ''} onChange={(e) => onChange({ status: (e.target.value || undefined) as BuildsQuery['status'] })}>
            <option value="">{t('allStatuses')}</option>
            {BUILD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {ts(s)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={t('template')}>
        {(p) => (
          <Select {...p} value={query.templateId ?? ''} onChange={(e) => onChange({ templateId: e.target.value || undefined })}>
            <option value="">{t('allTemplates')}</option>
            {!templateKnown ? <option value={query.templateId}>{query.templateId}</option> : null}
            {facets.templates.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={t('cloud')}>
        {(p) => (
          <Select {...p} value={query.cloud ?? ''} onChange={(e) => onChange({ cloud: (e.target.value || undefined) as TCloudKind | undefined })}>
            <option value="">{t('allClouds')}</option>
            {CLOUD_KINDS.map((c) => (
              <option key={c} value={c}>
                {tk(c)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={t('who')}>
        {(p) => (
          <Select {...p} value={query.requestedBy ?? ''} onChange={(e) => onChange({ requestedBy: e.target.value || undefined })}>
            <option value="">{t('everyone')}</option>
            {!userKnown ? <option value={query.requestedBy}>{query.requestedBy}</option> : null}
            {facets.users.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </div>
  );
}

function BuildsTable({ rows, busy }: { rows: Row[]; busy: boolean }) {
  const t = useTranslations('builds.list');
  const td = useTranslations('builds.detail');
  return (
    <Table aria-label={t('build')} aria-busy={busy} className={cn('transition-opacity sm:min-w-[52rem]', busy && 'opacity-60')}>
      <thead>
        <tr>
          <Th>{t('build')}</Th>
          <Th>{t('status')}</Th>
          <Th className="hidden sm:table-cell">{t('targets')}</Th>
          <Th className="hidden text-right sm:table-cell">{t('duration')}</Th>
          <Th className="hidden md:table-cell">{t('started')}</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((b) => (
          <Tr key={b.id}>
            <Td className="max-w-[14rem] sm:max-w-none">
              <div className="flex flex-wrap items-baseline gap-x-1.5">
                <Link href={`/templates/${b.templateId}`} className="font-medium text-blue-700 hover:underline">
                  {b.templateName}
                </Link>
                <Link href={`/templates/${b.templateId}/history`} className="text-xs text-blue-700 tabular-nums hover:underline">
                  v{b.templateVersion}
                </Link>
              </div>
              <Link href={`/builds/${b.id}`} aria-label={t('open', { id: b.id.slice(0, 8) })} className="font-mono text-xs text-slate-600 hover:text-blue-700 hover:underline">
                {b.id.slice(0, 8)}
              </Link>
              <span className="text-xs text-slate-500"> · {b.requestedByName ?? td('removedUser')}</span>
              {/* Phones: targets and timing under the name (their columns are off-screen there). */}
              <div className="mt-1 space-y-1 sm:hidden">
                <Targets targets={b.targets} />
                <p className="text-xs text-slate-600">
                  <DateTime date={b.createdAt} style="relative" /> · <Elapsed startedAt={b.startedAt} finishedAt={b.finishedAt} />
                </p>
              </div>
            </Td>
            <Td className="whitespace-nowrap">
              <Link href={`/builds/${b.id}`} className="rounded focus-visible:outline-2 focus-visible:outline-blue-500">
                <BuildStatusBadge status={b.status} />
              </Link>
            </Td>
            <Td className="hidden sm:table-cell">
              <Targets targets={b.targets} />
            </Td>
            <Td className="hidden text-right text-xs whitespace-nowrap text-slate-700 sm:table-cell">
              <Elapsed startedAt={b.startedAt} finishedAt={b.finishedAt} />
            </Td>
            <Td className="hidden text-xs whitespace-nowrap text-slate-700 md:table-cell">
              <DateTime date={b.createdAt} />
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}

/** Regions per cloud, each tinted by its run's status; "+N" past a few, the rest on hover. */
function Targets({ targets }: { targets: Row['targets'] }) {
  const t = useTranslations('builds.list');
  const ts = useTranslations('builds.status');
  const shown = targets.slice(0, INLINE_TARGETS);
  const rest = targets.slice(INLINE_TARGETS);
  const copies = targets.reduce((n, x) => n + x.copies.length, 0);
  const clouds = [...new Set(shown.map((x) => x.cloud))];
  return (
    <div className="flex flex-wrap items-center gap-1">
      {clouds.map((cloud) => (
        <span key={cloud} className="inline-flex flex-wrap items-center gap-1">
          <CloudBadge cloud={cloud} />
          {shown
            .filter((x) => x.cloud === cloud)
            .map((x) => (
              <span key={`${x.cloud}/${x.region}`} title={`${x.region}: ${ts(x.status)}`} className={cn('rounded border-l-2 px-1 font-mono text-xs text-slate-800 ring-1 ring-slate-200 ring-inset', CELL_TONES[x.status])}>
                {x.region}
              </span>
            ))}
        </span>
      ))}
      {rest.length ? (
        <span className="text-xs text-slate-600" title={rest.map((x) => `${x.cloud} ${x.region}: ${ts(x.status)}`).join('\n')}>
          {t('moreTargets', { count: rest.length })}
        </span>
      ) : null}
      {copies ? <span className="text-xs text-slate-500">{t('copies', { count: copies })}</span> : null}
    </div>
  );
}

