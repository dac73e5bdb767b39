import { getTranslations } from 'next-intl/server';
import { PlannedList } from '@/components/layout/planned-page';

export async function generateMetadata() {
  return { title: (await getTranslations('settings'))('clouds') };
}

export default async function CloudsPage() {
  const t = await getTranslations('settings');
  const points = t.raw('cloudsPlanned') as string[];
  return <PlannedList title={t('cloudsPlannedTitle')} points={points} />;
}
