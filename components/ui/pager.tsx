'use client';
import { useTranslations } from 'next-intl';
import { Button } from './button';
import { cn } from './cn';
import { Select } from './field';

/** Range ("1–25 of 300"), page size and previous/next under a paged table. */
export function Pager({
  page: requested,
  pageSize,
  pageSizes,
  total,
  pages,
  loading,
  rangeTestId,
  onClear,
  onPage,
  onPageSize,
}: {
  page: number;
  pageSize: number;
  pageSizes: readonly number[];
  total: number;
  pages: number;
  loading: boolean;
  /** Tests read the range by this id (each list keeps its own). */
  rangeTestId: string;
  /** Shown as "Clear filters" after the range when the list is filtered. */
  onClear?: () => void;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
}) {
  const t = useTranslations('pager');
  const page = Math.min(requested, pages);
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav aria-label={t('pagination')} className="flex flex-wrap items-center justify-between gap-2 text-sm">
      <p className="text-slate-700 tabular-nums">
        <span data-testid={rangeTestId}>{t('range', { from, to, total })}</span>
        {onClear ? (
          <button type="button" onClick={onClear} className="ml-2 text-xs text-blue-700 hover:underline">
            {t('clearFilters')}
          </button>
        ) : null}
        {/* Kept in the layout while hidden, so the row does not jump when a page loads. */}
        <span className={cn('ml-2 text-xs text-slate-500', !loading && 'invisible')}>{t('loading')}</span>
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-1.5 text-xs text-slate-600">
          {t('pageSize')}
          <Select className="h-7 w-20 text-xs" value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))}>
            {!pageSizes.includes(pageSize) ? <option value={pageSize}>{pageSize}</option> : null}
            {pageSizes.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </Select>
        </label>
        <Button size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label={t('prev')}>
          ‹
        </Button>
        <span className="text-xs text-slate-600 tabular-nums">{t('pageOf', { page, pages })}</span>
        <Button size="sm" disabled={page >= pages} onClick={() => onPage(page + 1)} aria-label={t('next')}>
          ›
        </Button>
      </div>
    </nav>
  );
}
