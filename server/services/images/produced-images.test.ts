import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { SEED_DIR } from '@/server/engine/builders/testing/fixtures';
import { setBoss } from '@/server/jobs/enqueue';
import { startWorker, stopWorker } from '@/server/jobs/worker';
import type { Actor } from '@/server/lib/permissions';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { seedTemplateFiles } from '@/server/testing/seed-template';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { syncAccountInventory } from '../clouds/sync-account-inventory';
import { startBuild } from '../builds/start-build';
import { createTemplate } from '../templates/create-template';
import { saveTemplateVersion } from '../templates/save-template-version';
import { storeTemplateBlob } from '../templates/template-attachments';
import { baseImageOfRun, recordProducedImages } from './record-produced-images';
import { setRegionStrategy } from '../regions/region-strategies';

const RELEASE = 'release/rome-access-2.3.1-linux-amd64.tar.gz';
const TERMINAL = ['succeeded', 'failed', 'cancelled', 'interrupted'];

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Body = { builders: Record<string, unknown>[]; description: string };

describe(`produced images: lineage, matrix and dashboard (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let worker: PgBoss | undefined;
  let admin: Actor;
  let viewer: Actor;
  let accountIds: string[];
  let templateId: string;
  let releaseSha: string;
  let body: Body;

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    admin = await makeActor(t.database.db, 'admin');
    viewer = await makeActor(t.database.db, 'viewer');
    const common = { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true, imagePageSize: 50 };
    const u = await createCloudAccount(t.database.db, admin, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` }, { sync: false });
    const a = await createCloudAccount(t.database.db, admin, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${sandbox.url}/ec2` }, { sync: false });
    accountIds = [u.id, a.id];
    // The base images the seeded template starts from are in the inventory: the rows link to them.
    for (const r of (await syncAccountInventory(t.database.db, { accountId: u.id, regions: ['cn-bj2'], trigger: 'manual' })).results) expect('error' in r ? r.error : '').toBe('');
    for (const r of (await syncAccountInventory(t.database.db, { accountId: a.id, regions: ['us-east-1'], trigger: 'manual' })).results) expect('error' in r ? r.error : '').toBe('');

    const seed = await seedTemplateFiles(t.database.db, 'rome-access');
    body = JSON.parse(seed.body) as Body;
    // Two EC2 regions build in us-east-1 and copy (their strategy); the sandbox fails the copy to ap-south-1.
    for (const region of ['eu-west-1', 'ap-south-1']) await setRegionStrategy(t.database.db, admin, { cloud: 'aws', region, mode: 'copy', sourceRegion: 'us-east-1' });
    const created = await createTemplate(t.database.db, admin, { name: 'images-access', role: 'access', description: '', body: JSON.stringify(body, null, 2), message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs });
    expect(created.valid).toBe(true);
    templateId = created.id;
    releaseSha = (await storeTemplateBlob(t.database.db, admin, readFileSync(join(SEED_DIR, 'rome-access', 'inputs', RELEASE)))).sha256;
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ failCopiesTo: ['ap-south-1'] }) });
    worker = await startWorker(t.database, { pollingIntervalSeconds: 0.5, build: { sshPortOverride: sandbox.world.sshPort, timing: { pollMs: 50, hostTimeoutMs: 30_000 }, cleanupRetryDelayMs: 50, cancelPollMs: 200 } });
    setBoss(worker);
  }, 90_000);
  afterAll(async () => {
    if (worker) await stopWorker(worker, 5_000);
    setBoss(undefined);
    await sandbox?.close();
    await t?.drop();
  });

  const db = () => t.database.db;
  const api = (actor: Actor) => createCaller({ db: t.database.db, actor });
  const ALL_TARGETS = [{ cloud: 'ucloud', region: 'cn-bj2' }, { cloud: 'aws', region: 'us-east-1' }, { cloud: 'aws', region: 'eu-west-1' }, { cloud: 'aws', region: 'ap-south-1' }] as const;
  const UCLOUD_ONLY = [{ cloud: 'ucloud', region: 'cn-bj2' }] as const;
  const build = async (version: number, regions: readonly { cloud: 'ucloud' | 'aws'; region: string }[] = ALL_TARGETS) => {
    const started = await startBuild(db(), admin, { templateId, version, accountIds, targets: { regions: [...regions] }, inputs: [{ path: RELEASE, sha256: releaseSha }] });
    return until(`build ${started.buildId}`, async () => {
      // The build settles after its last run recorded its images (run-build.ts), so wait for the build.
      const [b] = await db().select({ status: tables.builds.status }).from(tables.builds).where(eq(tables.builds.id, started.buildId));
      if (!b || !TERMINAL.includes(b.status)) return null;
      const runs = await db().select().from(tables.buildRuns).where(eq(tables.buildRuns.buildId, started.buildId)).orderBy(asc(tables.buildRuns.builderName));
      return { buildId: started.buildId, runs };
    });
  };
  const producedOf = (buildId: string) => db().select().from(tables.producedImages).where(eq(tables.producedImages.buildId, buildId)).orderBy(asc(tables.producedImages.cloud), asc(tables.producedImages.region));

  let first: { buildId: string; runs: (typeof tables.buildRuns.$inferSelect)[] };

  it('records the built image, its copies and the failed copy of every run, with their lineage', { timeout: 240_000 }, async () => {
    first = await build(1);
    const aws = first.runs.find((r) => r.cloud === 'aws')!;
    const ucloud = first.runs.find((r) => r.cloud === 'ucloud')!;
    expect(ucloud.status).toBe('succeeded');
    expect(aws.artifact?.images.map((i) => i.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(aws.artifact?.copyFailures.map((f) => f.region)).toEqual(['ap-south-1']);

    const rows = await producedOf(first.buildId);
    expect(rows.map((r) => `${r.cloud}/${r.region}:${r.kind}:${r.state}`)).toEqual([
      'ucloud/cn-bj2:built:available',
      'aws/ap-south-1:copy:copy-failed',
      'aws/eu-west-1:copy:available',
      'aws/us-east-1:built:available',
    ]);
    const byRegion = new Map(rows.map((r) => [r.region, r]));
    const usEast = byRegion.get('us-east-1')!;
    const baseRow = await db().select().from(tables.baseImages).where(eq(tables.baseImages.imageId, 'ami-0c7217cdde317cfec'));
    expect(usEast).toMatchObject({
      imageId: aws.artifact!.images.find((i) => i.region === 'us-east-1')!.imageId,
      templateId, templateVersion: 1, role: 'access', buildId: first.buildId, runId: aws.id, cloudAccountId: accountIds[1],
      baseImageId: 'ami-0c7217cdde317cfec', baseImageRegion: 'us-east-1', baseImageRowId: baseRow.find((b) => b.region === 'us-east-1')!.id,
      sourceRegion: null, sourceImageId: null, startedBy: admin.id, error: null,
    });
    // The name the engine gave the image (the template's ami_name, rendered).
    expect(usEast.name).toMatch(/^rome-access-\d+$/);
    expect(byRegion.get('eu-west-1')).toMatchObject({ kind: 'copy', sourceRegion: 'us-east-1', sourceImageId: usEast.imageId, baseImageId: 'ami-0c7217cdde317cfec', name: usEast.name });
    expect(byRegion.get('ap-south-1')).toMatchObject({ imageId: null, state: 'copy-failed', sourceImageId: usEast.imageId });
    expect(byRegion.get('ap-south-1')!.error).toBeTruthy();
    const bj2 = byRegion.get('cn-bj2')!;
    expect(bj2).toMatchObject({ baseImageId: 'uimage-vmy3ld', baseImageRegion: 'cn-bj2', runId: ucloud.id });
    expect(bj2.baseImageRowId).not.toBeNull();
    expect(bj2.imageId).toBe(ucloud.artifact!.images[0]!.imageId);

    // Recording a run again rewrites its rows (a retry of failed copies does this), never adds.
    expect(await recordProducedImages(db(), aws.id)).toBe(3);
    expect(await producedOf(first.buildId)).toHaveLength(4);
  });

  it('lists, filters and pages the produced images, and shows an image with its lineage both ways', async () => {
    const all = await api(viewer).image.list({});
    expect(all.total).toBe(4);
    expect((await api(viewer).image.list({ state: 'copy-failed' })).rows.map((r) => r.region)).toEqual(['ap-south-1']);
    expect((await api(viewer).image.list({ cloud: 'ucloud' })).rows.map((r) => r.templateName)).toEqual(['images-access']);
    expect((await api(viewer).image.list({ role: 'forwarding' })).total).toBe(0);
    expect((await api(viewer).image.list({ search: 'vmy3ld' })).rows.map((r) => r.region)).toEqual(['cn-bj2']);
    const page2 = await api(viewer).image.list({ pageSize: 10, page: 1, region: 'eu-west-1' });
    expect(page2.rows).toHaveLength(1);
    expect(page2.rows[0]).toMatchObject({ baseImageKnown: true, sourceRegion: 'us-east-1', startedByName: admin.name });
    const facets = await api(viewer).image.facets();
    expect(facets.templates.map((x) => x.name)).toEqual(['images-access']);
    expect(facets.regions.map((r) => `${r.cloud}/${r.region}`)).toEqual(['ucloud/cn-bj2', 'aws/ap-south-1', 'aws/eu-west-1', 'aws/us-east-1']);

    const built = all.rows.find((r) => r.region === 'us-east-1')!;
    expect(built.baseImageKnown).toBe(true);
    const detail = await api(viewer).image.get({ cloud: 'aws', region: 'us-east-1', imageId: built.imageId! });
    expect(detail.produced).toMatchObject({ templateName: 'images-access', templateVersion: 1, builderName: 'aws-us-east-1', runStatus: expect.any(String) });
    expect(detail.copies.map((c) => `${c.region}:${c.state}`)).toEqual(['ap-south-1:copy-failed', 'eu-west-1:available']);
    expect(detail.copiedFrom).toBeNull();
    const copy = await api(viewer).image.get({ cloud: 'aws', region: 'eu-west-1', imageId: detail.copies[1]!.imageId! });
    expect(copy.copiedFrom).toMatchObject({ region: 'us-east-1', imageId: built.imageId });
    // The base image: its facts and the images built from it (the copies carry it too).
    const base = await api(viewer).image.get({ cloud: 'aws', region: 'us-east-1', imageId: 'ami-0c7217cdde317cfec' });
    expect(base.produced).toBeNull();
    expect(base.base).toMatchObject({ imageId: 'ami-0c7217cdde317cfec', status: 'available' });
    expect(base.base!.osFamily).toBeTruthy();
    expect(typeof base.base!.enaSupport).toBe('boolean');
    expect(base.builtFromThis.map((r) => r.region).sort()).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    await expect(api(viewer).image.get({ cloud: 'aws', region: 'us-east-1', imageId: 'ami-nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('shows the region × version matrix with drift, and the dashboard the latest image per role and region', { timeout: 240_000 }, async () => {
    const v2 = { ...body, description: `${body.description} (v2)` };
    await saveTemplateVersion(db(), admin, { templateId, baseVersion: 1, body: JSON.stringify(v2, null, 2), message: 'second', asDraft: false });
    const second = await build(2, UCLOUD_ONLY);
    expect(second.runs[0]!.status).toBe('succeeded');

    const matrix = await api(viewer).image.matrix({ templateId });
    expect(matrix.versions).toEqual([2, 1]);
    expect(matrix.latestBuilt).toBe(2);
    const row = (region: string) => matrix.rows.find((r) => r.region === region)!;
    expect(row('cn-bj2').drift).toBe(false);
    expect(row('cn-bj2').cells.map((c) => c.version)).toEqual([2, 1]);
    expect(row('us-east-1')).toMatchObject({ drift: true });
    expect(row('ap-south-1').cells).toMatchObject([{ version: 1, state: 'copy-failed', imageId: null }]);
    expect(matrix.driftCount).toBe(3);

    // A build in flight shows with its progress; stuck images keep it running while we look.
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ stuckImages: true }) });
    const running = await startBuild(db(), admin, { templateId, version: 2, accountIds, targets: { regions: [...UCLOUD_ONLY] }, inputs: [{ path: RELEASE, sha256: releaseSha }] });
    try {
      const dash = await until('the dashboard to show the running build', async () => {
        const d = await api(viewer).dashboard.summary();
        return d.inFlight.some((b) => b.id === running.buildId && b.status === 'running') ? d : null;
      });
      expect(dash.inFlight.find((b) => b.id === running.buildId)).toMatchObject({ templateName: 'images-access', templateVersion: 2, runsTotal: 1, runsDone: 0 });
      const latest = new Map(dash.latestImages.map((l) => [`${l.role}/${l.cloud}/${l.region}`, l]));
      expect([...latest.keys()].sort()).toEqual(['access/aws/eu-west-1', 'access/aws/us-east-1', 'access/ucloud/cn-bj2']);
      expect(latest.get('access/ucloud/cn-bj2')).toMatchObject({ templateVersion: 2, imageId: second.runs[0]!.artifact!.images[0]!.imageId });
      expect(latest.get('access/aws/us-east-1')!.templateVersion).toBe(1);
    } finally {
      await api(admin).build.cancel({ buildId: running.buildId });
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
    await until('the cancelled build to leave the dashboard', async () => !(await api(viewer).dashboard.summary()).inFlight.some((b) => b.id === running.buildId));
  });

  it('reads the base image of a run from its builder: source_image_id, source_ami, none for an AMI filter', () => {
    const text = JSON.stringify(body);
    expect(baseImageOfRun({ builderName: 'ucloud-cn-bj2', region: 'cn-bj2' }, { body: text }, {})).toEqual({ region: 'cn-bj2', imageId: 'uimage-vmy3ld' });
    expect(baseImageOfRun({ builderName: 'aws-us-east-1', region: 'us-east-1' }, { body: text }, {})).toEqual({ region: 'us-east-1', imageId: 'ami-0c7217cdde317cfec' });
    const filtered = JSON.parse(text) as Body;
    const aws = filtered.builders.find((b) => b.type === 'amazon-ebs')!;
    delete aws.source_ami;
    aws.source_ami_filter = { filters: { name: 'ubuntu/*' }, owners: ['amazon'], most_recent: true };
    expect(baseImageOfRun({ builderName: 'aws-us-east-1', region: 'us-east-1' }, { body: JSON.stringify(filtered) }, {})).toBeNull();
    expect(baseImageOfRun({ builderName: 'gone', region: 'us-east-1' }, { body: text }, {})).toBeNull();
    // A planned run carries the base image its plan resolved for the region, whatever the template says.
    const planned = { sourceBuilder: 'aws-us-east-1', type: 'amazon-ebs' as const, options: {}, onlyForCopies: false, baseImage: { imageId: 'ami-0resolved', name: 'x', osName: 'Ubuntu', how: 'inventory' as const, templateImageId: 'ami-0c7217cdde317cfec' } };
    expect(baseImageOfRun({ builderName: 'aws-eu-west-1', region: 'eu-west-1', builder: planned }, { body: text }, {})).toEqual({ region: 'eu-west-1', imageId: 'ami-0resolved' });
  });
});
