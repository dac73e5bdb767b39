import type { RouterOutputs } from '@/app/_trpc/react';

export type RegionRow = RouterOutputs['inventory']['regions'][number];
export type CloudAccountRow = RouterOutputs['cloudAccount']['list'][number];
export type SyncJobRow = NonNullable<CloudAccountRow['lastSync']>;
export type SyncState = 'fresh' | 'stale' | 'failed' | 'syncing' | 'never';

const FAILED = new Set(['failed', 'interrupted']);

/** When the region's listing last finished (or started, for one still running). */
export function lastSyncTime(region: RegionRow): Date | null {
  const s = region.lastSync;
  return s ? (s.finishedAt ?? s.createdAt) : null;
}

/**
 * The account's latest sync failed as a whole (keys, endpoint, region listing): the regions it
 * was meant to cover and has not reached since count as failed.
 */
function accountFailure(account: CloudAccountRow | undefined): SyncJobRow | null {
  const job = account?.lastSync;
  return job && !job.live && FAILED.has(job.status) && job.totals.regions === 0 ? job : null;
}

function coveredBy(job: SyncJobRow, region: RegionRow): boolean {
  if (job.regions !== 'all' && !job.regions.includes(region.region)) return false;
  return !region.lastSync || region.lastSync.createdAt < job.createdAt;
}

/**
 * One word for a region's inventory: syncing now, failed last time, never synced, or synced
 * within / longer ago than its account's interval. An interval of 0 means "only on demand",
 * so such a region is never stale. "Syncing" needs a live sync (a fresh heartbeat): a row left
 * running by a worker that died counts as failed, never as syncing.
 */
export function regionSyncState(region: RegionRow, account: CloudAccountRow | undefined, now: Date): SyncState {
  const s = region.lastSync;
  if (s?.live) return 'syncing';
  const failure = accountFailure(account);
  if (failure && coveredBy(failure, region)) return 'failed';
  if (!s) return 'never';
  if (s.status !== 'succeeded') return 'failed';
  const at = lastSyncTime(region)!;
  const interval = account?.syncIntervalMinutes;
  if (interval && now.getTime() - at.getTime() > interval * 60_000) return 'stale';
  return 'fresh';
}

/** A sync of these regions or accounts is really under way (queued or running with a fresh heartbeat). */
export function isSyncing(regions: RegionRow[], accounts: CloudAccountRow[] = []): boolean {
  return regions.some((r) => r.lastSync?.live) || accounts.some((a) => a.lastSync?.live);
}

/** Changes whenever a region's or an account's latest sync changes state, so dependants know to refetch. */
export function syncSignature(regions: RegionRow[], accounts: CloudAccountRow[] = []): string {
  return [
    ...regions.map((r) => `${r.accountId}/${r.region}:${r.lastSync?.status ?? '-'}:${r.lastSync?.live ? 1 : 0}:${r.lastSync?.finishedAt?.getTime() ?? 0}`),
    ...accounts.map((a) => `${a.id}:${a.lastSync?.id ?? '-'}:${a.lastSync?.status ?? '-'}:${a.lastSync?.live ? 1 : 0}`),
  ].join('|');
}

export interface SyncSummary {
  total: number;
  counts: Record<SyncState, number>;
  /** The least recent finished sync over all regions (what "how old is the catalog" means). */
  oldest: Date | null;
  /** Accounts whose latest sync failed before reaching a region (named in the badge's tooltip). */
  failedAccounts: string[];
}

/**
 * The catalog's badges. An account whose latest sync failed before reaching any region counts
 * its regions as failed; one that never got as far as listing its regions counts once.
 */
export function summarizeSync(regions: RegionRow[], accounts: CloudAccountRow[], now: Date): SyncSummary {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const counts: Record<SyncState, number> = { fresh: 0, stale: 0, failed: 0, syncing: 0, never: 0 };
  let oldest: Date | null = null;
  for (const r of regions) {
    counts[regionSyncState(r, byId.get(r.accountId), now)] += 1;
    const at = r.lastSync?.finishedAt;
    if (at && (!oldest || at < oldest)) oldest = at;
  }
  const withRegions = new Set(regions.map((r) => r.accountId));
  const failedAccounts: string[] = [];
  for (const a of accounts) {
    if (accountFailure(a)) failedAccounts.push(a.name);
    if (withRegions.has(a.id)) continue;
    if (accountFailure(a)) counts.failed += 1;
    else if (a.lastSync?.live) counts.syncing += 1;
  }
  return { total: regions.length, counts, oldest, failedAccounts };
}
