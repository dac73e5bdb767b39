// The base images templates build from, as the console shows them: the editor's "Pick from
// catalog" (the builder's region, marked by the check's own rules) and hover facts, and the
// template list's clouds/regions and "newer base image available". Real inventory syncs against
// the sandbox cloud where the test is about what a sync produces; inserted rows where it is
// about the query (release lines, architectures, removed images).
import { seedInputsOnly } from '@/server/testing/seed-template';
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { startBoss } from '@/server/jobs/boss';
import { setBoss } from '@/server/jobs/enqueue';
import type { Actor } from '@/server/lib/permissions';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { syncAccountInventory } from '../clouds/sync-account-inventory';
import { createTemplate } from './create-template';
import { findNewerBaseImages } from './find-newer-base-images';

type Json = Record<string, unknown> & { builders: Record<string, unknown>[] };
const seedText = (name: string) => readFileSync(`db/seed-templates/${name}/template.json`, 'utf8');
function patched(index: 0 | 1, patch: Record<string, unknown>): string {
  const t = JSON.parse(seedText('rome-access')) as Json;
  t.builders[index] = { ...t.builders[index], ...patch };
  return JSON.stringify(t, null, 2);
}
const DAY = 86_400_000;

describe('base images in templates', () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let boss: PgBoss;
  let builder: Actor;
  let ucloudId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    boss = await startBoss(t.database, { role: 'sender' });
    setBoss(boss);
    const admin = await makeActor(t.database.db, 'admin');
    builder = await makeActor(t.database.db, 'builder', 'pick@rome.test');
    const common = { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true, imagePageSize: 100 };
    const u = await createCloudAccount(t.database.db, admin, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` }, { sync: false });
    const a = await createCloudAccount(t.database.db, admin, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${sandbox.url}/ec2` }, { sync: false });
    ucloudId = u.id;
    for (const r of (await syncAccountInventory(t.database.db, { accountId: u.id, regions: ['cn-bj2', 'hk'], trigger: 'manual' })).results) expect('error' in r ? r.error : '').toBe('');
    for (const r of (await syncAccountInventory(t.database.db, { accountId: a.id, regions: ['us-east-1', 'sa-east-1'], trigger: 'manual' })).results) expect('error' in r ? r.error : '').toBe('');
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    setBoss(undefined);
    await sandbox.close();
    await t.drop();
  });

  describe('the picker', () => {
    it('lists the builder region\'s available images newest first, marking those that cannot boot on its hosts with the reason', async () => {
      const caller = createCaller({ db: t.database.db, actor: builder });
      const res = await caller.catalog.imageChoices({ cloud: 'ucloud', region: 'hk', zone: 'hk-02', instanceType: 'n-basic-2', limit: 200 });
      expect(res.region).toMatchObject({ id: 'hk', name: 'Hong Kong', known: true, synced: true });
      expect(res.region.lastSyncedAt).toBeInstanceOf(Date);
      const sandboxHk = [...sandbox.world.images.values()].filter((i) => i.cloud === 'ucloud' && i.region === 'hk' && i.kind === 'base');
      expect(res.total).toBe(sandboxHk.length);
      expect(res.rows).toHaveLength(sandboxHk.length);
      const times = res.rows.map((r) => r.imageCreatedAt!.getTime());
      expect(times).toEqual([...times].sort((x, y) => y - x));
      const intel = res.rows.filter((r) => r.cpuPlatforms.length > 0);
      expect(intel.length).toBeGreaterThan(0);
      for (const r of intel) expect(r.fit, r.name).toEqual({ ok: false, reason: 'cpu-platform', imagePlatforms: r.cpuPlatforms, hostPlatforms: ['Amd/Epyc2'] });
      for (const r of res.rows.filter((x) => x.cpuPlatforms.length === 0)) expect(r.fit).toEqual({ ok: true });
      expect(res.regions.map((r) => [r.id, r.synced])).toContainEqual(['hk', true]);
      expect(res.regions.map((r) => [r.id, r.synced])).toContainEqual(['sg', false]);
      expect(res.families).toContainEqual({ osFamily: 'Ubuntu', osVersion: '22.04' });

      // What the picker marks is what the check refuses, and the reverse.
      const bad = intel[0]!;
      const good = res.rows.find((r) => r.fit.ok && r.osFamily === 'Ubuntu')!;
      const check = (imageId: string) => caller.template.validate({ body: patched(0, { region: 'hk', availability_zone: 'hk-02', source_image_id: imageId }), inputs: seedInputsOnly() });
      expect((await check(bad.imageId)).issues.map((i) => i.code)).toContain('IMAGE_HOST_TYPE_MISMATCH');
      expect((await check(good.imageId)).issues).toEqual([]);
    });

    it('filters by OS family and version, leaves out removed images, and marks AMIs without ENA for a Nitro type', async () => {
      const caller = createCaller({ db: t.database.db, actor: builder });
      const ubuntu = await caller.catalog.imageChoices({ cloud: 'ucloud', region: 'hk', osFamily: 'Ubuntu', osVersion: '22.04', zone: 'hk-02', instanceType: 'n-basic-2', limit: 100 });
      expect(ubuntu.rows.length).toBeGreaterThan(1);
      for (const r of ubuntu.rows) expect([r.osFamily, r.osVersion]).toEqual(['Ubuntu', '22.04']);
      const gone = ubuntu.rows[0]!.imageId;
      const where = and(eq(tables.baseImages.region, 'hk'), eq(tables.baseImages.imageId, gone));
      await t.database.db.update(tables.baseImages).set({ status: 'removed', removedAt: new Date() }).where(where);
      try {
        const after = await caller.catalog.imageChoices({ cloud: 'ucloud', region: 'hk', osFamily: 'Ubuntu', osVersion: '22.04', limit: 100 });
        expect(after.rows.map((r) => r.imageId)).not.toContain(gone);
        expect(after.rows).toHaveLength(ubuntu.rows.length - 1);
      } finally {
        await t.database.db.update(tables.baseImages).set({ status: 'available', removedAt: null }).where(where);
      }

      const sa = await caller.catalog.imageChoices({ cloud: 'aws', region: 'sa-east-1', instanceType: 't3.small', limit: 50 });
      expect(sa.rows.length).toBeGreaterThan(0);
      for (const r of sa.rows) expect(r.fit).toEqual({ ok: false, reason: 'ena', instanceType: 't3.small' });
      const xen = await caller.catalog.imageChoices({ cloud: 'aws', region: 'sa-east-1', instanceType: 't2.small', limit: 50 });
      for (const r of xen.rows) expect(r.fit).toEqual({ ok: true });
    });

    it('says when a region was never synced instead of listing nothing', async () => {
      const caller = createCaller({ db: t.database.db, actor: builder });
      const sg = await caller.catalog.imageChoices({ cloud: 'ucloud', region: 'sg', limit: 100 });
      expect(sg.region).toMatchObject({ id: 'sg', known: true, synced: false, lastSyncedAt: null });
      expect(sg.rows).toEqual([]);
      const nowhere = await caller.catalog.imageChoices({ cloud: 'ucloud', region: 'cn-nowhere', limit: 100 });
      expect(nowhere.region).toMatchObject({ known: false, synced: false });
    });

    it('hover facts: one request for many ids, absent ids left out', async () => {
      const caller = createCaller({ db: t.database.db, actor: builder });
      const facts = await caller.catalog.imageFacts({ imageIds: ['uimage-vmy3ld', 'ami-0c7217cdde317cfec', 'uimage-xxxxxx', 'uimage-vmy3ld'] });
      expect(facts.map((f) => f.imageId).sort()).toEqual(['ami-0c7217cdde317cfec', 'uimage-vmy3ld']);
      const vmy = facts.find((f) => f.imageId === 'uimage-vmy3ld')!;
      expect(vmy).toMatchObject({ name: 'Ubuntu 22.04 64位', osFamily: 'Ubuntu', osVersion: '22.04', status: 'available', cpuPlatforms: [], regions: [{ cloud: 'ucloud', region: 'cn-bj2', status: 'available' }] });
      expect(vmy.sizeGb).toBe(40);
      expect(facts.find((f) => f.imageId.startsWith('ami-'))).toMatchObject({ enaSupport: true, regions: [{ cloud: 'aws', region: 'us-east-1', status: 'available' }] });
      await expect(caller.catalog.imageFacts({ imageIds: Array.from({ length: 101 }, (_, i) => `ami-${i}`) })).rejects.toThrow();
    });
  });

  describe('newer base images', () => {
    it('finds the newest image of the same cloud, region, OS family, release line and architecture', async () => {
      const db = t.database.db;
      const base = Date.UTC(2026, 0, 1);
      let n = 0;
      const image = (region: string, osFamily: string, osVersion: string, days: number, extra: Partial<typeof tables.baseImages.$inferInsert> = {}) => {
        n += 1;
        const imageId = extra.imageId ?? `uimage-line${n}`;
        return { accountId: ucloudId, cloud: 'ucloud' as const, region, name: `${osFamily} ${osVersion} #${n}`, osFamily, osVersion, architecture: 'x86_64', imageCreatedAt: new Date(base + days * DAY), ...extra, imageId };
      };
      const rows = {
        ubuntu: image('zz-line', 'Ubuntu', '22.04', 0),
        ubuntuPoint: image('zz-line', 'Ubuntu', '22.04.4', 60),
        ubuntuLowerOlder: image('zz-line', 'ubuntu', '22.04', 30),
        ubuntuRemoved: image('zz-line', 'Ubuntu', '22.04', 120, { status: 'removed' }),
        ubuntuNextLine: image('zz-line', 'Ubuntu', '24.04', 150),
        ubuntuInterim: image('zz-line', 'Ubuntu', '22.10', 150),
        ubuntuArm: image('zz-line', 'Ubuntu', '22.04', 150, { architecture: 'aarch64' }),
        ubuntuElsewhere: image('zz-other', 'Ubuntu', '22.04', 150),
        ubuntuOlder: image('zz-line', 'Ubuntu', '22.04', -30),
        debian: image('zz-line', 'Debian', '12', 0),
        debianPoint: image('zz-line', 'Debian', '12.5', 10),
        debianNext: image('zz-line', 'Debian', '13', 20),
        rocky: image('zz-line', 'Rocky', '9.3', 0),
        rockyMinor: image('zz-line', 'Rocky', '9.4', 10),
        rockyOld: image('zz-line', 'Rocky', '8.10', 20),
        centos: image('zz-line', 'CentOS', '7.9', 0),
        noFamily: image('zz-line', '', '', 0),
        noFamilyNewer: image('zz-line', '', '', 10),
        undated: image('zz-line', 'Ubuntu', '22.04', 0, { imageCreatedAt: null }),
      };
      await db.insert(tables.baseImages).values(Object.values(rows));
      const ref = (r: { region: string; imageId: string }) => ({ cloud: 'ucloud' as const, region: r.region, imageId: r.imageId });
      const found = await findNewerBaseImages(db, [
        ...Object.values(rows).map(ref),
        { cloud: 'aws', region: 'zz-line', imageId: rows.ubuntu.imageId }, // another cloud: unknown image
        { cloud: 'ucloud', region: 'zz-line', imageId: 'uimage-unknown' },
      ]);
      const newer = (r: { region: string; imageId: string }) => found.get(`ucloud|${r.region}|${r.imageId}`)?.newer.imageId ?? null;
      expect(newer(rows.ubuntu)).toBe(rows.ubuntuPoint.imageId);
      expect(newer(rows.ubuntuOlder)).toBe(rows.ubuntuPoint.imageId);
      expect(newer(rows.ubuntuLowerOlder)).toBe(rows.ubuntuPoint.imageId);
      expect(newer(rows.ubuntuPoint)).toBeNull(); // only a removed one is newer
      expect(newer(rows.ubuntuRemoved)).toBeNull();
      expect(newer(rows.ubuntuNextLine)).toBeNull();
      expect(newer(rows.ubuntuArm)).toBeNull();
      expect(newer(rows.ubuntuElsewhere)).toBeNull();
      expect(newer(rows.debian)).toBe(rows.debianPoint.imageId);
      expect(newer(rows.debianPoint)).toBeNull();
      expect(newer(rows.rocky)).toBe(rows.rockyMinor.imageId);
      expect(newer(rows.rockyOld)).toBeNull();
      expect(newer(rows.centos)).toBeNull();
      expect(newer(rows.noFamily)).toBeNull();
      expect(newer(rows.undated)).toBeNull();
      expect(found.size).toBe(5);
      expect(found.get(`ucloud|zz-line|${rows.ubuntu.imageId}`)).toMatchObject({ currentName: rows.ubuntu.name, newer: { name: rows.ubuntuPoint.name, createdAt: rows.ubuntuPoint.imageCreatedAt } });
      expect((await findNewerBaseImages(db, [])).size).toBe(0);
    });

    it('the template list shows clouds and regions per template and the newer image of a builder, from the synced inventory', async () => {
      const db = t.database.db;
      const caller = createCaller({ db, actor: builder });
      const hkUbuntu = (await caller.catalog.imageChoices({ cloud: 'ucloud', region: 'hk', osFamily: 'Ubuntu', osVersion: '22.04', limit: 100 })).rows;
      const [newest, older] = hkUbuntu;
      expect(newest && older).toBeTruthy();
      await createTemplate(db, builder, { name: 'list-seeded', role: 'access', description: '', body: seedText('rome-access'), message: 'seed', asDraft: false, inputs: seedInputsOnly() });
      await createTemplate(db, builder, { name: 'list-old-hk', role: 'access', description: '', body: patched(0, { region: 'hk', availability_zone: 'hk-02', source_image_id: older!.imageId }), message: 'old', asDraft: false, inputs: seedInputsOnly() });
      await createTemplate(db, builder, { name: 'list-broken', role: 'access', description: '', body: '{ "builders": [ { "type": "amazon-ebs", "region": "sa-east-1", "source_ami": "ami-x" ', message: 'wip', asDraft: true });

      const list = await caller.template.list();
      const byName = (name: string) => list.find((x) => x.name === name)!;
      expect(byName('list-seeded').places).toEqual([
        { builder: 'ucloud-cn-bj2', cloud: 'ucloud', region: 'cn-bj2' },
        { builder: 'aws-us-east-1', cloud: 'aws', region: 'us-east-1' },
      ]);
      // The sandbox's pinned images are the newest of their line.
      expect(byName('list-seeded').newerImages).toEqual([]);
      expect(byName('list-old-hk').places.map((p) => p.region)).toEqual(['hk', 'us-east-1']);
      expect(byName('list-old-hk').newerImages).toEqual([
        {
          builder: 'ucloud-cn-bj2', cloud: 'ucloud', region: 'hk', imageId: older!.imageId, currentName: older!.name,
          newerImageId: newest!.imageId, newerName: newest!.name, newerCreatedAt: newest!.imageCreatedAt,
        },
      ]);
      expect(byName('list-broken')).toMatchObject({ valid: false, places: [{ builder: 'amazon-ebs', cloud: 'aws', region: 'sa-east-1' }], newerImages: [] });
      // The list never carries the bodies.
      expect(Object.keys(byName('list-broken'))).not.toContain('body');
    });
  });
});
