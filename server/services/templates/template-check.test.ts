// One meaning of "valid": the editor's template.validate, create and save run checkTemplate with
// the region facts of the synced inventory, and give the same codes as the image CLI's validate
// (which asks the clouds) for the field problems of issue 8.
import { readFileSync } from 'node:fs';
import { IntlMessageFormat } from 'intl-messageformat';
import { and, eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { liveCapabilities } from '@/server/engine/cli';
import { checkTemplate } from '@/server/engine/template/check-template';
import { startBoss } from '@/server/jobs/boss';
import { setBoss } from '@/server/jobs/enqueue';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import en from '@/server/i18n/messages/en.json';
import zh from '@/server/i18n/messages/zh-CN.json';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { syncAccountInventory } from '../clouds/sync-account-inventory';
import { createTemplate } from './create-template';
import { saveTemplateVersion } from './save-template-version';
import { buildTemplateCheckContext } from './template-check-context';
import { folderFileExists } from '@/server/engine/provisioners/file-source';
import { seedInputsOnly } from '@/server/testing/seed-template';
import { readSeedTemplate } from '@/server/services/demo/seed-templates';

type Json = Record<string, unknown> & { builders: Record<string, unknown>[] };
type Seed = 'rome-access' | 'rome-forwarding';
const seedText = (name: string) => readFileSync(`db/seed-templates/${name}/template.json`, 'utf8');
const access = () => JSON.parse(seedText('rome-access')) as Json;
/** The seeded access template with its UCloud (0) or AWS (1) builder changed. */
function patched(index: 0 | 1, patch: Record<string, unknown>): string {
  const t = access();
  t.builders[index] = { ...t.builders[index], ...patch };
  return JSON.stringify(t, null, 2);
}

/** The editor translates every issue by its code and params: both languages must format it. */
function expectTranslatable(issues: { code: string; params: Record<string, string | number>; fixes?: { hintKey: string; params: Record<string, string | number> }[] }[]) {
  for (const issue of issues) {
    for (const fix of issue.fixes ?? []) {
      for (const [lang, tree] of [['en', en], ['zh-CN', zh]] as const) {
        const text = (tree.validation.fixes as Record<string, string | undefined>)[fix.hintKey];
        expect(typeof text, `${lang} validation.fixes.${fix.hintKey}`).toBe('string');
        expect(() => new IntlMessageFormat(text!, lang).format(fix.params), `${lang} fixes.${fix.hintKey}`).not.toThrow();
      }
    }
    for (const [lang, tree] of [['en', en], ['zh-CN', zh]] as const) {
      const texts = (tree.validation as Record<string, Record<string, unknown> | undefined>)[issue.code];
      expect(typeof texts?.['message'], `${lang} validation.${issue.code}.message`).toBe('string');
      for (const part of ['message', 'hint']) {
        const text = texts?.[part];
        if (typeof text === 'string') expect(() => new IntlMessageFormat(text, lang).format(issue.params), `${lang} ${issue.code}.${part}`).not.toThrow();
      }
    }
  }
}

async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('the template check on the synced inventory', () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let boss: PgBoss;
  let admin: Actor;
  let builder: Actor;
  let cases: { name: string; body: string; code: string; path: string }[];

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    boss = await startBoss(t.database, { role: 'sender' });
    setBoss(boss);
    admin = await makeActor(t.database.db, 'admin');
    builder = await makeActor(t.database.db, 'builder', 'check@rome.test');
    const images = [...sandbox.world.images.values()];
    const gdUbuntu = images.find((i) => i.cloud === 'ucloud' && i.region === 'cn-gd' && i.name === 'Ubuntu 22.04 64位')!;
    const hkIntel = images.find((i) => i.cloud === 'ucloud' && i.region === 'hk' && i.cpuPlatforms.length > 0 && i.cpuPlatforms.every((p) => p.startsWith('Intel')))!;
    const saAmi = images.find((i) => i.cloud === 'aws' && i.region === 'sa-east-1' && i.enaSupport === false)!;
    cases = [
      { name: 'cloud_ssd in cn-gd', body: patched(0, { region: 'cn-gd', availability_zone: 'cn-gd-02', source_image_id: gdUbuntu.id }), code: 'BOOT_DISK_TYPE_UNAVAILABLE', path: '$.builders[0].boot_disk_type' },
      { name: 'an Intel-only image in hk', body: patched(0, { region: 'hk', availability_zone: 'hk-02', source_image_id: hkIntel.id }), code: 'IMAGE_HOST_TYPE_MISMATCH', path: '$.builders[0].source_image_id' },
      { name: 'region cn-nowhere', body: patched(0, { region: 'cn-nowhere', availability_zone: 'cn-nowhere-01' }), code: 'REGION_UNKNOWN', path: '$.builders[0].region' },
      { name: 'instance_type x-huge-999', body: patched(0, { instance_type: 'x-huge-999' }), code: 'BUILDER_OPTION_INVALID', path: '$.builders[0].instance_type' },
      { name: 'boot_disk_type floppy', body: patched(0, { boot_disk_type: 'floppy' }), code: 'BUILDER_OPTION_INVALID', path: '$.builders[0].boot_disk_type' },
      { name: 'a t3.small from a non-ENA AMI in sa-east-1', body: patched(1, { region: 'sa-east-1', source_ami: saAmi.id }), code: 'IMAGE_HOST_TYPE_MISMATCH', path: '$.builders[1].source_ami' },
      { name: 'the placeholder uimage-xxxxxx', body: patched(0, { source_image_id: 'uimage-xxxxxx' }), code: 'IMAGE_NOT_FOUND', path: '$.builders[0].source_image_id' },
    ];
  });
  async function storedLatest(name: string) {
    const [row] = await t.database.db
      .select({ valid: tables.templateVersions.valid, issues: tables.templateVersions.issues, checkedAt: tables.templateVersions.checkedAt, createdAt: tables.templateVersions.createdAt })
      .from(tables.templates)
      .innerJoin(tables.templateVersions, and(eq(tables.templateVersions.templateId, tables.templates.id), eq(tables.templateVersions.version, tables.templates.latestVersion)))
      .where(eq(tables.templates.name, name));
    return row!;
  }
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    setBoss(undefined);
    await sandbox.close();
    await t.drop();
  });

  it('before any sync, the seeded examples save valid, each builder warned that its region was not synced', async () => {
    const caller = createCaller({ db: t.database.db, actor: builder });
    for (const name of ['rome-access', 'rome-forwarding']) {
      const res = await caller.template.validate({ body: seedText(name), inputs: seedInputsOnly(name as 'rome-access') });
      expect(res.ok, name).toBe(true);
      expect(res.issues.map((i) => [i.code, i.path, i.severity]), name).toEqual([
        ['REGION_NOT_SYNCED', '$.builders[0].region', 'warning'],
        ['REGION_NOT_SYNCED', '$.builders[1].region', 'warning'],
      ]);
    }
    const created = await createTemplate(t.database.db, builder, { name: 'before-sync', role: 'access', description: '', body: seedText('rome-access'), message: 'first', asDraft: false, inputs: seedInputsOnly() });
    expect(created.valid).toBe(true);
    // cloud_ssd in cn-gd: nobody can tell before the first sync, so it is stored valid with warnings.
    const gd = await createTemplate(t.database.db, builder, { name: 'before-sync-gd', role: 'access', description: '', body: cases[0]!.body, message: 'first', asDraft: false, inputs: seedInputsOnly() });
    expect(gd.valid).toBe(true);
    expect((await storedLatest('before-sync-gd')).issues.map((i) => i.code)).toEqual(['REGION_NOT_SYNCED', 'REGION_NOT_SYNCED']);
    // Unknown until synced: cn-nowhere is a warning too, not "valid without a word".
    const nowhere = await caller.template.validate({ body: patched(0, { region: 'cn-nowhere' }), inputs: seedInputsOnly() });
    expect(nowhere.issues.find((i) => i.path === '$.builders[0].region')?.code).toBe('REGION_NOT_SYNCED');
  });

  it('after a sync: validate, create and save refuse every field problem with its code and the builder path', async () => {
    const common = { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true, imagePageSize: 100 };
    const u = await createCloudAccount(t.database.db, admin, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` }, { sync: false });
    const a = await createCloudAccount(t.database.db, admin, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${sandbox.url}/ec2` }, { sync: false });
    for (const r of (await syncAccountInventory(t.database.db, { accountId: u.id, regions: ['cn-bj2', 'cn-gd', 'hk'], trigger: 'manual' })).results) expect('error' in r ? r.error : '').toBe('');
    for (const r of (await syncAccountInventory(t.database.db, { accountId: a.id, regions: ['us-east-1', 'sa-east-1'], trigger: 'manual' })).results) expect('error' in r ? r.error : '').toBe('');

    // The sync re-checked the versions stored before it: the warnings are gone, the real problem is there.
    const before = await storedLatest('before-sync');
    expect([before.valid, before.issues]).toEqual([true, []]);
    expect(before.checkedAt.getTime()).toBeGreaterThan(before.createdAt.getTime());
    const gd = await storedLatest('before-sync-gd');
    expect(gd.valid).toBe(false);
    expect(gd.issues.map((i) => [i.code, i.path, i.level])).toEqual([['BOOT_DISK_TYPE_UNAVAILABLE', '$.builders[0].boot_disk_type', 'regions']]);
    expect(gd.checkedAt.getTime()).toBeGreaterThan(gd.createdAt.getTime());

    const caller = createCaller({ db: t.database.db, actor: builder });
    for (const seed of ['rome-access', 'rome-forwarding']) {
      const res = await caller.template.validate({ body: seedText(seed), inputs: seedInputsOnly(seed as 'rome-access') });
      expect(res.issues, seed).toEqual([]);
      expect(res.ok, seed).toBe(true);
    }
    const base = await createTemplate(t.database.db, builder, { name: 'access-check', role: 'access', description: '', body: seedText('rome-access'), message: 'first', asDraft: false, inputs: seedInputsOnly() });
    expect(base.valid).toBe(true);

    for (const [n, c] of cases.entries()) {
      const res = await caller.template.validate({ body: c.body, inputs: seedInputsOnly() });
      expect(res.ok, c.name).toBe(false);
      const hit = res.issues.find((i) => i.code === c.code);
      expect(hit, `${c.name}: ${JSON.stringify(res.issues.map((i) => [i.code, i.path]))}`).toBeDefined();
      expect(hit!.path, c.name).toBe(c.path);
      expect(hit!.line, c.name).toBeGreaterThan(1);
      expect(hit!.column, c.name).toBeGreaterThan(0);
      expectTranslatable(res.issues);

      const refused = await appError(createTemplate(t.database.db, builder, { name: `bad-${n}`, role: 'access', description: '', body: c.body, message: 'x', asDraft: false, inputs: seedInputsOnly() }));
      expect(refused.code, c.name).toBe('TEMPLATE_INVALID');
      const saveRefused = await appError(saveTemplateVersion(t.database.db, builder, { templateId: base.id, baseVersion: 1, body: c.body, message: 'x', asDraft: false, inputs: seedInputsOnly() }));
      expect(saveRefused.code, c.name).toBe('TEMPLATE_INVALID');

      const draft = await createTemplate(t.database.db, builder, { name: `draft-${n}`, role: 'access', description: '', body: c.body, message: 'draft', asDraft: true, inputs: seedInputsOnly() });
      expect(draft.valid, c.name).toBe(false);
      const stored = await caller.template.version({ templateId: draft.id, version: 1 });
      expect(stored.valid, c.name).toBe(false);
      expect((stored.issues as { code: string; path: string }[]).some((i) => i.code === c.code && i.path === c.path), c.name).toBe(true);
    }
  });

  it('a region listed but never synced gets the warning on its builder and stays valid', async () => {
    const caller = createCaller({ db: t.database.db, actor: builder });
    const res = await caller.template.validate({ body: patched(0, { region: 'sg', availability_zone: 'sg-02', source_image_id: 'uimage-anything' }), inputs: seedInputsOnly() });
    const warning = res.issues.find((i) => i.code === 'REGION_NOT_SYNCED');
    expect(warning?.path).toBe('$.builders[0].region');
    expect(warning?.severity).toBe('warning');
    expectTranslatable(res.issues);
    expect(res.issues.filter((i) => i.severity !== 'warning')).toEqual([]);
    expect(res.ok).toBe(true);
  });

  it('a base image the last sync no longer saw is IMAGE_REMOVED on its builder', async () => {
    const caller = createCaller({ db: t.database.db, actor: builder });
    const where = and(eq(tables.baseImages.cloud, 'ucloud'), eq(tables.baseImages.region, 'cn-bj2'), eq(tables.baseImages.imageId, 'uimage-vmy3ld'));
    await t.database.db.update(tables.baseImages).set({ status: 'removed', removedAt: new Date() }).where(where);
    try {
      const res = await caller.template.validate({ body: seedText('rome-access'), inputs: seedInputsOnly() });
      expect(res.ok).toBe(false);
      expect(res.issues.map((i) => [i.code, i.path])).toEqual([['IMAGE_REMOVED', '$.builders[0].source_image_id']]);
      expectTranslatable(res.issues);
    } finally {
      await t.database.db.update(tables.baseImages).set({ status: 'available', removedAt: null }).where(where);
    }
  });

  it('the CLI with its cloud-built context and the console with the inventory give the same codes', async () => {
    const env = {
      UCLOUD_PUBLIC_KEY: 'sandbox-public-key', UCLOUD_PRIVATE_KEY: 'sandbox-private-key', UCLOUD_PROJECT_ID: 'org-sandbox', UCLOUD_ENDPOINT: `${sandbox.url}/ucloud`,
      AWS_ACCESS_KEY_ID: 'AKIASANDBOX000000000', AWS_SECRET_ACCESS_KEY: 'sandbox-secret-key', AWS_ENDPOINT_URL_EC2: `${sandbox.url}/ec2`,
    };
    const errors: string[] = [];
    const bodies = [...cases.map((c) => c.body), seedText('rome-access'), seedText('rome-forwarding')];
    for (const body of bodies) {
      const live = await liveCapabilities(body, { out: () => {}, err: (l) => errors.push(l), env });
      // The CLI cannot look up an image in a region that does not exist; both then report REGION_UNKNOWN.
      expect(live.unchecked.filter((r) => r !== 'ucloud region cn-nowhere')).toEqual([]);
      const codes = (ctx: Parameters<typeof checkTemplate>[1]) => checkTemplate(body, ctx).issues.map((i) => `${i.code} ${i.path}`).sort();
      const cli = codes(live.context);
      expect(codes(await buildTemplateCheckContext(t.database.db, body))).toEqual(cli);
    }
    expect(errors.filter((e) => !e.includes('cn-nowhere'))).toEqual([]);
  });

  it('a corpus of templates gives the same codes through template.validate and through the CLI, and never throws', async () => {
    const env = {
      UCLOUD_PUBLIC_KEY: 'sandbox-public-key', UCLOUD_PRIVATE_KEY: 'sandbox-private-key', UCLOUD_PROJECT_ID: 'org-sandbox', UCLOUD_ENDPOINT: `${sandbox.url}/ucloud`,
      AWS_ACCESS_KEY_ID: 'AKIASANDBOX000000000', AWS_SECRET_ACCESS_KEY: 'sandbox-secret-key', AWS_ENDPOINT_URL_EC2: `${sandbox.url}/ec2`,
    };
    const images = [...sandbox.world.images.values()];
    const hkAny = images.find((i) => i.cloud === 'ucloud' && i.region === 'hk' && i.cpuPlatforms.length === 0)!;
    const seed = access();
    const withSeed = (mutate: (t: Json) => void): string => {
      const t = access();
      mutate(t);
      return JSON.stringify(t, null, 2);
    };
    const text = JSON.stringify(seed, null, 2);
    /** [name, body, the code it must contain ('' = none: valid), the example whose files it has]. */
    const corpus: [string, string, string, Seed?][] = [
      ...cases.map((c): [string, string, string] => [c.name, c.body, c.code]),
      ['seed rome-access', seedText('rome-access'), ''],
      ['seed rome-forwarding', seedText('rome-forwarding'), '', 'rome-forwarding'],
      ['the other example\'s files', seedText('rome-access'), 'FILE_NOT_FOUND', 'rome-forwarding'],
      ['a script neither attached nor an input', withSeed((t) => { (t as Record<string, unknown>)['provisioners'] = [{ type: 'shell', script: 'scripts/harden.sh' }]; }), 'FILE_NOT_FOUND'],
      ['an attached config read by a file provisioner', withSeed((t) => { (t as Record<string, unknown>)['provisioners'] = [{ type: 'file', source: 'config/access.toml', destination: '/tmp/a.toml' }]; }), ''],
      ['a release version no input pattern declares', withSeed((t) => { (t as Record<string, unknown>)['provisioners'] = [{ type: 'file', source: 'release/rome-access-2.3.1-linux-arm64.tar.gz', destination: '/tmp/r.tgz' }]; }), 'FILE_NOT_FOUND'],
      ['cloud_ssd in cn-gd set by default', withSeed((t) => { t.builders[0] = { ...t.builders[0], region: 'cn-gd', availability_zone: 'cn-gd-02', source_image_id: cases[0]!.body.match(/"source_image_id": "([^"]+)"/)?.[1], boot_disk_type: undefined }; }), 'BOOT_DISK_TYPE_UNAVAILABLE'],
      ['local_ssd in cn-gd is fine', patched(0, { region: 'cn-gd', availability_zone: 'cn-gd-02', source_image_id: cases[0]!.body.match(/"source_image_id": "([^"]+)"/)?.[1], boot_disk_type: 'local_ssd' }), ''],
      ['UCloud zone of another region', patched(0, { availability_zone: 'cn-gd-02' }), 'ZONE_UNKNOWN'],
      ['UCloud C hosts in hk', patched(0, { region: 'hk', availability_zone: 'hk-02', source_image_id: hkAny.id, instance_type: 'c-basic-2' }), 'INSTANCE_TYPE_UNAVAILABLE'],
      ['UCloud O host on cloud_ssd', patched(0, { instance_type: 'o-standard-4' }), 'BOOT_DISK_TYPE_MACHINE_MISMATCH'],
      ['UCloud copy to an unknown region', patched(0, { image_copy_to_mappings: [{ project_id: 'org-sandbox', region: 'mars-1' }] }), 'COPY_REGION_UNKNOWN'],
      ['AWS unknown region', patched(1, { region: 'ap-mars-1' }), 'REGION_UNKNOWN'],
      ['AWS zone not in its region', patched(1, { availability_zone: 'us-east-1z' }), 'ZONE_UNKNOWN'],
      ['AWS Graviton type where none is offered', patched(1, { region: 'sa-east-1', instance_type: 't4g.small', source_ami: cases[5]!.body.match(/"source_ami": "([^"]+)"/)?.[1] }), 'INSTANCE_TYPE_UNAVAILABLE'],
      ['AWS AMI absent from the region', patched(1, { source_ami: 'ami-0000000000000dead' }), 'IMAGE_NOT_FOUND'],
      ['AWS copy to an unknown region', patched(1, { ami_regions: ['eu-nowhere-1'] }), 'COPY_REGION_UNKNOWN'],
      ['AWS no-ENA AMI with a Xen type is fine', patched(1, { region: 'sa-east-1', instance_type: 't2.small', source_ami: cases[5]!.body.match(/"source_ami": "([^"]+)"/)?.[1] }), ''],
      ['duplicate builder names (#4)', patched(1, { name: 'ucloud-cn-bj2' }), 'BUILDER_NAME_DUPLICATE'],
      ['unknown builder option', patched(0, { bootdisk_type: 'cloud_ssd' }), 'BUILDER_OPTION_UNKNOWN'],
      ['bad interpolation', patched(0, { image_name: 'rome-{{ timestmp }}' }), 'INTERPOLATION_UNKNOWN_FUNCTION'],
      ['unknown user variable', patched(1, { ami_description: '{{user `service_versoin`}}' }), 'INTERPOLATION_UNKNOWN_VARIABLE'],
      ['env outside variable defaults', patched(1, { access_key: '{{env `AWS_ACCESS_KEY_ID`}}' }), 'INTERPOLATION_ENV_NOT_ALLOWED'],
      ['ssh_timeout not a duration', patched(1, { ssh_timeout: '5 minutes' }), 'BUILDER_OPTION_INVALID'],
      ['unknown builder type', withSeed((t) => { t.builders.push({ type: 'googlecompute', name: 'g' }); }), 'BUILDER_TYPE_UNKNOWN'],
      ['no builders', withSeed((t) => { t.builders = []; }), 'BUILDERS_EMPTY'],
      ['unknown top-level key', withSeed((t) => { (t as Record<string, unknown>)['provisioner'] = []; }), 'UNKNOWN_TOP_LEVEL_KEY'],
      ['unknown provisioner type', withSeed((t) => { (t as Record<string, unknown>)['provisioners'] = [{ type: 'ansible', playbook_file: 'p.yml' }]; }), 'PROVISIONER_TYPE_UNKNOWN'],
      ['provisioner file outside the build folder', withSeed((t) => { (t as Record<string, unknown>)['provisioners'] = [{ type: 'file', source: '/etc/passwd', destination: '/tmp/p' }]; }), 'FILE_PATH_NOT_ALLOWED'],
      ['only names an unknown builder', withSeed((t) => { (t as Record<string, unknown>)['provisioners'] = [{ type: 'shell', inline: ['true'], only: ['ucloud-hk'] }]; }), 'BUILD_FILTER_UNKNOWN_BUILDER'],
      ['post-processor type unknown', withSeed((t) => { (t as Record<string, unknown>)['post-processors'] = ['checksum']; }), 'POST_PROCESSOR_TYPE_UNKNOWN'],
      ['a UCloud problem and an independent AWS one', withSeed((t) => {
        t.builders[0] = { ...t.builders[0], availability_zone: 'cn-gd-02' };
        t.builders[1] = { ...t.builders[1], availability_zone: 'us-east-1z' };
      }), 'ZONE_UNKNOWN'],
      ['JSON trailing comma', text.replace(/\n\s*\]\s*,\s*\n\s*"provisioners"/, ',\n  ],\n  "provisioners"'), 'JSON_SYNTAX'],
      ['JSON comment', `// rome\n${text}`, 'JSON_SYNTAX'],
      ['JSON missing comma', text.replace('"region": "cn-bj2",', '"region": "cn-bj2"'), 'JSON_SYNTAX'],
      ['not an object', '[1, 2]', 'NOT_AN_OBJECT'],
      ['empty text', '', 'JSON_SYNTAX'], ['a string', '"builders"', 'NOT_AN_OBJECT'],
    ];
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(new Set(corpus.map(([n]) => n)).size).toBe(corpus.length);

    const caller = createCaller({ db: t.database.db, actor: builder });
    const errors: string[] = [];
    // The same files on both paths: the console gets the example's attachments and declared
    // inputs, the CLI reads its folders (`--attachments …/attachments --inputs …/inputs`).
    const files = {
      'rome-access': await readSeedTemplate('rome-access'),
      'rome-forwarding': await readSeedTemplate('rome-forwarding'),
    };
    const folders = (seed: Seed) => [`db/seed-templates/${seed}/attachments`, `db/seed-templates/${seed}/inputs`];
    for (const [name, body, code, seed = 'rome-access'] of corpus) {
      const editor = await caller.template.validate({ body, attachments: [...files[seed].attachments.keys()], inputs: files[seed].inputs });
      const live = await liveCapabilities(body, { out: () => {}, err: (l) => errors.push(`${name}: ${l}`), env });
      expect(live.unchecked.filter((r) => r !== 'ucloud region cn-nowhere' && r !== 'aws region ap-mars-1'), name).toEqual([]);
      const cli = checkTemplate(body, { env: {}, ...live.context, fileExists: folderFileExists(folders(seed)) });
      const codes = (issues: { code: string; path: string }[]) => issues.map((i) => `${i.code} ${i.path}`).sort();
      expect(codes(editor.issues), name).toEqual(codes(cli.issues));
      expect(editor.ok, name).toBe(cli.ok);
      if (code === '') expect(editor.issues, name).toEqual([]);
      else expect(editor.issues.map((i) => i.code), name).toContain(code);
      expectTranslatable(editor.issues);
    }
    // The independent builders both got their issue (no cascade across builders).
    const both = await caller.template.validate({ body: corpus.find(([n]) => n === 'a UCloud problem and an independent AWS one')![1], inputs: seedInputsOnly() });
    expect(both.issues.map((i) => i.path)).toEqual(['$.builders[0].availability_zone', '$.builders[1].availability_zone']);
    expect(errors.filter((e) => !e.includes('cn-nowhere') && !e.includes('ap-mars-1'))).toEqual([]);
  });

  it('#2 names the same concrete replacement image through template.validate and through the CLI', async () => {
    const env = {
      UCLOUD_PUBLIC_KEY: 'sandbox-public-key', UCLOUD_PRIVATE_KEY: 'sandbox-private-key', UCLOUD_PROJECT_ID: 'org-sandbox', UCLOUD_ENDPOINT: `${sandbox.url}/ucloud`,
    };
    const images = [...sandbox.world.images.values()].filter((i) => i.cloud === 'ucloud' && i.region === 'hk');
    const old = images.find((i) => i.osFamily === 'Ubuntu' && i.osVersion === '18.04' && i.cpuPlatforms.length > 0)!;
    expect(old, 'an Intel-only Ubuntu 18.04 image in hk').toBeDefined();
    const body = patched(0, { region: 'hk', availability_zone: 'hk-02', source_image_id: old.id });
    const caller = createCaller({ db: t.database.db, actor: builder });
    const editor = (await caller.template.validate({ body, inputs: seedInputsOnly() })).issues.find((i) => i.code === 'IMAGE_HOST_TYPE_MISMATCH')!;
    const live = await liveCapabilities(body, { out: () => {}, err: () => {}, env });
    const cli = checkTemplate(body, { env: {}, ...live.context }).issues.find((i) => i.code === 'IMAGE_HOST_TYPE_MISMATCH')!;
    const suggested = String(editor.params['suggestedImage']);
    const image = images.find((i) => i.id === suggested);
    // The newest Ubuntu of hk that boots on any CPU (no 18.04 does).
    expect(image?.osFamily).toBe('Ubuntu');
    expect(image?.cpuPlatforms).toEqual([]);
    const newest = images
      .filter((i) => i.osFamily === 'Ubuntu' && i.cpuPlatforms.length === 0)
      .sort((a, b) => b.createdAt - a.createdAt || b.osVersion.localeCompare(a.osVersion, 'en', { numeric: true }) || a.id.localeCompare(b.id))[0];
    expect(suggested).toBe(newest?.id);
    expect(cli.params['suggestedImage']).toBe(suggested);
    expect(editor.fixes?.[0]).toMatchObject({ hintKey: 'replaceImage', edits: [{ path: ['builders', 0, 'source_image_id'], value: suggested }] });
    expect(cli.hint).toContain(`"source_image_id": "${suggested}"`);
    expectTranslatable([editor]);
  });
});
