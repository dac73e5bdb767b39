import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { RegionsPanel } from '@/components/clouds/regions-panel';

export async function generateMetadata() {
  return { title: (await getTranslations('settings'))('regions') };
}

export default async function RegionsPage() {
  const { api, can } = await serverApi();
  const [regions, accounts, strategies, groups] = await Promise.all([api.inventory.regions(), api.cloudAccount.list(), api.regionStrategy.list(), api.regionGroup.list()]);
  return (
    <RegionsPanel
      initialRegions={regions}
      initialAccounts={accounts}
      initialStrategies={strategies}
      initialGroups={groups}
      canSync={can('inventory.sync')}
      canEdit={can('admin')}
    />
  );
}
