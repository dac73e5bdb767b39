import { getTranslations } from 'next-intl/server';
import { PlannedPage } from '@/components/layout/planned-page';

export async function generateMetadata() {
  return { title: (await getTranslations('nav'))('builds') };
}

export default function Page() {
  return <PlannedPage area="builds" />;
}
