'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useNow, useTranslations } from 'next-intl';
import { trpc } from '@/app/_trpc/react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/field';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { Ago } from './ago';
import { RegionGroupsSection } from './region-groups';
import { RegionStrategyCell, RegionStrategySummary, strategyKey, type RegionStrategyRow } from './region-strategy';
import { CloudBadge, SyncStateBadge } from './cloud-badges';
import { lacksCloudSsd, ZoneCapabilities } from './capability-chips';
import { lastSyncTime, regionSyncState, type CloudAccountRow, type RegionRow } from './sync-state';
import { useInventory } from './use-inventory';

type RegionGroupRow = Parameters<typeof RegionGroupsSection>[0]['initialGroups'][number];

export function RegionsPanel({
  initialRegions,
  initialAccounts,
  initialStrategies,
  initialGroups,
  canSync,
  canEdit,
}: {
  initialRegions: RegionRow[];
  initialAccounts: CloudAccountRow[];
  initialStrategies: RegionStrategyRow[];
  initialGroups: RegionGroupRow[];
  canSync: boolean;
  /** Admins: edit build strategies and region groups. */
  canEdit: boolean;
}) {
  const t = useTranslations('regions');
  const ts = useTranslations('regionStrategy');
  const strategies = trpc.regionStrategy.list.useQuery(undefined, { initialData: initialStrategies }).data;
  const strategyOf = new Map(strategies.map((s) => [strategyKey(s.cloud, s.region), s]));
  const inventory = useInventory({ regions: initialRegions, accounts: initialAccounts });
  const now = useNow({ updateInterval: 15_000 });
  const [accountId, setAccountId] = useState('');
  const accountsById = new Map(inventory.accounts.map((a) => [a.id, a]));
  const regions = accountId ? inventory.regions.filter((r) => r.accountId === accountId) : inventory.regions;
  const accountsWithRegions = new Set(inventory.regions.map((r) => r.accountId)).size;
  const noSsdZones = regions.reduce((n, r) => n + r.zones.filter((z) => lacksCloudSsd(r.cloud, z)).length, 0);

  if (inventory.regions.length === 0) {
    return (
      <div className="rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">
        <p>{inventory.accounts.length === 0 ? t('emptyNoAccounts') : t('empty')}</p>
        <Link href="/settings/clouds" className="mt-2 inline-block text-blue-700 hover:underline">
          {t('toClouds')}
        </Link>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <p className="text-sm text-slate-600">
            {t('summary', { regions: regions.length, accounts: accountId ? 1 : accountsWithRegions })}
            {noSsdZones > 0 ? (
              <>
                {' · '}
                <span className="text-amber-800">{t('noSsdSummary', { count: noSsdZones })}</span>
              </>
            ) : null}
          </p>
          <Select aria-label={t('account')} className="h-7 w-56! text-xs" value={accountId} onChange={(e) => setAccountId(e.target.value)}>
            <option value="">{t('allAccounts')}</option>
            {inventory.accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </Select>
        </div>
        <Table aria-label={t('title')} className="relative min-w-[84rem]">
          <thead>
            <tr>
              <Th>{t('cloud')}</Th>
              <Th>{t('account')}</Th>
              <Th>{t('region')}</Th>
              <Th>{ts('column')}</Th>
              <Th>{t('zones')}</Th>
              <Th className="text-right">{t('images')}</Th>
              <Th>{t('refreshed')}</Th>
              <Th>{t('lastSync')}</Th>
              {canSync ? (
                <Th>
                  <span className="sr-only">{t('actions')}</span>
                </Th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {regions.map((r) => (
              <RegionTableRow
                key={`${r.accountId}/${r.region}`}
                region={r}
                state={regionSyncState(r, accountsById.get(r.accountId), now)}
                canSync={canSync}
                onSyncRequested={inventory.markRequested}
                strategy={<RegionStrategyCell strategy={strategyOf.get(strategyKey(r.cloud, r.region))} all={strategies} canEdit={canEdit} />}
                strategySummary={<RegionStrategySummary strategy={strategyOf.get(strategyKey(r.cloud, r.region))} />}
              />
            ))}
          </tbody>
        </Table>
      </div>
      <RegionGroupsSection initialGroups={initialGroups} regions={strategies} canEdit={canEdit} />
    </div>
  );
}

function RegionTableRow({
  region: r,
  state,
  canSync,
  onSyncRequested,
  strategy,
  strategySummary,
}: {
  region: RegionRow;
  state: ReturnType<typeof regionSyncState>;
  canSync: boolean;
  onSyncRequested: () => void;
  strategy: React.ReactNode;
  strategySummary: React.ReactNode;
}) {
  const t = useTranslations('regions');
  const tj = useTranslations('syncJobs');
  const sync = trpc.inventory.syncNow.useMutation({ onSuccess: onSyncRequested });
  const already = sync.data?.alreadyRunning[0];
  const s = r.lastSync;
  const at = lastSyncTime(r);
  return (
    <Tr>
      <Td className="align-top!">
        <CloudBadge cloud={r.cloud} />
      </Td>
      <Td className="align-top! text-xs whitespace-nowrap text-slate-700">{r.accountName}</Td>
      <Td className="align-top! whitespace-nowrap">
        <span className="font-mono text-xs font-medium text-slate-900">{r.region}</span>
        <span className="block text-xs text-slate-500">{r.name}</span>
        {strategySummary}
        {!r.active ? (
          <Badge tone="amber" className="mt-0.5">
            {t('inactive')}
          </Badge>
        ) : null}
      </Td>
      <Td className="min-w-56 align-top!">{strategy}</Td>
      <Td className="min-w-[30rem] align-top!">
        <ZoneCapabilities cloud={r.cloud} zones={r.zones} />
      </Td>
      <Td className="text-right align-top! tabular-nums">
        <Link href={`/catalog?cloud=${r.cloud}&region=${encodeURIComponent(r.region)}`} className="text-blue-700 hover:underline" title={t('openCatalog', { region: r.region })}>
          {r.imageCount}
        </Link>
      </Td>
      <Td className="align-top! text-xs whitespace-nowrap text-slate-600">
        <Ago date={r.refreshedAt} />
      </Td>
      <Td className="min-w-52 align-top! text-xs" data-testid="last-sync">
        <div className="flex items-center gap-1.5 whitespace-nowrap">
          <SyncStateBadge state={state} />
          {at ? <Ago date={at} className="text-slate-500" /> : null}
        </div>
        {s ? (
          <p className="mt-0.5 whitespace-nowrap text-slate-600 tabular-nums">
            {t('syncCounts', { seen: s.imagesSeen, added: s.imagesAdded, removed: s.imagesRemoved })}
          </p>
        ) : null}
        {s?.error ? (
          <p className="mt-0.5 line-clamp-3 max-w-72 break-words text-red-700" title={s.error}>
            {s.error}
          </p>
        ) : null}
      </Td>
      {canSync ? (
        <Td className="text-right align-top!">
          <Button size="sm" disabled={state === 'syncing' || sync.isPending} onClick={() => sync.mutate({ accountId: r.accountId, region: r.region })}>
            {state === 'syncing' ? t('syncing') : t('syncNow')}
          </Button>
          {sync.error ? <p className="mt-1 text-xs text-red-700">{sync.error.message}</p> : null}
          {already ? (
            <p role="status" className="mt-1 max-w-48 text-left text-xs text-slate-600">
              {tj('alreadyRunning', { name: already.accountName, status: already.status })}
            </p>
          ) : null}
        </Td>
      ) : null}
    </Tr>
  );
}
