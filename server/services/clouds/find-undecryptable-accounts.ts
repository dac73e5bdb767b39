import { asc } from 'drizzle-orm';
import { tables, type DbOrTx } from '@/db';
import type { TSecretKeyStatus } from '@/server/api/schemas/clouds';
import { opensWithCurrentKey } from './secret-box';

/**
 * Accounts whose stored keys do not open with the current CONSOLE_SECRET_KEY (the key changed,
 * or the database came from another console). Checked at start and shown on the Clouds page;
 * `npm run secrets -- rotate --from OLD --to NEW` re-encrypts them. Only names leave here.
 */
export async function findUndecryptableAccounts(db: DbOrTx): Promise<TSecretKeyStatus> {
  const rows = await db
    .select({ id: tables.cloudAccounts.id, name: tables.cloudAccounts.name, cloud: tables.cloudAccounts.cloud, keyIdSealed: tables.cloudAccounts.keyIdSealed, secretSealed: tables.cloudAccounts.secretSealed })
    .from(tables.cloudAccounts)
    .orderBy(asc(tables.cloudAccounts.cloud), asc(tables.cloudAccounts.name));
  const undecryptable = rows.filter((r) => !opensWithCurrentKey(r.keyIdSealed) || !opensWithCurrentKey(r.secretSealed)).map(({ id, name, cloud }) => ({ id, name, cloud }));
  return { accounts: rows.length, undecryptable };
}
