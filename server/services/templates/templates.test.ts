import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { createTemplate } from './create-template';
import { findTemplates } from './find-templates';
import { findTemplateVersions, getTemplateVersionOrThrow, getTemplateWithLatest } from './get-template';
import { restoreTemplateVersion } from './restore-template-version';
import { saveTemplateVersion } from './save-template-version';
import { updateTemplate } from './update-template';
import { seedInputsOnly } from '@/server/testing/seed-template';

const seed = readFileSync('db/seed-templates/rome-access/template.json', 'utf8');
const withVersion = (v: string) => seed.replace(/"service_version": "[^"]*"/, `"service_version": "${v}"`);

async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('versioned templates', () => {
  let t: TestDatabase;
  let alice: Actor;
  let bob: Actor;
  beforeAll(async () => {
    t = await createTestDatabase();
    alice = await makeActor(t.database.db, 'builder', 'alice@rome.test');
    bob = await makeActor(t.database.db, 'builder', 'bob@rome.test');
  });
  afterAll(() => t.drop());

  it('creates version 1 with author and message, and audits it', async () => {
    const { id, version, valid } = await createTemplate(t.database.db, alice, {
      name: 'edge-access',
      role: 'access',
      description: 'test',
      body: seed,
      inputs: seedInputsOnly(),
      message: 'first',
      asDraft: false,
    });
    expect({ version, valid }).toEqual({ version: 1, valid: true });
    const tpl = await getTemplateWithLatest(t.database.db, id);
    expect(tpl.latest).toMatchObject({ version: 1, message: 'first', authorEmail: 'alice@rome.test', valid: true, body: seed });
    const audit = await t.database.db.select().from(tables.auditLog).where(eq(tables.auditLog.targetId, id));
    expect(audit.map((a) => [a.action, a.actorEmail])).toEqual([['template.create', 'alice@rome.test']]);
  });

  it('refuses a second template with the same name', async () => {
    const err = await appError(
      createTemplate(t.database.db, alice, { name: 'edge-access', role: 'other', description: '', body: seed, message: 'x', asDraft: false, inputs: seedInputsOnly() }),
    );
    expect(err.code).toBe('NAME_TAKEN');
  });

  it('saves N+1 from the latest, and refuses a stale save with what changed', async () => {
    const [tpl] = await findTemplates(t.database.db);
    const id = tpl!.id;
    const v2 = await saveTemplateVersion(t.database.db, alice, { templateId: id, baseVersion: 1, body: withVersion('2.0.0'), message: 'bump', asDraft: false });
    expect(v2.version).toBe(2);

    // Bob opened version 1 before Alice saved: his save must not overwrite hers.
    const err = await appError(
      saveTemplateVersion(t.database.db, bob, { templateId: id, baseVersion: 1, body: withVersion('9.9.9'), message: 'mine', asDraft: false }),
    );
    expect(err.code).toBe('TEMPLATE_VERSION_CONFLICT');
    expect(err.userMessage).toContain('version 2');
    expect(err.details).toMatchObject({ baseVersion: 1, latestVersion: 2, latestMessage: 'bump', latestAuthor: 'Test builder', latestBody: withVersion('2.0.0') });
    const latest = await getTemplateWithLatest(t.database.db, id);
    expect(latest.latestVersion).toBe(2);
    expect(latest.latest.body).toBe(withVersion('2.0.0'));
    expect((await findTemplateVersions(t.database.db, id)).map((v) => v.version)).toEqual([2, 1]);
  });

  it('lets exactly one of two concurrent saves from the same base win', async () => {
    const [tpl] = await findTemplates(t.database.db);
    const base = (await getTemplateWithLatest(t.database.db, tpl!.id)).latestVersion;
    const results = await Promise.allSettled([
      saveTemplateVersion(t.database.db, alice, { templateId: tpl!.id, baseVersion: base, body: withVersion('a'), message: 'a', asDraft: false }),
      saveTemplateVersion(t.database.db, bob, { templateId: tpl!.id, baseVersion: base, body: withVersion('b'), message: 'b', asDraft: false }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as AppError).code).toBe('TEMPLATE_VERSION_CONFLICT');
  });

  it('refuses an invalid body unless saved as a draft, which is marked invalid', async () => {
    const [tpl] = await findTemplates(t.database.db);
    const base = (await getTemplateWithLatest(t.database.db, tpl!.id)).latestVersion;
    const broken = seed.replace('"name": "aws-us-east-1"', '"name": "ucloud-cn-bj2"');
    const err = await appError(
      saveTemplateVersion(t.database.db, alice, { templateId: tpl!.id, baseVersion: base, body: broken, message: 'dup', asDraft: false }),
    );
    expect(err.code).toBe('TEMPLATE_INVALID');
    const issues = (err.details as { issues: { code: string; path: string }[] }).issues;
    expect(issues).toContainEqual(expect.objectContaining({ code: 'BUILDER_NAME_DUPLICATE', path: '$.builders[1].name' }));

    const draft = await saveTemplateVersion(t.database.db, alice, { templateId: tpl!.id, baseVersion: base, body: broken, message: 'wip', asDraft: true });
    expect(draft.valid).toBe(false);
    const stored = await getTemplateVersionOrThrow(t.database.db, tpl!.id, draft.version);
    expect(stored.valid).toBe(false);
    expect(stored.issues.map((i) => i.code)).toContain('BUILDER_NAME_DUPLICATE');
  });

  it('refuses a save that changes nothing', async () => {
    const [tpl] = await findTemplates(t.database.db);
    const latest = await getTemplateWithLatest(t.database.db, tpl!.id);
    const err = await appError(
      saveTemplateVersion(t.database.db, alice, { templateId: tpl!.id, baseVersion: latest.latestVersion, body: latest.latest.body, message: 'same', asDraft: true }),
    );
    expect(err.code).toBe('NO_CHANGES');
  });

  it('restores an old body as the newest version, keeping history', async () => {
    const [tpl] = await findTemplates(t.database.db);
    const before = await getTemplateWithLatest(t.database.db, tpl!.id);
    const restored = await restoreTemplateVersion(t.database.db, bob, { templateId: tpl!.id, version: 1, baseVersion: before.latestVersion });
    expect(restored.version).toBe(before.latestVersion + 1);
    const after = await getTemplateWithLatest(t.database.db, tpl!.id);
    expect(after.latest).toMatchObject({ body: seed, message: 'Restore version 1', valid: true, authorEmail: 'bob@rome.test' });
    const v1 = await getTemplateVersionOrThrow(t.database.db, tpl!.id, 1);
    expect(v1.message).toBe('first');
  });

  it('changes role and description in place, with an audit entry', async () => {
    const [tpl] = await findTemplates(t.database.db);
    await updateTemplate(t.database.db, alice, { templateId: tpl!.id, role: 'forwarding', description: 'moved' });
    const after = await getTemplateWithLatest(t.database.db, tpl!.id);
    expect({ role: after.role, description: after.description }).toEqual({ role: 'forwarding', description: 'moved' });
    const actions = (await t.database.db.select().from(tables.auditLog).where(eq(tables.auditLog.targetId, tpl!.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['template.create', 'template.save', 'template.restore', 'template.update']));
  });
});
