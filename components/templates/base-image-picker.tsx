'use client';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { useFormatter, useNow, useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input, Select } from '@/components/ui/field';
import type { LocatedBuilder } from './builder-locator';
import { ChoiceOptions } from '@/components/ui/choice-options';

type Choices = RouterOutputs['catalog']['imageChoices'];
type Choice = Choices['rows'][number];
export type ImageFacts = RouterOutputs['catalog']['imageFacts'][number];

const SEARCH_DEBOUNCE_MS = 250;
// The desktop columns: name, image id, OS, CPU platforms, ENA, size, age, status.
const COLUMNS = 'md:grid md:grid-cols-[minmax(0,2.4fr)_minmax(0,1.5fr)_minmax(0,1.1fr)_minmax(0,1.3fr)_3.5rem_3.5rem_6.5rem_5rem] md:gap-3';

/**
 * "Pick from catalog" for one builder: its region's available base images (newest first, the OS of
 * its current image pre-selected), each marked when the template check would refuse it on the
 * builder's hosts. A listbox: ↑/↓/Home/End move, Enter or a click chooses, Esc closes.
 */
export function BaseImagePicker({
  builder,
  current,
  onPick,
  onClose,
}: {
  builder: LocatedBuilder;
  /** The catalog facts of the builder's current image, when known. */
  current?: ImageFacts;
  onPick: (imageId: string) => void;
  onClose: () => void;
}) {
  const t = useTranslations('imagePicker');
  const format = useFormatter();
  const now = useNow();
  const listId = useId();
  const [region, setRegion] = useState(builder.region ?? '');
  const [osFamily, setOsFamily] = useState(current?.osFamily ?? '');
  const [osVersion, setOsVersion] = useState(current?.osVersion ?? '');
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  useEffect(() => {
    const id = setTimeout(() => setSearch(text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(id);
  }, [text]);

  const query = trpc.catalog.imageChoices.useQuery(
    {
      cloud: builder.cloud,
      region,
      osFamily: osFamily || undefined,
      osVersion: osVersion || undefined,
      search: search || undefined,
      zone: builder.zone ?? undefined,
      instanceType: builder.instanceType ?? undefined,
      limit: 100,
    },
    { placeholderData: keepPreviousData },
  );
  const data = query.data;
  const rows = useMemo(() => data?.rows ?? [], [data]);
  const families = useMemo(() => [...new Set((data?.families ?? []).map((f) => f.osFamily).filter(Boolean))], [data]);
  const versions = (data?.families ?? []).filter((f) => f.osFamily === osFamily && f.osVersion).map((f) => f.osVersion);

  const [active, setActive] = useState(0);
  const list = useRef<HTMLDivElement>(null);
  // A new answer puts the cursor on the first image that can boot (the newest usable one).
  useEffect(() => {
    const first = rows.findIndex((r) => r.fit.ok);
    setActive(first < 0 ? 0 : first);
  }, [rows]);
  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  // The list takes the focus when it first appears, so the arrows work at once.
  const listShown = rows.length > 0;
  const focused = useRef(false);
  useEffect(() => {
    if (!listShown || focused.current) return;
    focused.current = true;
    list.current?.focus();
  }, [listShown]);

  const choose = (row: Choice | undefined) => {
    if (row?.fit.ok) onPick(row.imageId);
  };
  const onKeys = (e: React.KeyboardEvent) => {
    const last = rows.length - 1;
    const moves: Record<string, () => number> = {
      ArrowDown: () => Math.min(active + 1, last),
      ArrowUp: () => Math.max(active - 1, 0),
      Home: () => 0,
      End: () => last,
      PageDown: () => Math.min(active + 10, last),
      PageUp: () => Math.max(active - 10, 0),
    };
    // Home/End belong to the search box's caret.
    if (e.currentTarget.tagName === 'INPUT' && (e.key === 'Home' || e.key === 'End')) return;
    const move = moves[e.key];
    if (move && rows.length > 0) {
      e.preventDefault();
      setActive(move());
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(rows[active]);
    }
  };

  const regionLabel = region || t('unknownValue');
  const otherRegion = builder.region !== null && region !== '' && region !== builder.region;
  const filtered = Boolean(osFamily || osVersion || search);
  const clear = () => {
    setOsFamily('');
    setOsVersion('');
    setText('');
    setSearch('');
  };
  const age = (d: Date | null) => (d ? format.relativeTime(d > now ? now : d, now) : t('notReported'));
  const optionId = (i: number) => `${listId}-option-${i}`;

  return (
    <Dialog open onClose={onClose} title={t('title', { builder: builder.name })} wide>
      <div className="space-y-3 text-sm">
        <p className="text-xs text-slate-600">
          {t(builder.zone ? 'builderRegion' : 'builderRegionNoZone', {
            builder: builder.name,
            region: builder.region ?? t('unknownValue'),
            zone: builder.zone ?? '',
            instanceType: builder.instanceType ?? t('unknownValue'),
          })}
        </p>
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          <Field label={t('region')}>
            {(p) => (
              <Select {...p} value={region} onChange={(e) => setRegion(e.target.value)}>
                {region === '' ? <option value="">{t('chooseRegion')}</option> : null}
                {data && region !== '' && !data.regions.some((r) => r.id === region) ? <option value={region}>{region}</option> : null}
                {(data?.regions ?? []).map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.synced ? `${r.id} · ${r.name}` : t('regionNotSynced', { region: r.id })}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label={t('osFamily')}>
            {(p) => (
              <Select
                {...p}
                value={osFamily}
                onChange={(e) => {
                  setOsFamily(e.target.value);
                  setOsVersion('');
                }}
              >
                <ChoiceOptions allLabel={t('allFamilies')} value={osFamily} choices={families} />
              </Select>
            )}
          </Field>
          <Field label={t('osVersion')}>
            {(p) => (
              <Select {...p} value={osVersion} onChange={(e) => setOsVersion(e.target.value)} disabled={!osFamily}>
                <ChoiceOptions allLabel={t('allVersions')} value={osVersion} choices={versions} />
              </Select>
            )}
          </Field>
          <Field label={t('search')}>
            {(p) => (
              <Input
                {...p}
                type="search"
                value={text}
                placeholder={t('searchPlaceholder')}
                onChange={(e) => setText(e.target.value)}
                onKeyDown={onKeys}
                aria-controls={listId}
                aria-activedescendant={rows[active] ? optionId(active) : undefined}
              />
            )}
          </Field>
        </div>

        {otherRegion ? <Alert tone="warning">{t('otherRegion', { builder: builder.name, builderRegion: builder.region ?? '', region })}</Alert> : null}

        {!data ? (
          <p className="py-6 text-center text-slate-500">{t('loading')}</p>
        ) : region === '' ? (
          <Alert tone="info">{t('noRegion')}</Alert>
        ) : !data.region.known && !data.region.synced ? (
          <Alert tone="warning">{t('unknownRegion', { cloud: builder.cloud === 'aws' ? 'AWS' : 'UCloud', region })}</Alert>
        ) : !data.region.synced ? (
          <Alert tone="warning" title={t('neverSynced', { region })}>
            {t('neverSyncedHint')}
          </Alert>
        ) : rows.length === 0 ? (
          <div className="space-y-2 rounded-md border border-dashed border-slate-300 p-4 text-center text-slate-600">
            <p>{t('noMatch', { region })}</p>
            {filtered ? (
              <Button size="sm" onClick={clear}>
                {t('clearFilters')}
              </Button>
            ) : null}
          </div>
        ) : (
          <div className={cn('rounded-md border border-slate-200', query.isFetching && query.isPlaceholderData && 'opacity-60')}>
            <div aria-hidden className={cn('hidden border-b border-slate-200 bg-slate-50 px-3 py-1.5 text-xs font-semibold tracking-wide text-slate-600 uppercase', COLUMNS)}>
              <span>{t('columns.name')}</span>
              <span>{t('columns.imageId')}</span>
              <span>{t('columns.os')}</span>
              <span>{t('columns.cpu')}</span>
              <span>{t('columns.ena')}</span>
              <span className="text-right">{t('columns.size')}</span>
              <span>{t('columns.age')}</span>
              <span>{t('columns.status')}</span>
            </div>
            <div
              ref={list}
              id={listId}
              role="listbox"
              tabIndex={0}
              aria-label={t('listLabel', { region: regionLabel })}
              aria-activedescendant={rows[active] ? optionId(active) : undefined}
              onKeyDown={onKeys}
              className="max-h-[min(55vh,32rem)] overflow-y-auto outline-none focus-visible:ring-2 focus-visible:ring-blue-500/40"
            >
              {rows.map((row, i) => (
                <ChoiceRow
                  key={row.imageId}
                  id={optionId(i)}
                  index={i}
                  row={row}
                  active={i === active}
                  current={row.imageId === builder.image}
                  age={age(row.imageCreatedAt)}
                  onHover={() => setActive(i)}
                  onChoose={() => choose(row)}
                />
              ))}
            </div>
          </div>
        )}

        <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
          <span>
            {data && data.region.synced && rows.length > 0
              ? data.total > rows.length
                ? t('showing', { shown: rows.length, total: data.total })
                : t('count', { total: data.total })
              : null}
          </span>
          <span className="flex items-center gap-3">
            <span className="hidden sm:inline">{t('keys')}</span>
            <Button size="sm" onClick={onClose}>
              {t('cancel')}
            </Button>
          </span>
        </div>
      </div>
    </Dialog>
  );
}

function ChoiceRow({
  id,
  index,
  row,
  active,
  current,
  age,
  onHover,
  onChoose,
}: {
  id: string;
  index: number;
  row: Choice;
  active: boolean;
  current: boolean;
  age: string;
  onHover: () => void;
  onChoose: () => void;
}) {
  const t = useTranslations('imagePicker');
  const fit = row.fit;
  const reason = fit.ok
    ? null
    : fit.reason === 'ena'
      ? t('enaMissing', { instanceType: fit.instanceType })
      : t('cpuMismatch', { hostPlatforms: fit.hostPlatforms.join(', '), imagePlatforms: fit.imagePlatforms.join(', ') });
  const cpu = row.cpuPlatforms.length > 0 ? row.cpuPlatforms.join(', ') : t('anyCpu');
  const ena = row.enaSupport === null ? t('notReported') : row.enaSupport ? t('enaYes') : t('enaNo');
  const size = row.sizeGb === null ? t('notReported') : t('sizeGb', { size: row.sizeGb });
  const os = [row.osFamily, row.osVersion].filter(Boolean).join(' ') || row.osName || t('notReported');
  return (
    <div
      id={id}
      role="option"
      data-index={index}
      aria-selected={active}
      aria-disabled={!fit.ok}
      onMouseMove={active ? undefined : onHover}
      onClick={onChoose}
      className={cn(
        'border-b border-slate-100 px-3 py-2 last:border-b-0',
        fit.ok ? 'cursor-pointer' : 'cursor-not-allowed text-slate-500',
        active && (fit.ok ? 'bg-blue-50 ring-1 ring-blue-300 ring-inset' : 'bg-slate-100 ring-1 ring-slate-300 ring-inset'),
      )}
    >
      <div className={cn('flex flex-col gap-0.5 md:items-center', COLUMNS)}>
        <span className="flex min-w-0 items-center gap-1.5">
          <span className={cn('line-clamp-2 [overflow-wrap:anywhere]', fit.ok && 'font-medium text-slate-900')} title={row.name}>
            {row.name}
          </span>
          {current ? <Badge tone="blue">{t('current')}</Badge> : null}
        </span>
        <span className="truncate font-mono text-xs" title={row.imageId}>
          {row.imageId}
        </span>
        <span className="truncate text-xs" title={row.osName}>
          {os}
          <span className="text-slate-500 md:hidden"> · {age}</span>
        </span>
        <span className="truncate text-xs" title={cpu}>
          <span className="md:hidden">{t('columns.cpu')}: </span>
          {cpu}
          <span className="md:hidden">
            {row.enaSupport === null ? '' : ` · ${ena}`} · {size}
          </span>
        </span>
        <span className="hidden text-xs md:inline">{ena}</span>
        <span className="hidden text-right text-xs tabular-nums md:inline">{size}</span>
        <span className="hidden text-xs md:inline">{age}</span>
        <span className="hidden md:inline">
          <Badge tone="green">{t('available')}</Badge>
        </span>
      </div>
      {reason ? <p className="mt-1 text-xs text-amber-800">{reason}</p> : null}
    </div>
  );
}
