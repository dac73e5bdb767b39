import { getTranslations } from 'next-intl/server';
import { PageHeader } from './page-header';

/** A page whose feature is not built yet: it says what will be here, and shows no made-up data. */
export async function PlannedPage({ area }: { area: 'rollouts' }) {
  const t = await getTranslations('planned');
  const tNav = await getTranslations('nav');
  const points = t.raw(`${area}.points`) as string[];
  return (
    <>
      <PageHeader title={tNav(area)} description={t(`${area}.summary`)} />
      <PlannedList title={t('whatWillBeHere')} points={points} footnote={t('notYet')} />
    </>
  );
}

/** The list of what a not-yet-built page or tab will hold. */
export function PlannedList({ title, points, footnote }: { title: string; points: string[]; footnote?: string }) {
  return (
    <section className="max-w-3xl rounded-md border border-dashed border-slate-300 bg-white p-4">
      <h2 className="text-sm font-semibold text-slate-800">{title}</h2>
      <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-700">
        {points.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      {footnote ? <p className="mt-3 text-xs text-slate-500">{footnote}</p> : null}
    </section>
  );
}
