import { eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { CloudApiError } from '@/server/clouds/cloud-error';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { providerForAccount } from './provider-for-account';

/** "Test connection": one authenticated call; the outcome is stored and shown on the account. */
export async function testCloudConnection(db: Db, actor: Actor, id: string) {
  const { provider } = await providerForAccount(db, id);
  let result: { ok: true; regions: number } | { ok: false; error: string };
  try {
    const { regions } = await provider.testConnection({ signal: AbortSignal.timeout(30_000) });
    result = { ok: true, regions };
  } catch (err) {
    // CloudApiError messages carry the vendor's code and request id but never the keys.
    result = { ok: false, error: err instanceof CloudApiError ? err.message : `Could not reach the cloud: ${(err as Error).message}` };
  }
  await db.transaction(async (tx) => {
    await tx
      .update(tables.cloudAccounts)
      .set({ lastTestAt: sql`now()`, lastTestOk: result.ok, lastTestError: result.ok ? null : result.error })
      .where(eq(tables.cloudAccounts.id, id));
    await recordAudit(tx, actor, { action: 'cloud-account.test', targetType: 'cloud-account', targetId: id, details: { ok: result.ok } });
  });
  return result;
}
