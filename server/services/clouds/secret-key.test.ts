import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import type { Actor } from '@/server/lib/permissions';
import { deriveKey, seal, unseal } from '@/server/lib/secrets';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from './create-cloud-account';
import { rotateSecretKey } from './rotate-secret-key';
import { warnUndecryptableAccounts } from './warn-undecryptable-accounts';

// Keys as operators would have them (CONSOLE_SECRET_KEY values); the console's own current key
// comes from the environment or the generated key file and is not one of these.
const OLD = 'old-key-Zq8wX2mN4pR7tV1yB3cD5fG9hJ0kL6s';
const NEW = 'new-key-Hc3vB8nM1qW5eR7tY2uI4oP6aS9dF0g';
const OTHER = 'other-key-Lk2jH4gF6dS8aQ1wE3rT5yU7iO9pZ0x';

describe('cloud keys at rest: the key check and rotation', () => {
  let t: TestDatabase;
  let admin: Actor;
  let viewer: Actor;
  const ids: Record<string, string> = {};

  /** Stores an account's key id and secret sealed with a given key, as another console would have. */
  async function sealWith(name: string, secret: string, keyId: string, key: string) {
    await t.database.db
      .update(tables.cloudAccounts)
      .set({ keyIdSealed: seal(keyId, deriveKey(key)), secretSealed: seal(secret, deriveKey(key)) })
      .where(eq(tables.cloudAccounts.id, ids[name]!));
  }
  async function sealed(name: string) {
    const [row] = await t.database.db.select().from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, ids[name]!));
    return row!;
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    admin = await makeActor(t.database.db, 'admin');
    viewer = await makeActor(t.database.db, 'viewer');
    const common = { environment: 'prod', endpoint: undefined, imagePageSize: 20, syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true };
    for (const [name, cloud] of [['aws-prod', 'aws'], ['ucloud-prod', 'ucloud'], ['aws-lab', 'aws']] as const) {
      const account = await createCloudAccount(t.database.db, admin, { ...common, name, cloud, keyId: `${name}-key-id`, secret: `${name}-secret`, ...(cloud === 'ucloud' ? { projectId: 'org-abc123' } : {}) }, { sync: false });
      ids[name] = account.id;
    }
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('keyStatus reports no account while the current key opens them all, and only to admins', async () => {
    await expect(createCaller({ db: t.database.db, actor: viewer }).cloudAccount.keyStatus()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const status = await createCaller({ db: t.database.db, actor: admin }).cloudAccount.keyStatus();
    expect(status).toEqual({ accounts: 3, undecryptable: [] });
  });

  it('keyStatus (and the start-up check) name the accounts whose keys the current key cannot open', async () => {
    await sealWith('aws-prod', 'aws-prod-secret', 'aws-prod-key-id', OLD);
    await sealWith('ucloud-prod', 'ucloud-prod-secret', 'ucloud-prod-key-id', OLD);
    const status = await createCaller({ db: t.database.db, actor: admin }).cloudAccount.keyStatus();
    // In the Clouds page's order: by cloud (UCloud first, as the enum), then name.
    expect(status.undecryptable).toEqual([
      { id: ids['ucloud-prod'], name: 'ucloud-prod', cloud: 'ucloud' },
      { id: ids['aws-prod'], name: 'aws-prod', cloud: 'aws' },
    ]);
    expect(JSON.stringify(status)).not.toMatch(/secret|key-id/);
    expect(await warnUndecryptableAccounts(t.database.db)).toEqual(['ucloud-prod', 'aws-prod']);
  });

  it('rotate refuses, changing nothing, when any value does not open with the old key', async () => {
    // aws-lab is still sealed with the console's current key, not OLD.
    const before = await sealed('aws-prod');
    await expect(rotateSecretKey(t.database.db, { from: OLD, to: NEW })).rejects.toMatchObject({ code: 'BAD_REQUEST', userMessage: expect.stringContaining('aws-lab') });
    expect((await sealed('aws-prod')).secretSealed).toBe(before.secretSealed);
  });

  it('rotate re-encrypts every sealed value in one go: the new key opens them, the old one no longer does; audited as the system', async () => {
    await sealWith('aws-lab', 'aws-lab-secret', 'aws-lab-key-id', OLD);
    const result = await rotateSecretKey(t.database.db, { from: OLD, to: NEW });
    expect(result.accounts.sort()).toEqual(['aws-lab', 'aws-prod', 'ucloud-prod']);
    for (const name of ['aws-prod', 'ucloud-prod', 'aws-lab']) {
      const row = await sealed(name);
      expect(unseal(row.secretSealed, deriveKey(NEW))).toBe(`${name}-secret`);
      expect(unseal(row.keyIdSealed, deriveKey(NEW))).toBe(`${name}-key-id`);
      expect(() => unseal(row.secretSealed, deriveKey(OLD))).toThrow();
      expect(() => unseal(row.keyIdSealed, deriveKey(OLD))).toThrow();
    }
    const [audit] = await t.database.db.select().from(tables.auditLog).orderBy(desc(tables.auditLog.createdAt)).limit(1);
    expect(audit).toMatchObject({ actorId: null, actorEmail: null, action: 'secrets.rotate', targetType: 'secret_key' });
    expect(JSON.stringify(audit!.details)).not.toMatch(/secret"|key-id/);

    // The same key twice, or a wrong old key now, are refused.
    await expect(rotateSecretKey(t.database.db, { from: NEW, to: NEW })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(rotateSecretKey(t.database.db, { from: OTHER, to: OLD })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(unseal((await sealed('aws-lab')).secretSealed, deriveKey(NEW))).toBe('aws-lab-secret');
  });
});
