import { asc, eq, sql } from 'drizzle-orm';
import { tables, type DbOrTx } from '@/db';
import { isSandboxEndpoint } from '@/server/api/schemas/clouds';
import { AppError } from '@/server/lib/errors';
import { cloudAccountColumns } from './cloud-account-dto';
import { findLatestSyncJobs } from './find-inventory-sync-jobs';

/** Accounts by cloud and name, each with its latest sync; "sandbox" follows the endpoint. */
export async function findCloudAccounts(db: DbOrTx) {
  const a = tables.cloudAccounts;
  // By the cloud's name (the enum would sort in declaration order) and then the account's, case aside.
  const accounts = await db.select(cloudAccountColumns).from(a).orderBy(asc(sql`${a.cloud}::text`), asc(sql`lower(${a.name})`), asc(a.name));
  const latest = await findLatestSyncJobs(
    db,
    accounts.map((a) => a.id),
  );
  return accounts.map((a) => ({ ...a, sandbox: isSandboxEndpoint(a.endpoint), lastSync: latest.get(a.id) ?? null }));
}

export async function getCloudAccountOrThrow(db: DbOrTx, id: string) {
  const [account] = await db.select(cloudAccountColumns).from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, id));
  if (!account) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
  return account;
}
