'use client';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { cn } from '@/components/ui/cn';
import { CATALOG_VIEWS, type CatalogView } from './catalog-view';


/** The catalog's views as links: each is its own URL (`?view=`), so back/forward and shared links work. */
export function CatalogTabs({ view }: { view: CatalogView }) {
  const t = useTranslations('images.tabs');
  return (
    <nav aria-label={t('label')} className="mb-3 flex gap-1 overflow-x-auto border-b border-slate-200">
      {CATALOG_VIEWS.map((v) => (
        <Link
          key={v}
          href={v === 'base' ? '/catalog' : `/catalog?view=${v}`}
          aria-current={v === view ? 'page' : undefined}
          className={cn(
            '-mb-px border-b-2 px-3 py-1.5 text-sm whitespace-nowrap',
            v === view ? 'border-blue-600 font-medium text-slate-900' : 'border-transparent text-slate-600 hover:text-slate-900',
          )}
        >
          {t(v)}
        </Link>
      ))}
    </nav>
  );
}
