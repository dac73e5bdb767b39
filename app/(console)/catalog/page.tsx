import { Suspense } from 'react';
import { getTranslations } from 'next-intl/server';
import { orNull, serverApi } from '@/app/_trpc/server';
import { BaseImagesBrowser } from '@/components/catalog/base-images-browser';
import { parseCatalogQuery } from '@/components/catalog/catalog-query';
import { CatalogTabs } from '@/components/catalog/catalog-tabs';
import { parseCatalogView } from '@/components/catalog/catalog-view';
import { ProducedImagesBrowser } from '@/components/catalog/produced-images-browser';
import { parseProducedQuery } from '@/components/catalog/produced-query';
import { TemplateImageMatrix } from '@/components/catalog/template-image-matrix';
import { PageHeader } from '@/components/layout/page-header';

export async function generateMetadata() {
  return { title: (await getTranslations('nav'))('catalog') };
}

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const get = (k: string) => {
    const v = params[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const view = parseCatalogView(get('view'));
  const { api, can } = await serverApi();
  const [t, ti] = await Promise.all([getTranslations('catalog'), getTranslations('images')]);

  if (view === 'produced') {
    const query = parseProducedQuery(get);
    const [images, facets] = await Promise.all([api.image.list(query), api.image.facets()]);
    return (
      <>
        <PageHeader title={ti('tabs.produced')} description={ti('producedDescription')} />
        <CatalogTabs view={view} />
        <Suspense>
          <ProducedImagesBrowser initial={{ query, images, facets }} />
        </Suspense>
      </>
    );
  }
  if (view === 'matrix') {
    const facets = await api.image.facets();
    const wanted = get('template');
    const templateId = facets.templates.some((x) => x.id === wanted) ? wanted : facets.templates[0]?.id;
    const matrix = templateId ? await orNull(api.image.matrix({ templateId })) : null;
    return (
      <>
        <PageHeader title={ti('tabs.matrix')} description={ti('matrixDescription')} />
        <CatalogTabs view={view} />
        <Suspense>
          <TemplateImageMatrix templates={facets.templates} initial={matrix} />
        </Suspense>
      </>
    );
  }

  const query = parseCatalogQuery(get);
  const [images, facets, regions, accounts] = await Promise.all([api.catalog.baseImages(query), api.catalog.facets(), api.inventory.regions(), api.cloudAccount.list()]);
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <CatalogTabs view={view} />
      <Suspense>
        <BaseImagesBrowser initial={{ query, images, facets, regions, accounts }} canSync={can('inventory.sync')} canAdmin={can('admin')} />
      </Suspense>
    </>
  );
}
