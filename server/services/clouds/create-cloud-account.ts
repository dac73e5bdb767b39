import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { CLOUD_ACCOUNT_DEFAULTS, type TCreateCloudAccountRequest } from '@/server/api/schemas/clouds';
import { keyHint } from '@/server/lib/secrets';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { nameTaken, withUniqueName } from '../unique-names';
import { queueAccountSync } from './queue-inventory-sync';
import { sealSecret } from './secret-box';

/**
 * `actor` is null (SYSTEM) for the sandbox accounts the console adds on first start. Callers
 * inside the server may leave the run limit out (the form always sends it): the default then.
 */
export async function createCloudAccount(db: Db, actor: AuditActor, input: Omit<TCreateCloudAccountRequest, 'maxConcurrentRuns'> & { maxConcurrentRuns?: number }, opts: { sandbox?: boolean; sync?: boolean; sshPort?: number } = {}) {
  const id = await db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: tables.cloudAccounts.id }).from(tables.cloudAccounts).where(eq(tables.cloudAccounts.name, input.name));
    if (taken) throw nameTaken('cloud_accounts_name_unique', input.name);
    const [row] = await withUniqueName('cloud_accounts_name_unique', input.name, () =>
      tx
        .insert(tables.cloudAccounts)
        .values({
          name: input.name,
          cloud: input.cloud,
          environment: input.environment,
          keyIdSealed: sealSecret(input.keyId),
          secretSealed: sealSecret(input.secret),
          keyHint: keyHint(input.keyId),
          projectId: input.cloud === 'ucloud' ? input.projectId : null,
          endpoint: input.endpoint ?? null,
          imagePageSize: input.imagePageSize,
          syncConcurrency: input.syncConcurrency,
          syncIntervalMinutes: input.syncIntervalMinutes,
          maxConcurrentRuns: input.maxConcurrentRuns ?? CLOUD_ACCOUNT_DEFAULTS.maxConcurrentRuns,
          enabled: input.enabled,
          sandbox: opts.sandbox ?? false,
          sshPort: opts.sshPort ?? null,
          createdBy: actor?.id ?? null,
        })
        .returning({ id: tables.cloudAccounts.id }),
    );
    // Audit details name the account, never its keys.
    await recordAudit(tx, actor, {
      action: 'cloud-account.create',
      targetType: 'cloud-account',
      targetId: row!.id,
      details: { name: input.name, cloud: input.cloud, environment: input.environment, endpoint: input.endpoint ?? null },
    });
    return row!.id;
  });
  // A new account's regions and base images are wanted right away.
  if (opts.sync !== false && input.enabled) await queueAccountSync(db, { accountId: id, regions: 'all', trigger: 'account-created', requestedBy: actor?.id ?? undefined });
  return { id };
}
