import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { PageHeader } from '@/components/layout/page-header';
import { SettingsTabs } from '@/components/settings/settings-tabs';

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const { can } = await serverApi();
  const t = await getTranslations('settings');
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <SettingsTabs isAdmin={can('admin')} />
      {children}
    </>
  );
}
