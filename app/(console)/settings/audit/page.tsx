import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { AdminsOnly } from '@/components/settings/admins-only';
import { AuditTable } from '@/components/settings/audit-table';

export async function generateMetadata() {
  return { title: (await getTranslations('settings'))('audit') };
}

export default async function AuditPage() {
  const { api, can } = await serverApi();
  if (!can('admin')) return <AdminsOnly />;
  return <AuditTable entries={await api.audit.list({ limit: 100 })} />;
}
