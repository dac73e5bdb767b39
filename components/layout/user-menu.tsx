'use client';
import { useEffect, useRef, useState } from 'react';
import dynamic from 'next/dynamic';
import { useRouter } from 'next/navigation';
import { useLocale, useTimeZone, useTranslations } from 'next-intl';
import { trpc } from '@/app/_trpc/react';
import { Select } from '@/components/ui/field';
import { signOut } from '@/components/auth/auth-client';
import { LOCALE_COOKIE } from '@/server/api/schemas/locale';
import type { Role } from '@/server/api/schemas/users';

// Loaded when first opened: the password-strength dictionaries are large.
const ChangePasswordDialog = dynamic(() => import('@/components/auth/change-password-dialog').then((m) => m.ChangePasswordDialog), {
  ssr: false,
});

export interface ShellUser {
  name: string;
  email: string;
  role: Role;
  timeZoneSet: boolean;
}

export function UserMenu({ user }: { user: ShellUser }) {
  const t = useTranslations('userMenu');
  const tPassword = useTranslations('changePassword');
  const tRole = useTranslations('roles');
  const locale = useLocale();
  const timeZone = useTimeZone();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const prefs = trpc.me.updatePreferences.useMutation({ onSuccess: () => router.refresh() });
  const zones = useTimeZones();

  // First visit: adopt the browser's time zone so dates read as local time.
  useEffect(() => {
    if (user.timeZoneSet) return;
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz) prefs.mutate({ timeZone: tz });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user.timeZoneSet]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onClick = (e: MouseEvent) => panel.current && !panel.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  return (
    <div className="relative" ref={panel}>
      <button
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
        className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-100"
      >
        <span className="grid h-6 w-6 place-items-center rounded-full bg-slate-200 text-xs font-semibold text-slate-700" aria-hidden>
          {user.name.slice(0, 1).toUpperCase()}
        </span>
        <span className="hidden max-w-40 truncate sm:inline">{user.name}</span>
        <span className="sr-only">{t('open')}</span>
      </button>
      {open ? (
        <div className="absolute right-0 z-50 mt-1 w-72 rounded-md border border-slate-200 bg-white p-3 shadow-lg">
          <p className="truncate text-sm font-medium">{user.name}</p>
          <p className="truncate text-xs text-slate-500">
            {user.email} · {tRole(user.role)}
          </p>
          <div className="mt-3 space-y-2">
            <label className="block text-xs font-medium text-slate-700">
              {t('language')}
              <Select
                className="mt-1"
                value={locale}
                disabled={prefs.isPending}
                onChange={(e) => {
                  document.cookie = `${LOCALE_COOKIE}=${e.target.value}; path=/; max-age=31536000; samesite=lax`;
                  prefs.mutate({ locale: e.target.value as 'en' | 'zh-CN' });
                }}
              >
                <option value="en">English</option>
                <option value="zh-CN">简体中文</option>
              </Select>
            </label>
            <label className="block text-xs font-medium text-slate-700">
              {t('timeZone')}
              <Select
                className="mt-1"
                value={timeZone}
                disabled={prefs.isPending}
                onChange={(e) => prefs.mutate({ timeZone: e.target.value })}
              >
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </Select>
            </label>
          </div>
          <button
            type="button"
            className="mt-3 w-full rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-50"
            onClick={() => {
              setOpen(false);
              setChangingPassword(true);
            }}
          >
            {tPassword('menuItem')}
          </button>
          <button
            type="button"
            className="mt-2 w-full rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-50"
            onClick={async () => {
              await signOut();
              router.push('/sign-in');
              router.refresh();
            }}
          >
            {t('signOut')}
          </button>
        </div>
      ) : null}
      {changingPassword ? <ChangePasswordDialog open onClose={() => setChangingPassword(false)} user={user} /> : null}
    </div>
  );
}

function useTimeZones(): string[] {
  const timeZone = useTimeZone();
  const [zones] = useState(() => {
    const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    return Array.from(new Set(['UTC', timeZone ?? 'UTC', ...all]));
  });
  return zones;
}
