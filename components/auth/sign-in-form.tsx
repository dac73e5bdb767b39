'use client';
import { useState } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, Input, Select } from '@/components/ui/field';
import { LOCALE_COOKIE } from '@/server/api/schemas/locale';
import { signIn } from './auth-client';

export function SignInForm() {
  const t = useTranslations('auth');
  const tNav = useTranslations('nav');
  const tLimits = useTranslations('signInLimits');
  const locale = useLocale();
  const router = useRouter();
  const next = useSearchParams().get('next');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const { error: failed } = await signIn.email({
      email: String(form.get('email')),
      password: String(form.get('password')),
    });
    setPending(false);
    if (failed) {
      setError(failed.status === 429 ? tooMany(failed as { scope?: unknown; retryAfter?: unknown }) : t('invalidCredentials'));
      return;
    }
    // Only same-site paths: never bounce a fresh session to another origin.
    router.replace(next?.startsWith('/') && !next.startsWith('//') ? next : '/');
    router.refresh();
  }

  // Our back-off says whose limit it is and for how long; better-auth's general limit does not.
  function tooMany({ scope, retryAfter }: { scope?: unknown; retryAfter?: unknown }) {
    if ((scope !== 'account' && scope !== 'address') || typeof retryAfter !== 'number') return t('tooManyAttempts');
    return tLimits(scope, { minutes: Math.max(1, Math.ceil(retryAfter / 60)) });
  }

  return (
    <div className="w-full max-w-sm">
      <div className="mb-4 flex items-center gap-2">
        <span aria-hidden className="grid h-8 w-8 place-items-center rounded bg-blue-600 text-sm font-bold text-white">
          R
        </span>
        <span className="text-base font-semibold">{tNav('product')}</span>
      </div>
      <form onSubmit={onSubmit} className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h1 className="text-lg font-semibold">{t('signIn')}</h1>
        {error ? <Alert tone="error">{error}</Alert> : null}
        <Field label={t('email')}>
          {(p) => <Input {...p} name="email" type="email" autoComplete="username" required autoFocus />}
        </Field>
        <Field label={t('password')}>
          {(p) => <Input {...p} name="password" type="password" autoComplete="current-password" required />}
        </Field>
        <Button type="submit" variant="primary" className="w-full" disabled={pending}>
          {pending ? t('signingIn') : t('signIn')}
        </Button>
      </form>
      <div className="mt-3 flex items-center justify-between text-xs text-slate-500">
        <span>{t('firstStartHint')}</span>
        <Select
          aria-label={t('language')}
          className="h-7 w-auto text-xs"
          value={locale}
          onChange={(e) => {
            document.cookie = `${LOCALE_COOKIE}=${e.target.value}; path=/; max-age=31536000; samesite=lax`;
            router.refresh();
          }}
        >
          <option value="en">English</option>
          <option value="zh-CN">简体中文</option>
        </Select>
      </div>
    </div>
  );
}
