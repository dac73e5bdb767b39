'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { cn } from '@/components/ui/cn';

const TABS = [
  { href: '/settings', key: 'users' },
  { href: '/settings/audit', key: 'audit' },
  { href: '/settings/clouds', key: 'clouds' },
] as const;

export function SettingsTabs() {
  const t = useTranslations('settings');
  const pathname = usePathname();
  return (
    <nav aria-label={t('title')} className="mb-4 flex gap-1 overflow-x-auto border-b border-slate-200">
      {TABS.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={pathname === tab.href ? 'page' : undefined}
          className={cn(
            '-mb-px border-b-2 px-3 py-2 text-sm whitespace-nowrap',
            pathname === tab.href ? 'border-blue-600 font-medium text-blue-700' : 'border-transparent text-slate-600 hover:text-slate-900',
          )}
        >
          {t(tab.key)}
        </Link>
      ))}
    </nav>
  );
}
