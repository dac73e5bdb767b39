import { eq } from 'drizzle-orm';
import { tables, type DbOrTx } from '@/db';
import { createProvider } from '@/server/clouds';
import type { CloudProvider } from '@/server/clouds/provider';
import { AppError } from '@/server/lib/errors';
import { logger } from '@/server/lib/logger';
import { unsealSecret } from './secret-box';

/** The one place cloud keys are decrypted: right before a provider makes cloud calls. */
export async function providerForAccount(db: DbOrTx, accountId: string): Promise<{ provider: CloudProvider; account: typeof tables.cloudAccounts.$inferSelect }> {
  const [account] = await db.select().from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, accountId));
  if (!account) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
  const provider = createProvider(
    {
      cloud: account.cloud,
      keyId: unsealSecret(account.keyIdSealed),
      secret: unsealSecret(account.secretSealed),
      projectId: account.projectId ?? undefined,
      endpoint: account.endpoint ?? undefined,
    },
    { logger: logger.child({ cloudAccount: account.name }) },
  );
  return { provider, account };
}
