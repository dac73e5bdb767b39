import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { getCloudAccountOrThrow } from './find-cloud-accounts';

/** Removes the account with its regions and inventory (cascade); the audit entry keeps its name. */
export async function deleteCloudAccount(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const account = await getCloudAccountOrThrow(tx, id);
    await tx.delete(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, id));
    await recordAudit(tx, actor, { action: 'cloud-account.delete', targetType: 'cloud-account', targetId: id, details: { name: account.name, cloud: account.cloud } });
    return { id };
  });
}
