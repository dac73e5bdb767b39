'use client';
import { useEffect, useState } from 'react';
import { useTranslations } from 'next-intl';
import { cn } from '@/components/ui/cn';
import { copyText } from '@/components/ui/copy-button';

/** Copies a value and says "Copied" for a moment; fixed width so the row does not shift. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const t = useTranslations('catalog');
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    setState((await copyText(value)) ? 'copied' : 'failed');
  }

  return (
    <button
      type="button"
      onClick={copy}
      aria-label={label}
      title={label}
      className={cn(
        'inline-flex h-6 min-w-[4.75rem] shrink-0 items-center justify-center gap-1 rounded border px-1.5 text-xs transition-colors',
        state === 'copied'
          ? 'border-emerald-300 bg-emerald-50 text-emerald-800'
          : state === 'failed'
            ? 'border-red-300 bg-red-50 text-red-700'
            : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50',
      )}
    >
      <svg width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
        {state === 'copied' ? (
          <path d="M5 12l5 5L20 7" />
        ) : (
          <>
            <rect x="9" y="9" width="12" height="12" rx="2" />
            <path d="M5 15V5a2 2 0 0 1 2-2h10" />
          </>
        )}
      </svg>
      <span aria-live="polite">{state === 'copied' ? t('copied') : state === 'failed' ? t('copyFailed') : t('copy')}</span>
    </button>
  );
}
