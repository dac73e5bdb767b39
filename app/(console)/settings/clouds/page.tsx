import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { AdminsOnly } from '@/components/settings/admins-only';
import { CloudAccountsPanel } from '@/components/clouds/cloud-accounts-panel';

export async function generateMetadata() {
  return { title: (await getTranslations('settings'))('clouds') };
}

export default async function CloudsPage() {
  const { api, can } = await serverApi();
  if (!can('admin')) return <AdminsOnly />;
  const [accounts, regions] = await Promise.all([api.cloudAccount.list(), api.inventory.regions()]);
  return <CloudAccountsPanel initialAccounts={accounts} initialRegions={regions} canSync={can('inventory.sync')} />;
}
