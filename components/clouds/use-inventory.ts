'use client';
import { useCallback, useEffect, useState } from 'react';
import { trpc } from '@/app/_trpc/react';
import { isSyncing, type CloudAccountRow, type RegionRow } from './sync-state';

// A sync request only becomes visible once the worker picks the job up and writes its rows;
// poll briskly for a while after a request so that gap does not look like nothing happened.
const AFTER_REQUEST_MS = 30_000;
const BRISK_MS = 2_000;
const IDLE_MS = 30_000;
// Sync rows carry the server's clock; allow it to lag the browser's a little.
const CLOCK_SLACK_MS = 2_000;

/**
 * Regions with their latest syncs and the accounts with theirs (and their intervals), refreshed
 * briskly while a sync is live. "Live" comes from the server: a fresh heartbeat, not a status.
 */
export function useInventory(initial: { regions: RegionRow[]; accounts: CloudAccountRow[] }) {
  const [requestedAt, setRequestedAt] = useState<number | null>(null);
  const utils = trpc.useUtils();
  const pace = (live: boolean) => (live || requestedAt !== null ? BRISK_MS : IDLE_MS);
  const regions = trpc.inventory.regions.useQuery(undefined, {
    initialData: initial.regions,
    refetchInterval: (q) => pace(isSyncing(q.state.data ?? [], utils.cloudAccount.list.getData() ?? [])),
  });
  const accounts = trpc.cloudAccount.list.useQuery(undefined, {
    initialData: initial.accounts,
    refetchInterval: (q) => pace(isSyncing(utils.inventory.regions.getData() ?? [], q.state.data ?? [])),
  });
  const rows = regions.data;
  const syncing = isSyncing(rows, accounts.data);

  // The request is "pending" until a sync newer than it shows up, or for AFTER_REQUEST_MS at most.
  const after = (d: Date | undefined | null) => d !== undefined && d !== null && requestedAt !== null && d.getTime() >= requestedAt - CLOCK_SLACK_MS;
  const started = requestedAt !== null && (rows.some((r) => after(r.lastSync?.createdAt)) || accounts.data.some((a) => after(a.lastSync?.createdAt)));
  useEffect(() => {
    if (requestedAt === null) return;
    if (started) return setRequestedAt(null);
    const timer = setTimeout(() => setRequestedAt(null), AFTER_REQUEST_MS);
    return () => clearTimeout(timer);
  }, [requestedAt, started]);

  const markRequested = useCallback(() => {
    setRequestedAt(Date.now());
    void utils.inventory.regions.invalidate();
    void utils.cloudAccount.list.invalidate();
    void utils.inventory.jobs.invalidate();
  }, [utils]);
  return {
    regions: rows,
    accounts: accounts.data,
    syncing,
    /** A sync runs, or one was requested and has not shown up yet. */
    busy: syncing || (requestedAt !== null && !started),
    markRequested,
  };
}
