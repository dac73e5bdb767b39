import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { PageHeader } from '@/components/layout/page-header';
import { VersionHistory } from '@/components/templates/version-history';

export async function generateMetadata() {
  return { title: (await getTranslations('history'))('title') };
}

export default async function HistoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { api, can } = await serverApi();
  const template = await api.template.byId({ templateId: id }).catch(() => null);
  if (!template) notFound();
  const [versions, t] = await Promise.all([api.template.versions({ templateId: id }), getTranslations('history')]);
  return (
    <>
      <PageHeader title={t('heading', { name: template.name })} description={t('description')} />
      <VersionHistory templateId={id} latestVersion={template.latestVersion} versions={versions} canRestore={can('template.write')} />
    </>
  );
}
