// The keys of a run's account, unsealed for the worker's own use (the sweeper, a copies-only
// retry), never written anywhere. run-build.ts does the same for a build attempt.
import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { CloudCredentials } from '@/server/clouds/provider';
import { unsealSecret } from '../clouds/secret-box';

export class RunAccountError extends Error {
  constructor(readonly code: 'ACCOUNT_GONE' | 'SECRET_UNREADABLE', message: string) {
    super(message);
  }
}

export async function runAccountCredentials(db: Db, accountId: string | null): Promise<{ credentials: CloudCredentials; name: string }> {
  if (!accountId) throw new RunAccountError('ACCOUNT_GONE', 'The cloud account of this run was removed.');
  const [account] = await db.select().from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, accountId));
  if (!account) throw new RunAccountError('ACCOUNT_GONE', 'The cloud account of this run was removed.');
  try {
    return {
      name: account.name,
      credentials: {
        cloud: account.cloud, keyId: unsealSecret(account.keyIdSealed), secret: unsealSecret(account.secretSealed),
        projectId: account.projectId ?? undefined, endpoint: account.endpoint ?? undefined,
      },
    };
  } catch {
    throw new RunAccountError('SECRET_UNREADABLE', `The keys of the account ${account.name} cannot be decrypted with this console's CONSOLE_SECRET_KEY.`);
  }
}
