import { Suspense } from 'react';
import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { parseBuildsQuery } from '@/components/builds/build-query';
import { BuildsBrowser } from '@/components/builds/builds-browser';
import { PageHeader } from '@/components/layout/page-header';

export async function generateMetadata() {
  return { title: (await getTranslations('nav'))('builds') };
}

export default async function BuildsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const query = parseBuildsQuery((k) => {
    const v = params[k];
    return Array.isArray(v) ? v[0] : v;
  });
  const { api } = await serverApi();
  const [builds, facets, t] = await Promise.all([api.build.list(query), api.build.facets(), getTranslations('builds')]);
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Suspense>
        <BuildsBrowser initial={{ query, builds, facets }} />
      </Suspense>
    </>
  );
}
