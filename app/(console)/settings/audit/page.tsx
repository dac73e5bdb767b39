import { Suspense } from 'react';
import { getTimeZone, getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { AdminsOnly } from '@/components/settings/admins-only';
import { AuditLog } from '@/components/settings/audit-log';
import { parseAuditSearchParams } from '@/server/api/schemas/audit';

export async function generateMetadata() {
  return { title: (await getTranslations('settings'))('audit') };
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { api, can } = await serverApi();
  if (!can('admin')) return <AdminsOnly />;
  const params = await searchParams;
  const { query } = parseAuditSearchParams((k) => {
    const v = params[k];
    return Array.isArray(v) ? v[0] : v;
  }, await getTimeZone());
  const [page, facets] = await Promise.all([api.audit.list(query), api.audit.facets()]);
  return (
    <Suspense>
      <AuditLog initial={{ query, page, facets }} />
    </Suspense>
  );
}
