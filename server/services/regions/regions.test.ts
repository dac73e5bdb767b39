import { eq, sql } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { syncAccountInventory } from '../clouds/sync-account-inventory';
import { createRegionGroup, deleteRegionGroup, findRegionGroups, resolveRegionGroup, updateRegionGroup } from './region-groups';
import { applyRegionSuggestion, findRegionStrategies, setRegionStrategy } from './region-strategies';

async function refusal(p: Promise<unknown>): Promise<{ code: string; reason?: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, reason: (err.details as { reason?: string } | undefined)?.reason };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('region strategies and groups on a sandbox inventory', () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let admin: Actor;
  let builder: Actor;
  let ucloudId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    admin = await makeActor(t.database.db, 'admin');
    builder = await makeActor(t.database.db, 'builder');
    const common = { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true, imagePageSize: 100 };
    ucloudId = (
      await createCloudAccount(t.database.db, admin, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` }, { sync: false })
    ).id;
    const awsId = (
      await createCloudAccount(t.database.db, admin, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${sandbox.url}/ec2` }, { sync: false })
    ).id;
    await syncAccountInventory(t.database.db, { accountId: ucloudId, regions: ['cn-bj2'], trigger: 'manual' });
    await syncAccountInventory(t.database.db, { accountId: awsId, regions: ['us-east-1', 'sa-east-1'], trigger: 'manual' });
  });
  afterAll(async () => {
    await sandbox.close();
    await t.drop();
  });

  it('suggests copying where the inventory shows the region cannot run usual builds', async () => {
    const list = await findRegionStrategies(t.database.db);
    const of = (cloud: string, region: string) => list.find((r) => r.cloud === cloud && r.region === region)!;
    expect(of('ucloud', 'cn-gd').suggestion?.problems).toEqual(['NO_SSD_BOOT_DISK']);
    expect(of('ucloud', 'th-bkk').suggestion?.problems).toEqual(['NO_SSD_BOOT_DISK']);
    expect(of('ucloud', 'hk').suggestion).toEqual({ problems: ['AMD_ONLY_HOSTS'], sourceRegion: 'cn-sh2' });
    expect(of('aws', 'sa-east-1').suggestion).toEqual({ problems: ['NO_ENA_IMAGES'], sourceRegion: expect.any(String) });
    expect(of('aws', 'us-east-1').suggestion).toBeNull();
    expect(of('ucloud', 'cn-bj2')).toMatchObject({ mode: 'build', sourceRegion: null, suggestion: null, updatedAt: null });
  });

  it('applies a suggestion and records who and when, audited', async () => {
    await applyRegionSuggestion(t.database.db, admin, { cloud: 'ucloud', region: 'hk' });
    const hk = (await findRegionStrategies(t.database.db)).find((r) => r.region === 'hk')!;
    expect(hk).toMatchObject({ mode: 'copy', sourceRegion: 'cn-sh2', updatedBy: admin.email });
    expect(hk.updatedAt).toBeInstanceOf(Date);
    const [audit] = await t.database.db.select().from(tables.auditLog).where(eq(tables.auditLog.action, 'region.strategy'));
    expect(audit).toMatchObject({ actorId: admin.id, targetType: 'region', targetId: 'ucloud:hk', details: { after: { mode: 'copy', sourceRegion: 'cn-sh2' } } });
  });

  it('refuses strategies that cannot work, with the reason', async () => {
    const db = t.database.db;
    expect(await refusal(setRegionStrategy(db, admin, { cloud: 'ucloud', region: 'sg', mode: 'copy', sourceRegion: 'sg' }))).toEqual({ code: 'REGION_STRATEGY_REFUSED', reason: 'COPY_FROM_ITSELF' });
    expect(await refusal(setRegionStrategy(db, admin, { cloud: 'ucloud', region: 'sg', mode: 'copy', sourceRegion: 'us-east-1' }))).toEqual({ code: 'REGION_STRATEGY_REFUSED', reason: 'UNKNOWN_SOURCE' });
    expect(await refusal(setRegionStrategy(db, admin, { cloud: 'ucloud', region: 'sg', mode: 'copy', sourceRegion: 'mars-1' }))).toEqual({ code: 'REGION_STRATEGY_REFUSED', reason: 'UNKNOWN_SOURCE' });
    expect(await refusal(setRegionStrategy(db, admin, { cloud: 'aws', region: 'mars-1', mode: 'build' }))).toEqual({ code: 'REGION_STRATEGY_REFUSED', reason: 'UNKNOWN_REGION' });
    // hk copies from cn-sh2: nothing may copy from hk, and cn-sh2 may not start copying.
    expect(await refusal(setRegionStrategy(db, admin, { cloud: 'ucloud', region: 'sg', mode: 'copy', sourceRegion: 'hk' }))).toEqual({ code: 'REGION_STRATEGY_REFUSED', reason: 'SOURCE_COPIES' });
    expect(await refusal(setRegionStrategy(db, admin, { cloud: 'ucloud', region: 'cn-sh2', mode: 'copy', sourceRegion: 'cn-bj2' }))).toEqual({ code: 'REGION_STRATEGY_REFUSED', reason: 'REGION_IS_SOURCE' });
    expect(await refusal(applyRegionSuggestion(db, admin, { cloud: 'ucloud', region: 'cn-bj2' }))).toEqual({ code: 'REGION_STRATEGY_REFUSED', reason: 'NO_SUGGESTION' });
  });

  it('two admins cannot build a chain between them', async () => {
    const db = t.database.db;
    const results = await Promise.allSettled([
      setRegionStrategy(db, admin, { cloud: 'ucloud', region: 'jpn-tky', mode: 'copy', sourceRegion: 'kr-seoul' }),
      setRegionStrategy(db, admin, { cloud: 'ucloud', region: 'kr-seoul', mode: 'copy', sourceRegion: 'jpn-tky' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of ['jpn-tky', 'kr-seoul']) await setRegionStrategy(db, admin, { cloud: 'ucloud', region: r, mode: 'build' });
  });

  it('clears a strategy back to "build here"', async () => {
    await setRegionStrategy(t.database.db, admin, { cloud: 'ucloud', region: 'hk', mode: 'build' });
    expect((await findRegionStrategies(t.database.db)).find((r) => r.region === 'hk')).toMatchObject({ mode: 'build', sourceRegion: null });
    // cn-sh2 is nobody's source any more.
    await setRegionStrategy(t.database.db, admin, { cloud: 'ucloud', region: 'cn-sh2', mode: 'copy', sourceRegion: 'cn-bj2' });
    await setRegionStrategy(t.database.db, admin, { cloud: 'ucloud', region: 'cn-sh2', mode: 'build' });
  });

  it('creates, renames, edits and deletes groups, audited', async () => {
    const db = t.database.db;
    const asia = await createRegionGroup(db, admin, {
      name: 'Asia',
      description: '',
      members: [
        { cloud: 'ucloud', region: 'hk' },
        { cloud: 'ucloud', region: 'sg' },
        { cloud: 'aws', region: 'ap-southeast-1' },
        { cloud: 'ucloud', region: 'sg' },
      ],
    });
    expect(asia.members).toHaveLength(3);
    expect(await refusal(createRegionGroup(db, admin, { name: 'Asia', description: '', members: [] }))).toMatchObject({ code: 'NAME_TAKEN' });
    expect(await refusal(createRegionGroup(db, admin, { name: 'Mars', description: '', members: [{ cloud: 'aws', region: 'mars-1' }] }))).toMatchObject({ code: 'REGION_UNKNOWN' });
    await updateRegionGroup(db, admin, { id: asia.id, name: 'Asia wave 1', members: [{ cloud: 'ucloud', region: 'hk' }, { cloud: 'ucloud', region: 'jpn-tky' }] });
    const [group] = (await findRegionGroups(db)).filter((g) => g.id === asia.id);
    expect(group).toMatchObject({ name: 'Asia wave 1', members: [{ cloud: 'ucloud', region: 'hk' }, { cloud: 'ucloud', region: 'jpn-tky' }] });
    expect(await updateRegionGroup(db, admin, { id: asia.id, name: 'Asia wave 1' })).toEqual({ id: asia.id, changed: [] });
    await deleteRegionGroup(db, admin, asia.id);
    expect(await refusal(deleteRegionGroup(db, admin, asia.id))).toMatchObject({ code: 'NOT_FOUND' });
    const actions = await db
      .select({ action: tables.auditLog.action })
      .from(tables.auditLog)
      .where(sql`${tables.auditLog.targetId} = ${asia.id}`)
      .orderBy(tables.auditLog.createdAt);
    expect(actions.map((a) => a.action)).toEqual(['region-group.create', 'region-group.update', 'region-group.delete']);
  });

  it('gives NAME_TAKEN, not a 500, to parallel creates of one name', async () => {
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => createRegionGroup(t.database.db, admin, { name: 'Rome wave 1', description: '', members: [{ cloud: 'ucloud', region: 'cn-bj2' }] })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('NAME_TAKEN');
  });

  it('resolves a group to its members, refusing members no longer in the inventory', async () => {
    const db = t.database.db;
    const g = await createRegionGroup(db, admin, { name: 'Resolve me', description: '', members: [{ cloud: 'ucloud', region: 'sg' }, { cloud: 'ucloud', region: 'us-ca' }] });
    await db.update(tables.cloudRegions).set({ active: false }).where(sql`${tables.cloudRegions.accountId} = ${ucloudId} and ${tables.cloudRegions.region} = 'us-ca'`);
    try {
      const resolved = await resolveRegionGroup(db, g.id);
      expect(resolved.members).toEqual([{ cloud: 'ucloud', region: 'sg' }]);
      expect(resolved.refused).toEqual([{ cloud: 'ucloud', region: 'us-ca', reason: expect.stringContaining('no longer') }]);
      // A kept member that left the inventory does not block editing the rest of the group.
      await updateRegionGroup(db, admin, { id: g.id, members: [{ cloud: 'ucloud', region: 'us-ca' }, { cloud: 'ucloud', region: 'hk' }] });
    } finally {
      await db.update(tables.cloudRegions).set({ active: true }).where(sql`${tables.cloudRegions.region} = 'us-ca'`);
    }
  });

  it('lets builders and viewers read but not write', async () => {
    const viewer = await makeActor(t.database.db, 'viewer');
    for (const actor of [viewer, builder]) {
      const api = createCaller({ db: t.database.db, actor });
      expect((await api.regionStrategy.list()).length).toBeGreaterThan(10);
      expect(Array.isArray(await api.regionGroup.list())).toBe(true);
      for (const write of [
        () => api.regionStrategy.set({ cloud: 'ucloud', region: 'sg', mode: 'build' }),
        () => api.regionStrategy.applySuggestion({ cloud: 'ucloud', region: 'hk' }),
        () => api.regionGroup.create({ name: `x-${actor.role}`, members: [] }),
      ]) {
        const err = await write().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TRPCError);
        expect((err as TRPCError).code).toBe('FORBIDDEN');
      }
    }
  });
});
