import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { perCloudIssues, type TUpdateCloudAccountRequest } from '@/server/api/schemas/clouds';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { keyHint } from '@/server/lib/secrets';
import { recordAudit } from '../audit/record-audit';
import { nameTaken, withUniqueName } from '../unique-names';
import { cloudAccountColumns } from './cloud-account-dto';
import { sealSecret } from './secret-box';

const SETTINGS = ['name', 'environment', 'endpoint', 'projectId', 'imagePageSize', 'syncConcurrency', 'syncIntervalMinutes', 'maxConcurrentRuns', 'enabled'] as const;
type Setting = (typeof SETTINGS)[number];
type SettingValue = string | number | boolean | null;

/**
 * Changes only the settings the request sent (and that differ), and the keys when both halves
 * are sent. The audit entry holds the real before and after of what changed; keys appear only
 * as "changed".
 */
export async function updateCloudAccount(db: Db, actor: Actor, input: TUpdateCloudAccountRequest) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select(cloudAccountColumns).from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, input.id)).for('update');
    if (!before) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
    if (input.cloud && before.cloud !== input.cloud) throw new AppError('BAD_REQUEST', { userMessage: 'The cloud of an account cannot change; add a new account instead.' });
    if (before.cloud === 'aws' && input.projectId) throw new AppError('BAD_REQUEST', { userMessage: 'AWS accounts have no project id.' });
    // The schema checks these when the request names the cloud; a partial update may not.
    const issues = perCloudIssues({ cloud: before.cloud, imagePageSize: input.imagePageSize, projectId: input.projectId });
    if (issues.length > 0) throw new AppError('BAD_REQUEST', { userMessage: issues.map((i) => i.message).join('; ') });

    const sent: Partial<Record<Setting, SettingValue>> = {
      name: input.name,
      environment: input.environment,
      // An empty endpoint removes the override.
      endpoint: input.endpoint === undefined ? undefined : input.endpoint || null,
      projectId: before.cloud === 'ucloud' ? input.projectId : undefined,
      imagePageSize: input.imagePageSize,
      syncConcurrency: input.syncConcurrency,
      syncIntervalMinutes: input.syncIntervalMinutes,
      maxConcurrentRuns: input.maxConcurrentRuns,
      enabled: input.enabled,
    };
    const changed = SETTINGS.filter((k) => sent[k] !== undefined && sent[k] !== before[k]);
    const replaceKeys = Boolean(input.keyId && input.secret);
    if (changed.length === 0 && !replaceKeys) return { id: before.id, changed: [] as string[] };

    if (changed.includes('name')) {
      const [taken] = await tx.select({ id: tables.cloudAccounts.id }).from(tables.cloudAccounts).where(eq(tables.cloudAccounts.name, input.name!));
      if (taken) throw nameTaken('cloud_accounts_name_unique', input.name!);
    }
    const settings = Object.fromEntries(changed.map((k) => [k, sent[k]]));
    const keys = replaceKeys
      ? { keyIdSealed: sealSecret(input.keyId!), secretSealed: sealSecret(input.secret!), keyHint: keyHint(input.keyId!), lastTestOk: null, lastTestAt: null, lastTestError: null }
      : {};
    await withUniqueName('cloud_accounts_name_unique', input.name ?? before.name, () =>
      tx
        .update(tables.cloudAccounts)
        .set({ ...settings, ...keys })
        .where(eq(tables.cloudAccounts.id, before.id)),
    );
    await recordAudit(tx, actor, {
      action: 'cloud-account.update',
      targetType: 'cloud-account',
      targetId: before.id,
      details: {
        name: before.name,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: settings,
        ...(replaceKeys && { keys: 'changed' }),
      },
    });
    return { id: before.id, changed: replaceKeys ? [...changed, 'keys'] : [...changed] };
  });
}
