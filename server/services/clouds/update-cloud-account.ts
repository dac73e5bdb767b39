import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TUpdateCloudAccountRequest } from '@/server/api/schemas/clouds';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { keyHint } from '@/server/lib/secrets';
import { recordAudit } from '../audit/record-audit';
import { getCloudAccountOrThrow } from './find-cloud-accounts';
import { sealSecret } from './secret-box';

export async function updateCloudAccount(db: Db, actor: Actor, input: TUpdateCloudAccountRequest) {
  return db.transaction(async (tx) => {
    const before = await getCloudAccountOrThrow(tx, input.id);
    if (before.cloud !== input.cloud) throw new AppError('BAD_REQUEST', { userMessage: 'The cloud of an account cannot change; add a new account instead.' });
    if (input.name && input.name !== before.name) {
      const [taken] = await tx.select({ id: tables.cloudAccounts.id }).from(tables.cloudAccounts).where(eq(tables.cloudAccounts.name, input.name));
      if (taken) throw new AppError('NAME_TAKEN', { userMessage: `A cloud account named "${input.name}" already exists.` });
    }
    const { id, cloud: _cloud, keyId, secret, endpoint, ...rest } = input;
    const settings = { ...rest, ...(endpoint !== undefined && { endpoint: endpoint || null }) };
    const keys = keyId && secret ? { keyIdSealed: sealSecret(keyId), secretSealed: sealSecret(secret), keyHint: keyHint(keyId), lastTestOk: null, lastTestAt: null, lastTestError: null } : {};
    const changes = { ...settings, ...keys };
    // Nothing sent, nothing written (drizzle refuses an empty SET; updated_at stays).
    if (Object.values(changes).some((v) => v !== undefined)) await tx.update(tables.cloudAccounts).set(changes).where(eq(tables.cloudAccounts.id, id));
    await recordAudit(tx, actor, {
      action: 'cloud-account.update',
      targetType: 'cloud-account',
      targetId: id,
      details: { name: before.name, changes: settings, keysReplaced: Boolean(keyId) },
    });
    return { id };
  });
}
