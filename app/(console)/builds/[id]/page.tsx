import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { orNull, serverApi } from '@/app/_trpc/server';
import { BuildDetail } from '@/components/builds/build-detail';

export async function generateMetadata() {
  return { title: (await getTranslations('nav'))('builds') };
}

export default async function BuildPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const { api, can } = await serverApi();
  const build = await orNull(api.build.get({ buildId: id }));
  if (!build) notFound();
  const run = typeof query.run === 'string' ? query.run : undefined;
  return <BuildDetail initial={build} canCancel={can('build.start')} initialRunId={run} />;
}
