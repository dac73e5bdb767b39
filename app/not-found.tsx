import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

export default async function NotFound() {
  const t = await getTranslations('errors');
  return (
    <main className="grid min-h-[60vh] place-items-center p-6 text-center">
      <div>
        <h1 className="text-lg font-semibold">{t('notFoundTitle')}</h1>
        <p className="mt-1 text-sm text-slate-600">{t('notFoundBody')}</p>
        <Link href="/" className="mt-3 inline-block text-sm text-blue-700 hover:underline">
          {t('backHome')}
        </Link>
      </div>
    </main>
  );
}
