import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { orNull, serverApi } from '@/app/_trpc/server';
import { ImageDetail } from '@/components/catalog/image-detail';
import { PageHeader } from '@/components/layout/page-header';
import { ZImageDetailRequest } from '@/server/api/schemas/images';

export async function generateMetadata({ params }: { params: Promise<{ imageId: string }> }) {
  const { imageId } = await params;
  return { title: `${decodeURIComponent(imageId)} · ${(await getTranslations('nav'))('catalog')}` };
}

export default async function ImagePage({ params }: { params: Promise<{ cloud: string; region: string; imageId: string }> }) {
  const raw = await params;
  const parsed = ZImageDetailRequest.safeParse({ cloud: raw.cloud, region: decodeURIComponent(raw.region), imageId: decodeURIComponent(raw.imageId) });
  if (!parsed.success) notFound();
  const { api } = await serverApi();
  const detail = await orNull(api.image.get(parsed.data));
  if (!detail) notFound();
  const [t, tn] = await Promise.all([getTranslations('images'), getTranslations('nav')]);
  return (
    <>
      <nav aria-label={tn('catalog')} className="mb-1 text-xs text-slate-600">
        <Link href={detail.produced ? '/catalog?view=produced' : '/catalog'} className="text-blue-700 hover:underline">
          {detail.produced ? t('tabs.produced') : t('tabs.base')}
        </Link>
      </nav>
      <PageHeader title={detail.produced?.name ?? detail.base?.name ?? detail.imageId} />
      <ImageDetail detail={detail} />
    </>
  );
}
