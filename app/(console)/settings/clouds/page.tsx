import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { AdminsOnly } from '@/components/settings/admins-only';
import { CloudAccountsPanel } from '@/components/clouds/cloud-accounts-panel';
import { SecretKeyBanner } from '@/components/clouds/secret-key-banner';

export async function generateMetadata() {
  return { title: (await getTranslations('settings'))('clouds') };
}

export default async function CloudsPage() {
  const { api, can } = await serverApi();
  if (!can('admin')) return <AdminsOnly />;
  const [accounts, regions, keyStatus] = await Promise.all([api.cloudAccount.list(), api.inventory.regions(), api.cloudAccount.keyStatus()]);
  return (
    <div className="space-y-3">
      <SecretKeyBanner initial={keyStatus} />
      <CloudAccountsPanel initialAccounts={accounts} initialRegions={regions} canSync={can('inventory.sync')} />
    </div>
  );
}
