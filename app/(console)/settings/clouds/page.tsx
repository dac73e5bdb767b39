import { getTranslations } from 'next-intl/server';

export async function generateMetadata() {
  return { title: (await getTranslations('settings'))('clouds') };
}

export default async function CloudsPage() {
  const t = await getTranslations('settings');
  const points = t.raw('cloudsPlanned') as string[];
  return (
    <section className="max-w-3xl rounded-md border border-dashed border-slate-300 bg-white p-4">
      <h2 className="text-sm font-semibold">{t('cloudsPlannedTitle')}</h2>
      <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-700">
        {points.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </section>
  );
}
