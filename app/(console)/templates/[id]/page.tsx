import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { orNull, serverApi } from '@/app/_trpc/server';
import { PageHeader } from '@/components/layout/page-header';
import { TemplateEditor } from '@/components/templates/template-editor';

export async function generateMetadata() {
  return { title: (await getTranslations('nav'))('templates') };
}

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { api, can } = await serverApi();
  const template = await orNull(api.template.byId({ templateId: id }));
  if (!template) notFound();
  return (
    <>
      <PageHeader title={template.name} description={template.description} />
      <TemplateEditor initial={template} canEdit={can('template.write')} canBuild={can('build.start')} />
    </>
  );
}
