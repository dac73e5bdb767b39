import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { PageHeader } from '@/components/layout/page-header';
import { TemplatesTable } from '@/components/templates/templates-table';

export async function generateMetadata() {
  return { title: (await getTranslations('nav'))('templates') };
}

export default async function TemplatesPage() {
  const { api, can } = await serverApi();
  const [templates, t] = await Promise.all([api.template.list(), getTranslations('templates')]);
  const canEdit = can('template.write');
  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canEdit ? (
            <Link href="/templates/new" className="inline-flex h-8 items-center rounded-md bg-blue-600 px-3 text-sm font-medium text-white hover:bg-blue-700">
              {t('new')}
            </Link>
          ) : null
        }
      />
      <TemplatesTable templates={templates} canBuild={can('build.start')} />
    </>
  );
}
