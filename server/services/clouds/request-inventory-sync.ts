import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TSyncNowRequest } from '@/server/api/schemas/clouds';
import { enqueue } from '@/server/jobs/enqueue';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { findAccountsDueForSync } from './sync-account-inventory';

/** "Sync now": one region of one account, all regions of one account, or every enabled account. */
export async function requestInventorySync(db: Db, actor: Actor, input: TSyncNowRequest) {
  const accounts = input.accountId
    ? await db.select({ id: tables.cloudAccounts.id, enabled: tables.cloudAccounts.enabled }).from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, input.accountId))
    : await db.select({ id: tables.cloudAccounts.id, enabled: tables.cloudAccounts.enabled }).from(tables.cloudAccounts).where(eq(tables.cloudAccounts.enabled, true));
  if (input.accountId && accounts.length === 0) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
  if (input.region && !input.accountId) throw new AppError('BAD_REQUEST', { userMessage: 'Choose the account of the region to sync.' });
  const jobs: string[] = [];
  for (const a of accounts) {
    jobs.push(await enqueue('inventory.sync', { accountId: a.id, regions: input.region ? [input.region] : 'all', trigger: 'manual', requestedBy: actor.id }));
  }
  await recordAudit(db, actor, {
    action: 'inventory.sync',
    targetType: input.accountId ? 'cloud-account' : 'inventory',
    targetId: input.accountId ?? 'all',
    details: { region: input.region ?? 'all', accounts: accounts.length },
  });
  return { queued: jobs.length };
}

/** Run by the schedule: enqueue the accounts whose interval has passed. */
export async function enqueueDueSyncs(db: Db): Promise<number> {
  const due = await findAccountsDueForSync(db);
  for (const accountId of due) await enqueue('inventory.sync', { accountId, regions: 'all', trigger: 'schedule' });
  return due.length;
}
