import { describe, expect, it } from 'vitest';
import { isSyncing, regionSyncState, summarizeSync, type CloudAccountRow, type RegionRow, type SyncJobRow } from './sync-state';

const now = new Date('2026-11-29T12:00:00Z');
const ago = (min: number) => new Date(now.getTime() - min * 60_000);
const totals = { pages: 0, calls: 0, seen: 0, added: 0, removed: 0, regions: 0, failed: 0 };

function job(over: Partial<SyncJobRow>): SyncJobRow {
  return { id: 'j', accountId: 'a', trigger: 'manual', regions: 'all', status: 'succeeded', attempt: 1, errorCode: null, error: null, createdAt: ago(5), startedAt: ago(5), finishedAt: ago(4), durationMs: 1000, live: false, totals, ...over };
}
function account(id: string, lastSync: SyncJobRow | null): CloudAccountRow {
  return { id, name: id, cloud: 'ucloud', syncIntervalMinutes: 360, lastSync } as unknown as CloudAccountRow;
}
function region(accountId: string, name: string, lastSync: Partial<NonNullable<RegionRow['lastSync']>> | null): RegionRow {
  return {
    accountId,
    region: name,
    lastSync: lastSync && { status: 'succeeded', createdAt: ago(60), finishedAt: ago(59), live: false, ...lastSync },
  } as unknown as RegionRow;
}

describe('the catalog summary tells the truth about syncs', () => {
  it('counts an account whose sync failed before listing any region (wrong keys) as failed', () => {
    const wrong = account('wrong', job({ accountId: 'wrong', status: 'failed', errorCode: 'CLOUD_AUTH_FAILED', error: 'UCloud GetRegion failed: [172] …' }));
    const ok = account('ok', job({ accountId: 'ok' }));
    const s = summarizeSync([region('ok', 'cn-bj2', {})], [ok, wrong], now);
    expect(s.counts).toMatchObject({ fresh: 1, failed: 1, syncing: 0 });
  });

  it('counts the regions an account-level failure covers as failed, until a region sync succeeds after it', () => {
    const failed = account('a', job({ status: 'failed', regions: ['hk'], createdAt: ago(10), errorCode: 'CLOUD_UNREACHABLE' }));
    const regions = [region('a', 'hk', { createdAt: ago(60) }), region('a', 'sg', { createdAt: ago(60) })];
    expect(summarizeSync(regions, [failed], now).counts).toMatchObject({ failed: 1, fresh: 1 });
    expect(regionSyncState(region('a', 'hk', { createdAt: ago(1) }), failed, now)).toBe('fresh');
  });

  it('shows nothing as syncing without a live sync: a row left running by a dead worker is failed', () => {
    const stale = region('a', 'hk', { status: 'running', live: false, finishedAt: null });
    const acct = account('a', job({ status: 'running', live: false }));
    expect(regionSyncState(stale, acct, now)).toBe('failed');
    expect(isSyncing([stale], [acct])).toBe(false);
    expect(isSyncing([region('a', 'hk', { status: 'running', live: true })], [acct])).toBe(true);
    expect(isSyncing([], [account('b', job({ status: 'queued', live: true }))])).toBe(true);
  });
});
