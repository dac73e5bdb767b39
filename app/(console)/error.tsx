'use client';
import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';

export default function ConsoleError({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations('errors');
  return (
    <div role="alert" className="max-w-xl rounded-md border border-red-200 bg-red-50 p-4">
      <h1 className="font-semibold text-red-900">{t('errorTitle')}</h1>
      <p className="mt-1 text-sm text-red-800">{t('errorBody')}</p>
      <Button className="mt-3" onClick={reset}>
        {t('retry')}
      </Button>
    </div>
  );
}
