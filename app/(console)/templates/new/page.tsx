import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { PageHeader } from '@/components/layout/page-header';
import { NewTemplateForm } from '@/components/templates/new-template-form';

export async function generateMetadata() {
  return { title: (await getTranslations('templates'))('new') };
}

export default async function NewTemplatePage() {
  const { can } = await serverApi();
  if (!can('template.write')) redirect('/templates');
  const t = await getTranslations('templates');
  return (
    <>
      <PageHeader title={t('new')} description={t('newDescription')} />
      <NewTemplateForm />
    </>
  );
}
