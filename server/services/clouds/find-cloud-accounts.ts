import { asc, eq } from 'drizzle-orm';
import { tables, type DbOrTx } from '@/db';
import { AppError } from '@/server/lib/errors';
import { cloudAccountColumns } from './cloud-account-dto';

export function findCloudAccounts(db: DbOrTx) {
  return db.select(cloudAccountColumns).from(tables.cloudAccounts).orderBy(asc(tables.cloudAccounts.cloud), asc(tables.cloudAccounts.name));
}

export async function getCloudAccountOrThrow(db: DbOrTx, id: string) {
  const [account] = await db.select(cloudAccountColumns).from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, id));
  if (!account) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
  return account;
}
