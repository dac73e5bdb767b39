import { eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TCloudTestResult, TTestCloudCredentialsRequest } from '@/server/api/schemas/clouds';
import { createProvider } from '@/server/clouds';
import type { CloudProvider } from '@/server/clouds/provider';
import { AppError } from '@/server/lib/errors';
import { logger } from '@/server/lib/logger';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { describeSyncError } from './describe-sync-error';
import { providerForAccount } from './provider-for-account';
import { unsealSecret } from './secret-box';

async function probe(connect: () => Promise<CloudProvider>): Promise<TCloudTestResult> {
  try {
    const provider = await connect();
    const { regions } = await provider.testConnection({ signal: AbortSignal.timeout(30_000) });
    return { ok: true, regions };
  } catch (err) {
    // CloudApiError messages carry the vendor's code and request id but never the keys.
    const info = describeSyncError(err);
    return { ok: false, errorCode: info.code, error: info.message };
  }
}

/** "Test connection": one authenticated call; the outcome is stored and shown on the account. */
export async function testCloudConnection(db: Db, actor: Actor, id: string): Promise<TCloudTestResult> {
  const [exists] = await db.select({ id: tables.cloudAccounts.id }).from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, id));
  if (!exists) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
  const result = await probe(async () => (await providerForAccount(db, id)).provider);
  await db.transaction(async (tx) => {
    await tx
      .update(tables.cloudAccounts)
      .set({ lastTestAt: sql`now()`, lastTestOk: result.ok, lastTestError: result.ok ? null : result.error })
      .where(eq(tables.cloudAccounts.id, id));
    await recordAudit(tx, actor, { action: 'cloud-account.test', targetType: 'cloud-account', targetId: id, details: { ok: result.ok } });
  });
  return result;
}

/**
 * The account form's check before saving: the same call with what is typed in the form, nothing
 * stored. When editing without new keys, the stored keys are used with the form's endpoint and project.
 */
export async function testCloudCredentials(db: Db, input: TTestCloudCredentialsRequest): Promise<TCloudTestResult> {
  let stored: typeof tables.cloudAccounts.$inferSelect | undefined;
  if (input.id) {
    [stored] = await db.select().from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, input.id));
    if (!stored) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
    if (stored.cloud !== input.cloud) throw new AppError('BAD_REQUEST', { userMessage: 'The cloud of an account cannot change; add a new account instead.' });
  }
  if (!(input.keyId && input.secret) && !stored) throw new AppError('BAD_REQUEST', { userMessage: 'Enter the keys to test.' });
  return probe(async () =>
    createProvider(
      {
        cloud: input.cloud,
        keyId: input.keyId && input.secret ? input.keyId : unsealSecret(stored!.keyIdSealed),
        secret: input.keyId && input.secret ? input.secret : unsealSecret(stored!.secretSealed),
        projectId: input.cloud === 'ucloud' ? input.projectId || undefined : undefined,
        endpoint: input.endpoint || undefined,
      },
      { logger: logger.child({ cloudAccountTest: input.id ?? 'new' }) },
    ),
  );
}
