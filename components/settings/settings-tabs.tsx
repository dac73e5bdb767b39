'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { cn } from '@/components/ui/cn';

// Regions are for every reader (they explain what each region can build); the rest is admin work.
const TABS = [
  { href: '/settings', key: 'users', adminOnly: true },
  { href: '/settings/audit', key: 'audit', adminOnly: true },
  { href: '/settings/clouds', key: 'clouds', adminOnly: true },
  { href: '/settings/regions', key: 'regions', adminOnly: false },
] as const;

export function SettingsTabs({ isAdmin }: { isAdmin: boolean }) {
  const t = useTranslations('settings');
  const pathname = usePathname();
  return (
    <nav aria-label={t('title')} className="mb-4 flex gap-1 overflow-x-auto border-b border-slate-200">
      {TABS.filter((tab) => isAdmin || !tab.adminOnly).map((tab) => (
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
