import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { orNull, serverApi } from '@/app/_trpc/server';
import { PageHeader } from '@/components/layout/page-header';
import { VersionDiff } from '@/components/templates/version-diff';

export async function generateMetadata() {
  return { title: (await getTranslations('history'))('diffTitle') };
}

export default async function DiffPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ from?: string; to?: string }>;
}) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const { api } = await serverApi();
  const template = await orNull(api.template.byId({ templateId: id }));
  if (!template) notFound();
  const to = clampVersion(query.to, template.latestVersion, template.latestVersion);
  const from = clampVersion(query.from, Math.max(1, to - 1), template.latestVersion);
  const [a, b, t] = await Promise.all([
    api.template.version({ templateId: id, version: from }),
    api.template.version({ templateId: id, version: to }),
    getTranslations('history'),
  ]);
  return (
    <>
      <PageHeader
        title={t('diffHeading', { name: template.name, from, to })}
        actions={
          <Link href={`/templates/${id}/history`} className="text-sm text-blue-700 hover:underline">
            {t('backToHistory')}
          </Link>
        }
      />
      <VersionDiff
        templateId={id}
        latestVersion={template.latestVersion}
        from={{ version: from, body: a.body, message: a.message, author: a.authorName }}
        to={{ version: to, body: b.body, message: b.message, author: b.authorName }}
      />
    </>
  );
}

function clampVersion(raw: string | undefined, fallback: number, max: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
}
