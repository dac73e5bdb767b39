import type { RouterOutputs } from '@/app/_trpc/react';

export type RegionRow = RouterOutputs['inventory']['regions'][number];
export type CloudAccountRow = RouterOutputs['cloudAccount']['list'][number];
export type SyncState = 'fresh' | 'stale' | 'failed' | 'syncing' | 'never';

const RUNNING = new Set(['queued', 'running']);

/** When the region's listing last finished (or started, for one still running). */
export function lastSyncTime(region: RegionRow): Date | null {
  const s = region.lastSync;
  return s ? (s.finishedAt ?? s.createdAt) : null;
}

/**
 * One word for a region's inventory: syncing now, failed last time, never synced, or synced
 * within / longer ago than its account's interval. An interval of 0 means "only on demand",
 * so such a region is never stale.
 */
export function regionSyncState(region: RegionRow, intervalMinutes: number | undefined, now: Date): SyncState {
  const s = region.lastSync;
  if (!s) return 'never';
  if (RUNNING.has(s.status)) return 'syncing';
  if (s.status !== 'succeeded') return 'failed';
  const at = lastSyncTime(region)!;
  if (intervalMinutes && now.getTime() - at.getTime() > intervalMinutes * 60_000) return 'stale';
  return 'fresh';
}

export function isSyncing(regions: RegionRow[]): boolean {
  return regions.some((r) => r.lastSync && RUNNING.has(r.lastSync.status));
}

/** Changes whenever a region's latest sync changes state, so dependants know to refetch. */
export function syncSignature(regions: RegionRow[]): string {
  return regions.map((r) => `${r.accountId}/${r.region}:${r.lastSync?.status ?? '-'}:${r.lastSync?.finishedAt?.getTime() ?? 0}`).join('|');
}

export interface SyncSummary {
  total: number;
  counts: Record<SyncState, number>;
  /** The least recent finished sync over all regions (what "how old is the catalog" means). */
  oldest: Date | null;
}

export function summarizeSync(regions: RegionRow[], accounts: CloudAccountRow[], now: Date): SyncSummary {
  const interval = new Map(accounts.map((a) => [a.id, a.syncIntervalMinutes]));
  const counts: Record<SyncState, number> = { fresh: 0, stale: 0, failed: 0, syncing: 0, never: 0 };
  let oldest: Date | null = null;
  for (const r of regions) {
    counts[regionSyncState(r, interval.get(r.accountId), now)] += 1;
    const at = r.lastSync?.finishedAt;
    if (at && (!oldest || at < oldest)) oldest = at;
  }
  return { total: regions.length, counts, oldest };
}
