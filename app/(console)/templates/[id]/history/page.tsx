import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { orNull, serverApi } from '@/app/_trpc/server';
import { PageHeader } from '@/components/layout/page-header';
import { VersionHistory } from '@/components/templates/version-history';

export async function generateMetadata() {
  return { title: (await getTranslations('history'))('title') };
}

export default async function HistoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { api, can } = await serverApi();
  const template = await orNull(api.template.byId({ templateId: id }));
  if (!template) notFound();
  const [versions, t] = await Promise.all([api.template.versions({ templateId: id }), getTranslations('history')]);
  return (
    <>
      <PageHeader title={t('heading', { name: template.name })} description={t('description')} />
      <VersionHistory templateId={id} latestVersion={template.latestVersion} versions={versions} canRestore={can('template.write')} />
    </>
  );
}
