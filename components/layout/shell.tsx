'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { cn } from '@/components/ui/cn';
import { UserMenu, type ShellUser } from './user-menu';

const NAV = [
  { href: '/', key: 'dashboard' },
  { href: '/templates', key: 'templates' },
  { href: '/builds', key: 'builds' },
  { href: '/catalog', key: 'catalog' },
  { href: '/rollouts', key: 'rollouts' },
  { href: '/settings', key: 'settings' },
] as const;

export function Shell({ user, children }: { user: ShellUser; children: React.ReactNode }) {
  const t = useTranslations('nav');
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const isActive = (href: string) => (href === '/' ? pathname === '/' : pathname.startsWith(href));

  return (
    <div className="flex min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:bg-white focus:p-2">
        {t('skipToContent')}
      </a>
      <aside
        className={cn(
          'fixed inset-y-0 left-0 z-40 w-52 flex-col bg-slate-900 text-slate-300 md:flex',
          open ? 'flex' : 'hidden',
        )}
      >
        <div className="flex h-12 items-center gap-2 border-b border-slate-800 px-4">
          <span aria-hidden className="grid h-6 w-6 place-items-center rounded bg-blue-600 text-xs font-bold text-white">
            R
          </span>
          <span className="text-sm font-semibold text-white">{t('product')}</span>
        </div>
        <nav aria-label={t('main')} className="flex-1 space-y-0.5 p-2">
          {NAV.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              onClick={() => setOpen(false)}
              aria-current={isActive(item.href) ? 'page' : undefined}
              className={cn(
                'block rounded px-3 py-1.5 text-sm',
                isActive(item.href) ? 'bg-slate-800 font-medium text-white' : 'hover:bg-slate-800/60 hover:text-white',
              )}
            >
              {t(item.key)}
            </Link>
          ))}
        </nav>
      </aside>
      {open ? <div className="fixed inset-0 z-30 bg-slate-900/40 md:hidden" onClick={() => setOpen(false)} aria-hidden /> : null}
      <div className="flex min-w-0 flex-1 flex-col md:pl-52">
        <header className="sticky top-0 z-20 flex h-12 items-center justify-between gap-2 border-b border-slate-200 bg-white px-3 md:px-5">
          <button
            type="button"
            className="rounded p-1.5 text-slate-600 hover:bg-slate-100 md:hidden"
            aria-label={t('openMenu')}
            aria-expanded={open}
            onClick={() => setOpen((v) => !v)}
          >
            <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
              <path d="M4 6h16M4 12h16M4 18h16" />
            </svg>
          </button>
          <div className="flex-1" />
          <UserMenu user={user} />
        </header>
        <main id="main" className="min-w-0 flex-1 p-3 md:p-5">
          {children}
        </main>
      </div>
    </div>
  );
}
