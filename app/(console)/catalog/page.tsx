import { Suspense } from 'react';
import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { BaseImagesBrowser } from '@/components/catalog/base-images-browser';
import { parseCatalogQuery } from '@/components/catalog/catalog-query';
import { PageHeader } from '@/components/layout/page-header';

export async function generateMetadata() {
  return { title: (await getTranslations('catalog'))('title') };
}

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const query = parseCatalogQuery((k) => {
    const v = params[k];
    return Array.isArray(v) ? v[0] : v;
  });
  const { api, can } = await serverApi();
  const [images, facets, regions, accounts, t] = await Promise.all([
    api.catalog.baseImages(query),
    api.catalog.facets(),
    api.inventory.regions(),
    api.cloudAccount.list(),
    getTranslations('catalog'),
  ]);
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Suspense>
        <BaseImagesBrowser initial={{ query, images, facets, regions, accounts }} canSync={can('inventory.sync')} canAdmin={can('admin')} />
      </Suspense>
    </>
  );
}
