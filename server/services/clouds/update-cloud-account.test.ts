import { and, eq } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import type { Actor } from '@/server/lib/permissions';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from './create-cloud-account';

describe('cloudAccount.update changes only what was sent', () => {
  let t: TestDatabase;
  let admin: Actor;
  let api: ReturnType<typeof createCaller>;
  let id: string;
  const account = () => t.database.db.select().from(tables.cloudAccounts).where(eq(tables.cloudAccounts.id, id)).then((r) => r[0]!);
  const audits = () =>
    t.database.db
      .select()
      .from(tables.auditLog)
      .where(and(eq(tables.auditLog.targetId, id), eq(tables.auditLog.action, 'cloud-account.update')))
      .orderBy(tables.auditLog.createdAt);

  beforeAll(async () => {
    t = await createTestDatabase();
    admin = await makeActor(t.database.db, 'admin', 'root@rome.test');
    api = createCaller({ db: t.database.db, actor: admin });
    // Every setting away from its default, so a reset to defaults would show.
    id = (
      await createCloudAccount(
        t.database.db,
        admin,
        {
          name: 'prod-ucloud',
          cloud: 'ucloud',
          environment: 'staging',
          keyId: 'key-id-0001',
          secret: 'secret-0001',
          projectId: 'org-abc123',
          endpoint: 'https://api.example.test',
          imagePageSize: 7,
          syncConcurrency: 9,
          syncIntervalMinutes: 0,
          enabled: false,
        },
        { sync: false },
      )
    ).id;
  });
  afterAll(() => t.drop());

  it('a name-only update keeps every other field and audits only the name', async () => {
    const before = await account();
    await api.cloudAccount.update({ id, cloud: 'ucloud', name: 'prod-ucloud-renamed' });
    const after = await account();
    expect(after).toEqual({ ...before, name: 'prod-ucloud-renamed', updatedAt: after.updatedAt });
    expect(after).toMatchObject({ imagePageSize: 7, syncConcurrency: 9, syncIntervalMinutes: 0, enabled: false, environment: 'staging', endpoint: 'https://api.example.test' });
    const [entry] = await audits();
    expect(entry!.actorEmail).toBe('root@rome.test');
    expect(entry!.details).toEqual({ name: 'prod-ucloud', before: { name: 'prod-ucloud' }, after: { name: 'prod-ucloud-renamed' } });
  });

  it('records the real before and after of the fields that changed, and nothing for fields sent unchanged', async () => {
    await api.cloudAccount.update({ id, cloud: 'ucloud', name: 'prod-ucloud-renamed', environment: 'staging', imagePageSize: 50, enabled: true, endpoint: '' });
    expect(await account()).toMatchObject({ name: 'prod-ucloud-renamed', imagePageSize: 50, enabled: true, endpoint: null, syncConcurrency: 9, syncIntervalMinutes: 0 });
    const entry = (await audits()).at(-1)!;
    expect(entry.details).toEqual({
      name: 'prod-ucloud-renamed',
      before: { endpoint: 'https://api.example.test', imagePageSize: 7, enabled: false },
      after: { endpoint: null, imagePageSize: 50, enabled: true },
    });
  });

  it('records a key change as "keys changed", never the keys', async () => {
    await api.cloudAccount.update({ id, keyId: 'key-id-0002', secret: 'secret-0002' });
    expect(await account()).toMatchObject({ keyHint: '••••0002', imagePageSize: 50, name: 'prod-ucloud-renamed' });
    const entry = (await audits()).at(-1)!;
    expect(entry.details).toEqual({ name: 'prod-ucloud-renamed', before: {}, after: {}, keys: 'changed' });
    expect(JSON.stringify(entry.details)).not.toMatch(/key-id-0002|secret-0002/);
  });

  it('writes nothing when nothing changed', async () => {
    const count = (await audits()).length;
    const before = await account();
    expect(await api.cloudAccount.update({ id, name: 'prod-ucloud-renamed', syncConcurrency: 9 })).toEqual({ id, changed: [] });
    expect(await account()).toEqual(before);
    expect(await audits()).toHaveLength(count);
  });

  it("checks a partial update against the stored account's cloud", async () => {
    // UCloud allows at most 100 images per call; the request does not say which cloud.
    const err = await api.cloudAccount.update({ id, imagePageSize: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect((err as TRPCError).message).toMatch(/UCloud allows 1–100/);
    const wrongCloud = await api.cloudAccount.update({ id, cloud: 'aws', name: 'x' }).catch((e: unknown) => e);
    expect((wrongCloud as TRPCError).code).toBe('BAD_REQUEST');
    expect((await account()).imagePageSize).toBe(50);
  });
});
