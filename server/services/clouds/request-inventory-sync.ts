import { asc, eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TSyncNowRequest, TSyncNowResponse } from '@/server/api/schemas/clouds';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { queueAccountSync } from './queue-inventory-sync';
import { findAccountsDueForSync } from './sync-account-inventory';

/**
 * "Sync now": one region of one account, all regions of one account, or every enabled account.
 * An account whose sync is already queued or running is not queued again; the answer says so.
 */
export async function requestInventorySync(db: Db, actor: Actor, input: TSyncNowRequest): Promise<TSyncNowResponse> {
  const a = tables.cloudAccounts;
  if (input.region && !input.accountId) throw new AppError('BAD_REQUEST', { userMessage: 'Choose the account of the region to sync.' });
  const accounts = await db
    .select({ id: a.id, name: a.name, enabled: a.enabled })
    .from(a)
    .where(input.accountId ? eq(a.id, input.accountId) : eq(a.enabled, true))
    .orderBy(asc(a.cloud), asc(a.name));
  if (input.accountId && accounts.length === 0) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
  const results = [];
  for (const account of accounts) {
    const r = await queueAccountSync(db, { accountId: account.id, regions: input.region ? [input.region] : 'all', trigger: 'manual', requestedBy: actor.id });
    results.push({ ...r, accountName: account.name });
  }
  const queued = results.filter((r) => r.outcome === 'queued');
  const already = results.filter((r) => r.outcome === 'already');
  if (queued.length) {
    await recordAudit(db, actor, {
      action: 'inventory.sync',
      targetType: input.accountId ? 'cloud-account' : 'inventory',
      targetId: input.accountId ?? 'all',
      details: { region: input.region ?? 'all', accounts: queued.length, alreadyRunning: already.length },
    });
  }
  return {
    queued: queued.length,
    alreadyRunning: already.map((r) => ({ accountId: r.accountId, accountName: r.accountName, status: r.outcome === 'already' ? r.status : 'queued' })),
  };
}

/** Run by the schedule: queue the accounts whose interval has passed (an account already syncing is skipped). */
export async function enqueueDueSyncs(db: Db): Promise<number> {
  const due = await findAccountsDueForSync(db);
  let queued = 0;
  for (const accountId of due) {
    const r = await queueAccountSync(db, { accountId, regions: 'all', trigger: 'schedule' });
    if (r.outcome === 'queued') queued += 1;
  }
  return queued;
}
