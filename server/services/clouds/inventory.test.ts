import { eq, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { startBoss } from '@/server/jobs/boss';
import { setBoss } from '@/server/jobs/enqueue';
import type { Actor } from '@/server/lib/permissions';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from './create-cloud-account';
import { findAccountsDueForSync, syncAccountInventory } from './sync-account-inventory';

const UCLOUD_SECRET = 'sandbox-private-key';
const AWS_SECRET = 'sandbox-secret-key';

async function sandboxCount(sandbox: SandboxCloud, cloud: string, region: string): Promise<number> {
  const res = (await (await fetch(`${sandbox.url}/_sandbox/resources?base=only&cloud=${cloud}&region=${region}`)).json()) as { count: number };
  return res.count;
}

describe('cloud accounts and the base image inventory', () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let boss: PgBoss;
  let admin: Actor;
  let ucloudId: string;
  let awsId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    boss = await startBoss(t.database, { role: 'sender' });
    setBoss(boss);
    admin = await makeActor(t.database.db, 'admin');
    const common = { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true };
    ucloudId = (
      await createCloudAccount(t.database.db, admin, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: UCLOUD_SECRET, projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud`, imagePageSize: 20 }, { sync: false })
    ).id;
    awsId = (
      await createCloudAccount(t.database.db, admin, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: AWS_SECRET, endpoint: `${sandbox.url}/ec2`, imagePageSize: 20 }, { sync: false })
    ).id;
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    setBoss(undefined);
    await sandbox.close();
    await t.drop();
  });

  it.each([
    ['ucloud', 7],
    ['ucloud', 20],
    ['ucloud', 100],
    ['aws', 5],
    ['aws', 50],
    ['aws', 1000],
  ] as const)('syncs %s with page size %i in exactly Σ ceil(n/limit) listing calls', async (cloud, limit) => {
    const accountId = cloud === 'ucloud' ? ucloudId : awsId;
    const regions = cloud === 'ucloud' ? ['cn-bj2', 'hk', 'sg'] : ['us-east-1', 'sa-east-1', 'eu-west-1'];
    await t.database.db.update(tables.cloudAccounts).set({ imagePageSize: limit }).where(eq(tables.cloudAccounts.id, accountId));
    const result = await syncAccountInventory(t.database.db, { accountId, regions, trigger: 'manual' });
    let expected = 0;
    let calls = 0;
    for (const r of result.results) {
      if ('error' in r) throw new Error(`${r.region}: ${r.error}`);
      const n = await sandboxCount(sandbox, cloud, r.region);
      expect(r.imagesSeen, r.region).toBe(n);
      expected += Math.ceil(n / limit);
      calls += r.apiCalls;
    }
    expect(calls).toBe(expected);
    for (const region of regions) {
      const [row] = await t.database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(tables.baseImages)
        .where(sql`${tables.baseImages.accountId} = ${accountId} and ${tables.baseImages.region} = ${region} and ${tables.baseImages.status} = 'available'`);
      expect(row?.n).toBe(await sandboxCount(sandbox, cloud, region));
    }
  });

  it('schedules an account again only once its interval has passed', async () => {
    // Both accounts synced above; their interval is 6 hours.
    expect(await findAccountsDueForSync(t.database.db)).toEqual([]);
    const later = new Date(Date.now() + 361 * 60_000);
    expect((await findAccountsDueForSync(t.database.db, later)).sort()).toEqual([ucloudId, awsId].sort());
  });

  it('stores regions with capabilities, field problem #3 visible (cn-gd has no cloud_ssd)', async () => {
    const regions = await t.database.db.select().from(tables.cloudRegions).where(eq(tables.cloudRegions.accountId, ucloudId));
    expect(regions.length).toBeGreaterThanOrEqual(12);
    const gd = regions.find((r) => r.region === 'cn-gd')!;
    const zones = gd.zones as { bootDiskTypes: string[] }[];
    expect(zones.length).toBeGreaterThan(0);
    expect(zones.every((z) => !z.bootDiskTypes.includes('cloud_ssd'))).toBe(true);
    const bj2 = regions.find((r) => r.region === 'cn-bj2')!;
    expect((bj2.zones as { bootDiskTypes: string[] }[]).some((z) => z.bootDiskTypes.includes('cloud_ssd'))).toBe(true);
  });

  it('marks an image the cloud no longer lists as removed on the next sync, and keeps it', async () => {
    const [victim] = await t.database.db
      .select()
      .from(tables.baseImages)
      .where(sql`${tables.baseImages.accountId} = ${ucloudId} and ${tables.baseImages.region} = 'sg' and ${tables.baseImages.status} = 'available'`)
      .limit(1);
    sandbox.world.images.get(victim!.imageId)!.state = 'deleted';
    const result = await syncAccountInventory(t.database.db, { accountId: ucloudId, regions: ['sg'], trigger: 'manual' });
    expect(result.results[0]).toMatchObject({ region: 'sg', imagesRemoved: 1, imagesAdded: 0 });
    const [after] = await t.database.db.select().from(tables.baseImages).where(eq(tables.baseImages.id, victim!.id));
    expect(after?.status).toBe('removed');
    expect(after?.removedAt).toBeInstanceOf(Date);
  });

  it('records a failed region without removing its images', async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ actions: { 'ucloud:DescribeImage': { errorRate: 1, code: '8889', message: 'failed to get image list' } } }) });
    try {
      const before = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(tables.baseImages).where(sql`region = 'hk' and status = 'available'`);
      const result = await syncAccountInventory(t.database.db, { accountId: ucloudId, regions: ['hk'], trigger: 'manual' });
      expect(result.results[0]).toMatchObject({ region: 'hk', error: expect.stringContaining('8889') });
      const after = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(tables.baseImages).where(sql`region = 'hk' and status = 'available'`);
      expect(after[0]?.n).toBe(before[0]?.n);
      const [sync] = await t.database.db.select().from(tables.inventorySyncs).where(sql`region = 'hk'`).orderBy(sql`created_at desc`).limit(1);
      expect(sync).toMatchObject({ status: 'failed' });
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('never lets a secret reach a response, a log line or a plain-text column', async () => {
    const secret = `Very-Secret-${Date.now()}-zq`;
    const keyId = `AKIALEAKCHECK${Date.now()}`.slice(0, 20);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let responses: unknown[] = [];
    try {
      const api = createCaller({ db: t.database.db, actor: admin });
      const { id } = await api.cloudAccount.create({ name: 'leak-check', cloud: 'aws', environment: 'prod', keyId, secret, endpoint: `${sandbox.url}/ec2`, imagePageSize: 100, syncConcurrency: 2, syncIntervalMinutes: 0, enabled: true });
      // Wrong keys: the test fails at the cloud, whose error must not echo them either.
      const test = await api.cloudAccount.test({ id });
      responses = [
        test,
        await api.cloudAccount.list(),
        await api.cloudAccount.update({ id, cloud: 'aws', name: 'leak-check-2' }),
        await api.inventory.regions(),
        await api.inventory.syncs({ limit: 50 }),
        await api.audit.list({ pageSize: 50 }),
      ];
      expect(test.ok).toBe(false);
    } finally {
      spy.mockRestore();
    }
    const haystack = JSON.stringify(responses) + written.join('');
    expect(haystack).not.toContain(secret);
    expect(haystack).not.toContain(keyId);
    expect(JSON.stringify(responses)).toContain('••••');

    // Every text-like column of every table in the console's schema.
    const columns = (await t.database.db.execute(
      sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and data_type in ('text', 'jsonb', 'character varying')`,
    )) as unknown as { rows?: { table_name: string; column_name: string }[] } | { table_name: string; column_name: string }[];
    const list = Array.isArray(columns) ? columns : (columns.rows ?? []);
    expect(list.length).toBeGreaterThan(20);
    for (const { table_name, column_name } of list) {
      const hits = (await t.database.db.execute(
        sql.raw(`select count(*)::int as n from "${table_name}" where "${column_name}"::text like '%${secret}%' or "${column_name}"::text like '%${keyId}%'`),
      )) as unknown as { rows?: { n: number }[] } | { n: number }[];
      const n = Array.isArray(hits) ? hits[0]?.n : hits.rows?.[0]?.n;
      expect(n, `${table_name}.${column_name}`).toBe(0);
    }
  });
});
