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

/** Regions with their latest syncs and the accounts (for intervals), refreshed while syncs run. */
export function useInventory(initial: { regions: RegionRow[]; accounts: CloudAccountRow[] }) {
  const [requestedAt, setRequestedAt] = useState<number | null>(null);
  const regions = trpc.inventory.regions.useQuery(undefined, {
    initialData: initial.regions,
    refetchInterval: (q) => (isSyncing(q.state.data ?? []) || requestedAt !== null ? BRISK_MS : IDLE_MS),
  });
  const accounts = trpc.cloudAccount.list.useQuery(undefined, { initialData: initial.accounts });
  const utils = trpc.useUtils();
  const rows = regions.data;

  // The request is "pending" until a sync row newer than it shows up, or for AFTER_REQUEST_MS at most.
  const started = requestedAt !== null && rows.some((r) => r.lastSync && r.lastSync.createdAt.getTime() >= requestedAt - CLOCK_SLACK_MS);
  useEffect(() => {
    if (requestedAt === null) return;
    if (started) return setRequestedAt(null);
    const timer = setTimeout(() => setRequestedAt(null), AFTER_REQUEST_MS);
    return () => clearTimeout(timer);
  }, [requestedAt, started]);

  const markRequested = useCallback(() => {
    setRequestedAt(Date.now());
    void utils.inventory.regions.invalidate();
  }, [utils]);
  const syncing = isSyncing(rows);
  return {
    regions: rows,
    accounts: accounts.data,
    syncing,
    /** A sync runs, or one was requested and has not shown up yet. */
    busy: syncing || (requestedAt !== null && !started),
    markRequested,
  };
}
