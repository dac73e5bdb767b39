'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'next/navigation';
import { keepPreviousData } from '@tanstack/react-query';
import { useTimeZone, useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { Field, Input, Select } from '@/components/ui/field';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import {
  AUDIT_ACTIONS,
  AUDIT_PAGE_SIZES,
  AUDIT_TARGET_TYPES,
  auditSearchParams,
  parseAuditSearchParams,
  SYSTEM_ACTOR,
  type TFindAuditRequest,
} from '@/server/api/schemas/audit';

type Page = RouterOutputs['audit']['list'];
type Facets = RouterOutputs['audit']['facets'];
type Entry = Page['rows'][number];

const TYPING_DEBOUNCE_MS = 300;
// Two filters per row on a phone; fixed widths from `sm` up, so the row does not jump as values change.
const HALF = 'w-[calc(50%-0.25rem)] shrink-0';

/**
 * Settings → Audit log: filtered, searched and paged on the server. The URL holds the view
 * (a link reproduces it); the export downloads the same filters as CSV.
 */
export function AuditLog({ initial }: { initial: { query: TFindAuditRequest; page: Page; facets: Facets } }) {
  const t = useTranslations('audit');
  const timeZone = useTimeZone() ?? 'UTC';
  const searchParams = useSearchParams();
  const parsed = useMemo(() => parseAuditSearchParams((k) => searchParams.get(k), timeZone), [searchParams, timeZone]);
  const query = parsed.query;
  const sameAsInitial = auditSearchParams(query).toString() === auditSearchParams(initial.query).toString();

  const list = trpc.audit.list.useQuery(query, { placeholderData: keepPreviousData, initialData: sameAsInitial ? initial.page : undefined });
  const facets = trpc.audit.facets.useQuery(undefined, { initialData: initial.facets });

  function navigate(next: Partial<TFindAuditRequest>, { replace = false } = {}) {
    const qs = auditSearchParams(next).toString();
    const url = `${window.location.pathname}${qs ? `?${qs}` : ''}`;
    if (replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
  }
  /** Any change but paging starts again at page 1. */
  const update = (patch: Partial<TFindAuditRequest>, opts?: { replace?: boolean }) => navigate({ ...query, page: 1, ...patch }, opts);

  const search = useTypedParam(query.search, (v) => update({ search: v }, { replace: true }));
  const target = useTypedParam(query.target, (v) => update({ target: v }, { replace: true }));

  const data = list.data;
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  useEffect(() => {
    if (data && !list.isPlaceholderData && query.page > pages) navigate({ ...query, page: pages }, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, pages, query.page]);

  const actionLabel = useActionLabel();
  const actions = [...new Set<string>([...AUDIT_ACTIONS, ...(facets.data?.actions ?? [])])].sort((a, b) => actionLabel(a).localeCompare(actionLabel(b)));
  const actors = (facets.data?.actors ?? []).filter((a): a is string => a !== null);
  const filtered = Boolean(query.actor || query.action || query.targetType || query.target || query.search || query.from || query.to);
  const exportHref = `/api/audit/export?${new URLSearchParams([...auditSearchParams({ ...query, page: 1, pageSize: 50 })].concat([['tz', timeZone]])).toString()}`;
  // A hand-edited link with a bad value: the field says so, and the rest of the view still applies.
  const errors: Partial<Record<keyof typeof parsed.query, string>> = parsed.ok ? {} : Object.fromEntries(Object.keys(parsed.errors).map((k) => [k, t('invalidValue')]));
  const rows = data?.rows ?? [];
  const first = total === 0 ? 0 : (query.page - 1) * query.pageSize + 1;
  const last = Math.min(total, query.page * query.pageSize);

  return (
    <div className="space-y-3">
      <form role="search" aria-label={t('filters')} className="flex flex-wrap gap-2" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('search')} className="w-full sm:w-auto sm:min-w-52 sm:flex-1">
          {(p) => <Input {...p} type="search" value={search.text} onChange={(e) => search.setText(e.target.value)} placeholder={t('searchHint')} maxLength={200} />}
        </Field>
        <Field label={t('action')} error={errors.action} className={HALF + ' sm:w-48'}>
          {(p) => (
            <Select {...p} value={query.action ?? ''} onChange={(e) => update({ action: e.target.value || undefined })}>
              <option value="">{t('all')}</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {actionLabel(a)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label={t('who')} error={errors.actor} className={HALF + ' sm:w-48'}>
          {(p) => (
            <Select {...p} value={query.actor ?? ''} onChange={(e) => update({ actor: e.target.value || undefined })}>
              <option value="">{t('all')}</option>
              <option value={SYSTEM_ACTOR}>{t('system')}</option>
              {actors.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label={t('targetType')} error={errors.targetType} className={HALF + ' sm:w-32'}>
          {(p) => (
            <Select {...p} value={query.targetType ?? ''} onChange={(e) => update({ targetType: e.target.value || undefined })}>
              <option value="">{t('all')}</option>
              {AUDIT_TARGET_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`targetTypes.${type}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label={t('target')} error={errors.target} className={HALF + ' sm:w-32'}>
          {(p) => <Input {...p} value={target.text} onChange={(e) => target.setText(e.target.value)} placeholder={t('targetHint')} maxLength={200} />}
        </Field>
        <Field label={t('from')} error={errors.from} className={HALF + ' sm:w-36'}>
          {(p) => <Input {...p} type="date" min="2000-01-01" max="2999-12-31" value={query.from ?? ''} onChange={(e) => update({ from: e.target.value || undefined })} />}
        </Field>
        <Field label={t('to')} error={errors.to} className={HALF + ' sm:w-36'}>
          {(p) => <Input {...p} type="date" min="2000-01-01" max="2999-12-31" value={query.to ?? ''} onChange={(e) => update({ to: e.target.value || undefined })} />}
        </Field>
      </form>

      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-600" aria-live="polite">
          {t('showing', { first, last, total })}
        </span>
        {filtered ? (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              search.reset();
              target.reset();
              navigate({ pageSize: query.pageSize });
            }}
          >
            {t('clearFilters')}
          </Button>
        ) : null}
        <span className="flex-1" />
        <a
          href={exportHref}
          download
          className="inline-flex h-7 items-center rounded-md border border-slate-300 bg-white px-2.5 text-xs font-medium text-slate-800 hover:bg-slate-50"
        >
          {t('exportCsv')}
        </a>
      </div>

      {list.error ? <Alert tone="error">{list.error.message}</Alert> : null}

      {rows.length === 0 && !list.isFetching ? (
        <p className="rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">{filtered ? t('noMatches') : t('empty')}</p>
      ) : (
        <Table aria-label={t('title')} aria-busy={list.isFetching || undefined} className={list.isPlaceholderData ? 'opacity-60' : undefined}>
          <thead>
            <tr>
              <Th>{t('when')}</Th>
              <Th className="hidden sm:table-cell">{t('who')}</Th>
              <Th>{t('action')}</Th>
              <Th>{t('target')}</Th>
              <Th className="hidden lg:table-cell">{t('details')}</Th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <AuditRow key={e.id} entry={e} actionLabel={actionLabel(e.action)} />
            ))}
          </tbody>
        </Table>
      )}

      <nav aria-label={t('pages')} className="flex flex-wrap items-center gap-2 text-sm">
        <Button size="sm" disabled={query.page <= 1} onClick={() => navigate({ ...query, page: query.page - 1 })}>
          {t('previous')}
        </Button>
        <span className="text-slate-600 tabular-nums">{t('pageOf', { page: Math.min(query.page, pages), pages })}</span>
        <Button size="sm" disabled={query.page >= pages} onClick={() => navigate({ ...query, page: query.page + 1 })}>
          {t('next')}
        </Button>
        <span className="flex-1" />
        <label className="flex items-center gap-1.5 text-xs whitespace-nowrap text-slate-600">
          {t('perPage')}
          <Select className="w-20" value={query.pageSize} onChange={(e) => update({ pageSize: Number(e.target.value) })}>
            {AUDIT_PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </Select>
        </label>
      </nav>
    </div>
  );
}

function AuditRow({ entry: e, actionLabel }: { entry: Entry; actionLabel: string }) {
  const t = useTranslations('audit');
  const details = JSON.stringify(e.details);
  const actor = e.actorEmail ?? <Badge tone="violet">{t('system')}</Badge>;
  return (
    <Tr>
      <Td className="text-xs text-slate-600 sm:whitespace-nowrap">
        <DateTime date={e.createdAt} />
      </Td>
      <Td className="hidden max-w-[14rem] truncate sm:table-cell">{actor}</Td>
      <Td title={e.action}>
        <span className="block sm:whitespace-nowrap">{actionLabel}</span>
        {/* On a phone the actor goes under the action instead of its own column. */}
        <span className="block max-w-[9rem] truncate text-xs text-slate-500 sm:hidden">{actor}</span>
      </Td>
      <Td className="max-w-[10rem] sm:max-w-[16rem]">
        <span className="block truncate" title={`${e.target.type}: ${e.target.id}`}>
          {e.target.name ?? <span className="font-mono text-xs text-slate-600">{e.target.id}</span>}
          {e.target.deleted ? <span className="ml-1 text-xs text-slate-500">{t('deleted')}</span> : null}
        </span>
        <span className="block text-xs text-slate-500">{isKnownTargetType(e.target.type) ? t(`targetTypes.${e.target.type}`) : e.target.type}</span>
      </Td>
      <Td className="hidden max-w-md truncate font-mono text-xs text-slate-500 lg:table-cell" title={details}>
        {details === '{}' ? '' : details}
      </Td>
    </Tr>
  );
}

function isKnownTargetType(type: string): type is (typeof AUDIT_TARGET_TYPES)[number] {
  return (AUDIT_TARGET_TYPES as readonly string[]).includes(type);
}

/** An action's name in the user's language; an action this build has no words for shows as recorded. */
function useActionLabel() {
  const t = useTranslations('audit.actions');
  return (action: string) => {
    // Message keys cannot hold dots (next-intl reads them as nesting).
    const key = action.replace(/\./g, '_') as Parameters<typeof t>[0];
    return t.has(key) ? t(key) : action;
  };
}

/** A text filter: typed text is local; the URL follows after a pause (and back/forward updates the box). */
function useTypedParam(value: string | undefined, commit: (v: string | undefined) => void) {
  const [text, setText] = useState(value ?? '');
  const pushed = useRef(value ?? '');
  // The timer must apply the text to the view as it is when it fires (another filter may have
  // changed meanwhile), not to the view of the render that started it.
  const latestCommit = useRef(commit);
  latestCommit.current = commit;
  useEffect(() => {
    const current = value ?? '';
    if (current !== pushed.current) {
      pushed.current = current;
      setText(current);
    }
  }, [value]);
  useEffect(() => {
    const wanted = text.trim();
    if (wanted === (value ?? '')) return;
    const timer = setTimeout(() => {
      pushed.current = wanted;
      latestCommit.current(wanted || undefined);
    }, TYPING_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, value]);
  return {
    text,
    setText,
    reset: () => {
      pushed.current = '';
      setText('');
    },
  };
}
