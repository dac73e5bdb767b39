import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { Dashboard } from '@/components/dashboard/dashboard';

export async function generateMetadata() {
  return { title: (await getTranslations('nav'))('dashboard') };
}

export default async function DashboardPage() {
  const { api } = await serverApi();
  const [templates, summary] = await Promise.all([api.template.list(), api.dashboard.summary()]);
  return <Dashboard templates={templates} summary={summary} />;
}
