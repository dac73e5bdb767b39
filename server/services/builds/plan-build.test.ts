import { eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import type { TBuildPlanRequest } from '@/server/api/schemas/builds';
import { startBoss, stopBoss } from '@/server/jobs/boss';
import { setBoss } from '@/server/jobs/enqueue';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { seedTemplateFiles } from '@/server/testing/seed-template';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { syncAccountInventory } from '../clouds/sync-account-inventory';
import { createRegionGroup } from '../regions/region-groups';
import { setRegionStrategy } from '../regions/region-strategies';
import { createTemplate } from '../templates/create-template';
import { planBuild, runBuilderName } from './plan-build';
import { rebuildBuild, startBuild } from './start-build';

describe(`build plans from the synced inventory (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let boss: PgBoss;
  let admin: Actor;
  let builder: Actor;
  let viewer: Actor;
  let ucloudId: string;
  let awsId: string;
  let templateId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    admin = await makeActor(t.database.db, 'admin');
    builder = await makeActor(t.database.db, 'builder');
    viewer = await makeActor(t.database.db, 'viewer');
    const common = { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true, imagePageSize: 100 };
    ucloudId = (await createCloudAccount(t.database.db, admin, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` }, { sync: false })).id;
    awsId = (await createCloudAccount(t.database.db, admin, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${sandbox.url}/ec2` }, { sync: false })).id;
    // jpn-tky is listed (its zones are known) but its images are never synced.
    await syncAccountInventory(t.database.db, { accountId: ucloudId, regions: ['cn-bj2', 'cn-sh2', 'hk', 'th-bkk', 'sg'], trigger: 'manual' });
    await syncAccountInventory(t.database.db, { accountId: awsId, regions: ['us-east-1', 'eu-west-1', 'sa-east-1'], trigger: 'manual' });
    const seed = await seedTemplateFiles(t.database.db, 'rome-access');
    const created = await createTemplate(t.database.db, admin, { name: 'plan-access', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs });
    templateId = created.id;
    // A sender only: started builds are queued, never run here.
    boss = await startBoss(t.database, { role: 'sender' });
    setBoss(boss);
  }, 180_000);
  afterAll(async () => {
    setBoss(undefined);
    if (boss) await stopBoss(boss, 5_000);
    await sandbox?.close();
    await t?.drop();
  });

  const db = () => t.database.db;
  const req = (over: Partial<TBuildPlanRequest> = {}): TBuildPlanRequest => ({ templateId, version: 1, accountIds: [ucloudId, awsId], targets: { regions: [] }, ...over });
  const regions = (...refs: [string, string][]) => ({ regions: refs.map(([cloud, region]) => ({ cloud: cloud as 'ucloud' | 'aws', region })) });
  const runOf = (plan: Awaited<ReturnType<typeof planBuild>>, cloud: string, region: string) => plan.runs.find((r) => r.cloud === cloud && r.region === region);

  it('keeps the template image where it exists and resolves the same OS from the inventory elsewhere', async () => {
    const plan = await planBuild(db(), builder, req({ targets: regions(['ucloud', 'cn-bj2'], ['ucloud', 'cn-sh2'], ['aws', 'us-east-1'], ['aws', 'eu-west-1']) }));
    expect(plan.refused).toEqual([]);
    expect(plan.runs.map((r) => r.builderName)).toEqual(['aws-eu-west-1', 'aws-us-east-1', 'ucloud-cn-bj2', 'ucloud-cn-sh2']);
    expect(runOf(plan, 'ucloud', 'cn-bj2')).toMatchObject({ zone: 'cn-bj2-02', diskType: 'cloud_ssd', hostType: 'n-basic-2', baseImage: { imageId: 'uimage-vmy3ld', how: 'template', templateImageId: null }, copyTo: [], onlyForCopies: false });
    const sh2 = runOf(plan, 'ucloud', 'cn-sh2')!;
    expect(sh2.baseImage).toMatchObject({ how: 'inventory', templateImageId: 'uimage-vmy3ld', name: 'Ubuntu 22.04 64位' });
    expect(sh2.baseImage.imageId).not.toBe('uimage-vmy3ld');
    // The newest Ubuntu 22.04 of cn-sh2 in the inventory.
    const ubuntu = (await db().select().from(tables.baseImages).where(eq(tables.baseImages.region, 'cn-sh2'))).filter((i) => i.osFamily === 'Ubuntu' && i.osVersion === '22.04').sort((a, b) => b.imageCreatedAt!.getTime() - a.imageCreatedAt!.getTime());
    expect(sh2.baseImage.imageId).toBe(ubuntu[0]!.imageId);
    // cn-sh2's zones are 01..03: the template's cn-bj2-02 is not one, the first that fits is used.
    expect(sh2).toMatchObject({ zone: 'cn-sh2-01', diskType: 'cloud_ssd' });
    // Override candidates: the region's images of the same OS family, newest first, the chosen one among them.
    expect(sh2.candidates[0]!.imageId).toBe(sh2.baseImage.imageId);
    expect(sh2.candidates.every((c) => c.name.startsWith('Ubuntu'))).toBe(true);
    expect(sh2.candidates.length).toBeGreaterThan(3);
    expect(runOf(plan, 'aws', 'eu-west-1')).toMatchObject({ zone: 'eu-west-1a', diskType: null, baseImage: { how: 'inventory', templateImageId: 'ami-0c7217cdde317cfec' } });
  });

  it('keeps names unique in the build', async () => {
    expect(runBuilderName('ucloud-cn-bj2', 'cn-bj2', 'hk')).toBe('ucloud-hk');
    expect(runBuilderName('access', 'cn-bj2', 'hk')).toBe('access-hk');
    // Three builders of one cloud in one region: each run has its own name; the one built there keeps its own.
    const seed = await seedTemplateFiles(db(), 'rome-access');
    const body = JSON.parse(seed.body) as { builders: Record<string, unknown>[] };
    body.builders.push({ ...body.builders[0]!, name: 'ucloud', instance_type: 'n-basic-4' });
    const [sh2Image] = (await db().select().from(tables.baseImages).where(eq(tables.baseImages.region, 'cn-sh2'))).filter((i) => i.name === 'Ubuntu 22.04 64位');
    body.builders.push({ ...body.builders[0]!, name: 'ucloud-cn-sh2', region: 'cn-sh2', availability_zone: 'cn-sh2-02', source_image_id: sh2Image!.imageId });
    const two = await createTemplate(db(), admin, { name: 'plan-two', role: 'access', description: '', body: JSON.stringify(body, null, 2), message: 'two', asDraft: false, attachments: seed.attachments, inputs: seed.inputs });
    const plan = await planBuild(db(), builder, req({ templateId: two.id, targets: regions(['ucloud', 'cn-sh2'], ['ucloud', 'sg']) }));
    const names = plan.runs.map((r) => r.builderName);
    expect(new Set(names).size).toBe(names.length);
    expect(plan.runs.filter((r) => r.region === 'cn-sh2').map((r) => [r.sourceBuilder, r.builderName]).sort()).toEqual([
      ['ucloud', 'ucloud-cn-sh2-2'],
      ['ucloud-cn-bj2', 'ucloud-cn-sh2-3'],
      ['ucloud-cn-sh2', 'ucloud-cn-sh2'],
    ]);
    // The builder whose own zone is cn-sh2-02 keeps it.
    expect(plan.runs.find((r) => r.sourceBuilder === 'ucloud-cn-sh2' && r.region === 'cn-sh2')?.zone).toBe('cn-sh2-02');
  });

  it('a region set to copy from X gets no run; X is built (only to copy when not a target) and copies to it', async () => {
    await setRegionStrategy(db(), admin, { cloud: 'ucloud', region: 'hk', mode: 'copy', sourceRegion: 'cn-sh2' });
    const plan = await planBuild(db(), builder, req({ targets: regions(['ucloud', 'hk'], ['ucloud', 'cn-bj2']) }));
    expect(plan.refused).toEqual([]);
    expect(runOf(plan, 'ucloud', 'hk')).toBeUndefined();
    expect(plan.copies).toEqual([{ cloud: 'ucloud', region: 'hk', from: 'cn-sh2', builderName: 'ucloud-cn-sh2' }]);
    expect(runOf(plan, 'ucloud', 'cn-sh2')).toMatchObject({ copyTo: ['hk'], onlyForCopies: true });
    expect(runOf(plan, 'ucloud', 'cn-bj2')).toMatchObject({ copyTo: [], onlyForCopies: false });
    // Targeted too, the source is an ordinary run that also copies.
    const both = await planBuild(db(), builder, req({ targets: regions(['ucloud', 'hk'], ['ucloud', 'cn-sh2']) }));
    expect(both.runs).toHaveLength(1);
    expect(both.runs[0]).toMatchObject({ region: 'cn-sh2', copyTo: ['hk'], onlyForCopies: false });
  });

  it('refuses targets that cannot work, each with its code and reason', async () => {
    const plan = await planBuild(db(), builder, req({ targets: regions(['aws', 'sa-east-1'], ['ucloud', 'mars-1'], ['ucloud', 'jpn-tky'], ['ucloud', 'cn-bj2']) }));
    expect(plan.runs.map((r) => r.region)).toEqual(['cn-bj2']);
    const byRegion = Object.fromEntries(plan.refused.map((r) => [r.region, r]));
    expect(byRegion['sa-east-1']).toMatchObject({ cloud: 'aws', code: 'NO_BASE_IMAGE' });
    expect(byRegion['sa-east-1']!.reason).toMatch(/ENA/);
    expect(byRegion['mars-1']).toMatchObject({ code: 'REGION_NOT_IN_INVENTORY' });
    expect(byRegion['jpn-tky']).toMatchObject({ code: 'REGION_NOT_SYNCED' });
    // A ucloud target without a ucloud account; a copy whose source cannot be built.
    expect((await planBuild(db(), builder, req({ accountIds: [awsId], targets: regions(['ucloud', 'cn-bj2']) }))).refused).toEqual([expect.objectContaining({ code: 'NO_ACCOUNT', region: 'cn-bj2' })]);
    await setRegionStrategy(db(), admin, { cloud: 'aws', region: 'eu-west-1', mode: 'copy', sourceRegion: 'sa-east-1' });
    const copy = await planBuild(db(), builder, req({ targets: regions(['aws', 'eu-west-1']) }));
    expect(copy.runs).toEqual([]);
    expect(copy.refused).toEqual([expect.objectContaining({ region: 'eu-west-1', code: 'COPY_SOURCE_UNUSABLE', params: expect.objectContaining({ from: 'sa-east-1' }) })]);
    await setRegionStrategy(db(), admin, { cloud: 'aws', region: 'eu-west-1', mode: 'build' });
    // Starting a plan with a refused target is refused with the reasons, and writes nothing.
    const err = await startBuild(db(), builder, req({ targets: regions(['aws', 'sa-east-1'], ['ucloud', 'cn-bj2']) })).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).userMessage).toMatch(/sa-east-1: .*ENA/);
    expect(await db().select().from(tables.builds)).toEqual([]);
  });

  it('picks a boot disk the zone offers when the template one is not', async () => {
    const plan = await planBuild(db(), builder, req({ targets: regions(['ucloud', 'th-bkk']) }));
    expect(runOf(plan, 'ucloud', 'th-bkk')).toMatchObject({ zone: 'th-bkk-02', diskType: 'local_normal' });
  });

  it('honours base image overrides, and refuses an override that is not in the region', async () => {
    const first = await planBuild(db(), builder, req({ targets: regions(['ucloud', 'cn-sh2']) }));
    const older = first.runs[0]!.candidates.find((c) => c.imageId !== first.runs[0]!.baseImage.imageId)!;
    expect(older).toBeTruthy();
    const plan = await planBuild(db(), builder, req({ targets: regions(['ucloud', 'cn-sh2']), baseImageOverrides: [{ cloud: 'ucloud', region: 'cn-sh2', imageId: older.imageId }] }));
    expect(plan.runs[0]!.baseImage).toMatchObject({ imageId: older.imageId, how: 'override' });
    const wrong = await planBuild(db(), builder, req({ targets: regions(['ucloud', 'cn-sh2']), baseImageOverrides: [{ cloud: 'ucloud', region: 'cn-sh2', imageId: 'uimage-vmy3ld' }] }));
    expect(wrong.refused).toEqual([expect.objectContaining({ code: 'OVERRIDE_NOT_FOUND' })]);
  });

  it('expands a region group and a whole cloud', async () => {
    const group = await createRegionGroup(db(), admin, { name: 'wave 1', description: '', members: [{ cloud: 'ucloud', region: 'cn-bj2' }, { cloud: 'aws', region: 'us-east-1' }] });
    const plan = await planBuild(db(), builder, req({ targets: { groupIds: [group.id], regions: [{ cloud: 'ucloud', region: 'cn-bj2' }] } }));
    expect(plan.runs.map((r) => r.builderName)).toEqual(['aws-us-east-1', 'ucloud-cn-bj2']);
    const all = await planBuild(db(), builder, req({ accountIds: [awsId], targets: { clouds: ['aws'] } }));
    const awsRegions = await db().select().from(tables.cloudRegions).where(eq(tables.cloudRegions.accountId, awsId));
    // Every active aws region is either planned or refused (most were never synced here).
    expect(all.runs.length + all.refused.length).toBe(awsRegions.filter((r) => r.active).length);
    expect(all.refused.filter((r) => r.code === 'REGION_NOT_SYNCED').length).toBeGreaterThan(5);
  });

  it('stores plan, request and derived builders; Rebuild reproduces the plan with the same base images', async () => {
    const request = req({ targets: regions(['ucloud', 'cn-sh2'], ['ucloud', 'hk'], ['aws', 'us-east-1']), variables: [{ name: 'service_version', value: '2.3.1' }], parallelism: 2, failFast: true });
    const started = await startBuild(db(), builder, request);
    const [build] = await db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
    expect(build!.plan!.runs.map((r) => r.builderName)).toEqual(['aws-us-east-1', 'ucloud-cn-sh2']);
    expect(build!.request).toMatchObject({ targets: request.targets, variables: request.variables, parallelism: 2, failFast: true, baseImageOverrides: [] });
    const runs = await db().select().from(tables.buildRuns).where(eq(tables.buildRuns.buildId, started.buildId));
    const sh2 = runs.find((r) => r.region === 'cn-sh2')!;
    expect(sh2.builder).toMatchObject({ sourceBuilder: 'ucloud-cn-bj2', type: 'ucloud-uhost', onlyForCopies: false, options: { region: 'cn-sh2', availability_zone: 'cn-sh2-01', boot_disk_type: 'cloud_ssd', image_copy_to_mappings: [{ project_id: 'org-sandbox', region: 'hk' }] } });
    expect(runs.find((r) => r.cloud === 'aws')!.builder).toMatchObject({ options: { region: 'us-east-1', source_ami: 'ami-0c7217cdde317cfec', ami_regions: [] } });
    // A newer image appearing in the region does not change a rebuild: the plan's images are overrides.
    const again = await rebuildBuild(db(), builder, { buildId: started.buildId });
    const [rebuilt] = await db().select().from(tables.builds).where(eq(tables.builds.id, again.buildId));
    expect(rebuilt!.plan!.runs.map((r) => ({ ...r, baseImage: { ...r.baseImage, how: 'x' } }))).toEqual(build!.plan!.runs.map((r) => ({ ...r, baseImage: { ...r.baseImage, how: 'x' } })));
    expect(rebuilt!.plan!.runs.every((r) => r.baseImage.how === 'override')).toBe(true);
    expect(rebuilt!.plan!.copies).toEqual(build!.plan!.copies);
    expect(rebuilt).toMatchObject({ templateVersion: 1, variables: { service_version: '2.3.1' }, options: { parallelism: 2, failFast: true } });
  });

  it('build.plan and build.rebuild through tRPC: builders and admins only', async () => {
    const input = req({ targets: regions(['ucloud', 'cn-bj2']) });
    expect((await createCaller({ db: db(), actor: builder }).build.plan(input)).runs).toHaveLength(1);
    await expect(createCaller({ db: db(), actor: viewer }).build.plan(input)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(createCaller({ db: db(), actor: builder }).build.plan({ ...input, targets: {} })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const form = await createCaller({ db: db(), actor: builder }).build.form({ templateId, version: 1 });
    expect(form.clouds).toEqual(['aws', 'ucloud']);
    expect(form.variables.find((v) => v.name === 'aws_secret_key')).toEqual({ name: 'aws_secret_key', sensitive: true, defaultValue: '' });
    expect(form.inputs.map((i) => i.name)).toEqual(['release']);
  });
});
