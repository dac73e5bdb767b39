// Template attachments and build inputs, on PGlite and PostgreSQL: content-addressed storage, the
// set carried forward by saves, limits and unsafe paths refused, the check sees both, the routes
// keep viewers to downloading.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { MAX_ATTACHMENT_BYTES, MAX_VERSION_ATTACHMENT_BYTES, ZAttachmentRef, ZBuildInputs, inputPatternMatches } from '@/server/api/schemas/template-files';
import { handleAttachmentDownload, handleAttachmentUpload } from '@/server/api/template-attachments';
import { consoleUrl } from '@/server/env';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { makeActor } from '@/server/testing/actors';
import { seedTemplateFiles } from '@/server/testing/seed-template';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { signInCookie } from '@/server/testing/trpc-http';
import { createTemplate } from './create-template';
import { getTemplateWithLatest } from './get-template';
import { restoreTemplateVersion } from './restore-template-version';
import { saveTemplateVersion } from './save-template-version';
import { UNATTACHED_BLOB_TTL_MS, getTemplateVersionFiles, purgeUnattachedBlobs, readTemplateAttachment, sha256Of, storeTemplateBlob } from './template-attachments';

async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

const PASSWORD = 'correct horse battery staple';

describe('template attachments and build inputs', () => {
  let t: TestDatabase;
  let builder: Actor;
  let viewer: Actor;
  beforeAll(async () => {
    t = await createTestDatabase();
    builder = await makeActor(t.database.db, 'builder', 'att-builder@rome.test');
    viewer = await makeActor(t.database.db, 'viewer', 'att-viewer@rome.test');
  });
  afterAll(() => t.drop());

  it('stores a blob once by SHA-256, and the example with its attachment and input is valid', async () => {
    const db = t.database.db;
    const a = await storeTemplateBlob(db, builder, Buffer.from('x = 1\n'));
    const b = await storeTemplateBlob(db, builder, Buffer.from('x = 1\n'));
    expect(a).toEqual({ sha256: sha256Of(Buffer.from('x = 1\n')), size: 6 });
    expect(b).toEqual(a);
    expect(await db.select().from(tables.templateBlobs).where(eq(tables.templateBlobs.sha256, a.sha256))).toHaveLength(1);

    const seed = await seedTemplateFiles(db, 'rome-access');
    const created = await createTemplate(db, builder, { name: 'att-access', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs });
    expect(created.valid).toBe(true);
    const tpl = await getTemplateWithLatest(db, created.id);
    expect(tpl.latest.attachments.map((x) => [x.path, x.size > 0])).toEqual([['config/access.toml', true]]);
    expect(tpl.latest.inputs).toEqual([expect.objectContaining({ name: 'release', pattern: 'release/rome-access-*-linux-amd64.tar.gz' })]);
    const file = await readTemplateAttachment(db, created.id, 1, 'config/access.toml');
    expect(file.content.toString('utf8')).toContain('[listen]');
  });

  it('carries the attachment set forward on a save that does not send one, and stores rows, not copies', async () => {
    const db = t.database.db;
    const seed = await seedTemplateFiles(db, 'rome-access');
    const created = await createTemplate(db, builder, { name: 'att-carry', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs });
    const blobsBefore = (await db.select({ sha: tables.templateBlobs.sha256 }).from(tables.templateBlobs)).length;
    await saveTemplateVersion(db, builder, { templateId: created.id, baseVersion: 1, body: seed.body.replace('"2.3.1"', '"2.3.2"'), message: 'bump', asDraft: false });
    const v2 = await getTemplateVersionFiles(db, created.id, 2);
    expect(v2.attachments).toEqual((await getTemplateVersionFiles(db, created.id, 1)).attachments);
    expect(v2.inputs).toEqual(seed.inputs);
    expect((await db.select({ sha: tables.templateBlobs.sha256 }).from(tables.templateBlobs)).length).toBe(blobsBefore);

    // Only the files changing is a change too; it is audited with the paths.
    const extra = await storeTemplateBlob(db, builder, Buffer.from('#!/bin/sh\necho hi\n'));
    const v3 = await saveTemplateVersion(db, builder, {
      templateId: created.id, baseVersion: 2, body: seed.body.replace('"2.3.1"', '"2.3.2"'), message: 'add a script', asDraft: false,
      attachments: [...seed.attachments, { path: 'scripts/hello.sh', sha256: extra.sha256 }],
    });
    expect(v3.version).toBe(3);
    const [audit] = await db.select().from(tables.auditLog).where(and(eq(tables.auditLog.action, 'template.save'), eq(tables.auditLog.targetId, created.id))).orderBy(tables.auditLog.createdAt).limit(1).offset(1);
    expect(audit?.details).toMatchObject({ version: 3, attachmentsAdded: ['scripts/hello.sh'] });
    // The same files again: nothing changed.
    const same = await appError(saveTemplateVersion(db, builder, { templateId: created.id, baseVersion: 3, body: seed.body.replace('"2.3.1"', '"2.3.2"'), message: 'noop', asDraft: false }));
    expect(same.code).toBe('NO_CHANGES');

    // Restoring version 1 brings its attachment set back.
    await restoreTemplateVersion(db, builder, { templateId: created.id, version: 1, baseVersion: 3 });
    expect((await getTemplateVersionFiles(db, created.id, 4)).attachments.map((x) => x.path)).toEqual(['config/access.toml']);
  });

  it('refuses oversize files, too many bytes per version, blobs never uploaded and paths that climb out', async () => {
    const db = t.database.db;
    const big = await appError(storeTemplateBlob(db, builder, Buffer.alloc(MAX_ATTACHMENT_BYTES + 1)));
    expect(big.code).toBe('BAD_REQUEST');
    expect(big.userMessage).toMatch(/at most 1 MiB/);

    const seed = await seedTemplateFiles(db, 'rome-access');
    const created = await createTemplate(db, builder, { name: 'att-limits', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs });
    // Nine different files of 1 MiB: over 8 MiB together.
    const nine = [];
    for (let i = 0; i < 9; i++) nine.push({ path: `blobs/f${i}.bin`, sha256: (await storeTemplateBlob(db, builder, Buffer.alloc(MAX_ATTACHMENT_BYTES, i + 1))).sha256 });
    const total = await appError(saveTemplateVersion(db, builder, { templateId: created.id, baseVersion: 1, body: seed.body, message: 'too much', asDraft: false, attachments: [...seed.attachments, ...nine] }));
    expect(total.userMessage).toMatch(new RegExp(`at most ${MAX_VERSION_ATTACHMENT_BYTES / 1024 / 1024} MiB`));

    const ghost = await appError(saveTemplateVersion(db, builder, { templateId: created.id, baseVersion: 1, body: seed.body, message: 'ghost', asDraft: false, attachments: [{ path: 'config/access.toml', sha256: 'a'.repeat(64) }] }));
    expect(ghost.userMessage).toMatch(/"config\/access.toml" was never uploaded/);

    const caller = createCaller({ db, actor: builder });
    for (const path of ['../etc/passwd', '/etc/passwd', 'config/../../x', 'C:/x', 'a\\b', 'config//x', './x']) {
      expect(ZAttachmentRef.safeParse({ path, sha256: seed.attachments[0]!.sha256 }).success, path).toBe(false);
      await expect(caller.template.save({ templateId: created.id, baseVersion: 1, body: seed.body, message: 'evil', attachments: [{ path, sha256: seed.attachments[0]!.sha256 }] }), path).rejects.toThrow();
    }
    expect(ZBuildInputs.safeParse([{ name: 'release', pattern: '../release/*.tar.gz' }]).success).toBe(false);
    expect(ZBuildInputs.safeParse([{ name: 'release', pattern: 'release/a**b' }]).success).toBe(false);
    expect((await getTemplateVersionFiles(db, created.id, 1)).attachments.map((x) => x.path)).toEqual(['config/access.toml']);
    expect((await db.select().from(tables.templates).where(eq(tables.templates.id, created.id)))[0]!.latestVersion).toBe(1);
  });

  it('input patterns: * stays within a folder level, ** spans levels', () => {
    expect(inputPatternMatches('release/rome-access-*-linux-amd64.tar.gz', 'release/rome-access-2.3.1-linux-amd64.tar.gz')).toBe(true);
    expect(inputPatternMatches('release/rome-access-*-linux-amd64.tar.gz', 'release/x/rome-access-2-linux-amd64.tar.gz')).toBe(false);
    expect(inputPatternMatches('release/*', 'release/a/b')).toBe(false);
    expect(inputPatternMatches('release/**', 'release/a/b')).toBe(true);
    expect(inputPatternMatches('**/app.tar.gz', 'app.tar.gz')).toBe(true);
    expect(inputPatternMatches('**/app.tar.gz', 'a/b/app.tar.gz')).toBe(true);
    expect(inputPatternMatches('release/v?.tgz', 'release/v1.tgz')).toBe(true);
    expect(inputPatternMatches('release/a.b', 'release/axb')).toBe(false);
  });

  it('the check sees attachments and inputs: a file in neither is FILE_NOT_FOUND with its path and position', async () => {
    const db = t.database.db;
    const caller = createCaller({ db, actor: viewer });
    const seed = await seedTemplateFiles(db, 'rome-access');
    const both = await caller.template.validate({ body: seed.body, attachments: ['config/access.toml'], inputs: seed.inputs });
    expect(both.issues.filter((i) => i.severity !== 'warning')).toEqual([]);

    const noConfig = await caller.template.validate({ body: seed.body, attachments: [], inputs: seed.inputs });
    const missing = noConfig.issues.filter((i) => i.code === 'FILE_NOT_FOUND');
    expect(missing).toEqual([expect.objectContaining({ path: '$.provisioners[1].source', params: expect.objectContaining({ file: 'config/access.toml' }) })]);
    expect(missing[0]!.message).toContain("not among the template's attachments and not declared as a build input");
    expect(missing[0]!.line).toBeGreaterThan(1);

    const noInput = await caller.template.validate({ body: seed.body, attachments: ['config/access.toml'], inputs: [] });
    expect(noInput.issues.filter((i) => i.code === 'FILE_NOT_FOUND').map((i) => [i.path, i.params['file']])).toEqual([['$.provisioners[0].source', 'release/rome-access-2.3.1-linux-amd64.tar.gz']]);

    // A save without the config attachment is refused (or kept as a draft, marked invalid).
    const created = await createTemplate(db, builder, { name: 'att-check', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs });
    const refused = await appError(saveTemplateVersion(db, builder, { templateId: created.id, baseVersion: 1, body: seed.body, message: 'drop config', asDraft: false, attachments: [] }));
    expect(refused.code).toBe('TEMPLATE_INVALID');
    expect(refused.userMessage).toContain('$.provisioners[1].source');
    const draft = await saveTemplateVersion(db, builder, { templateId: created.id, baseVersion: 1, body: seed.body, message: 'drop config', asDraft: true, attachments: [] });
    expect(draft.valid).toBe(false);
  });

  it('routes: a viewer may download but not upload; a builder uploads; no secret is involved', async () => {
    const db = t.database.db;
    const origin = consoleUrl();
    const headers = (cookie: string) => ({ 'content-type': 'application/json', origin, 'sec-fetch-site': 'same-origin', cookie });
    const viewerCookie = (await signInCookie('att-viewer@rome.test', PASSWORD))!;
    const builderCookie = (await signInCookie('att-builder@rome.test', PASSWORD))!;
    expect(viewerCookie).toBeTruthy();
    const content = Buffer.from('# uploaded\nport = 7 \n');
    const body = JSON.stringify({ content: content.toString('base64') });

    const asViewer = await handleAttachmentUpload(new Request(`${origin}/api/templates/attachments`, { method: 'POST', headers: headers(viewerCookie), body }));
    expect(asViewer.status).toBe(403);
    const anonymous = await handleAttachmentUpload(new Request(`${origin}/api/templates/attachments`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body }));
    expect(anonymous.status).toBe(401);
    const crossSite = await handleAttachmentUpload(new Request(`${origin}/api/templates/attachments`, { method: 'POST', headers: { ...headers(builderCookie), origin: 'https://evil.example' }, body }));
    expect(crossSite.status).toBe(403);
    const tooBig = await handleAttachmentUpload(new Request(`${origin}/api/templates/attachments`, { method: 'POST', headers: headers(builderCookie), body: JSON.stringify({ content: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1).toString('base64') }) }));
    expect(tooBig.status).toBe(413);

    const ok = await handleAttachmentUpload(new Request(`${origin}/api/templates/attachments`, { method: 'POST', headers: headers(builderCookie), body }));
    expect(ok.status).toBe(200);
    const blob = (await ok.json()) as { sha256: string; size: number };
    expect(blob).toEqual({ sha256: sha256Of(content), size: content.byteLength });

    const seed = await seedTemplateFiles(db, 'rome-access');
    const created = await createTemplate(db, builder, { name: 'att-routes', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: [...seed.attachments, { path: 'config/extra.toml', sha256: blob.sha256 }], inputs: seed.inputs });
    const download = await handleAttachmentDownload(new Request(`${origin}/api/templates/attachments?templateId=${created.id}&version=1&path=config/extra.toml`, { headers: headers(viewerCookie) }));
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);
    expect(download.headers.get('content-disposition')).toContain('extra.toml');
    const traversal = await handleAttachmentDownload(new Request(`${origin}/api/templates/attachments?templateId=${created.id}&version=1&path=../config/extra.toml`, { headers: headers(viewerCookie) }));
    expect(traversal.status).toBe(400);
    const absent = await handleAttachmentDownload(new Request(`${origin}/api/templates/attachments?templateId=${created.id}&version=1&path=config/none.toml`, { headers: headers(viewerCookie) }));
    expect(absent.status).toBe(404);

    // Viewers cannot save an attachment set through tRPC either.
    await expect(createCaller({ db, actor: viewer }).template.save({ templateId: created.id, baseVersion: 1, body: seed.body, message: 'x', attachments: [] })).rejects.toThrow(/may not|FORBIDDEN|role/i);
  });

  it('housekeeping sweeps uploaded files no version attaches, once they are a day old', async () => {
    const db = t.database.db;
    const orphan = await storeTemplateBlob(db, builder, Buffer.from('never attached\n'));
    const seed = await seedTemplateFiles(db, 'rome-access');
    expect(await purgeUnattachedBlobs(db)).toBe(0);
    await purgeUnattachedBlobs(db, new Date(Date.now() + UNATTACHED_BLOB_TTL_MS + 60_000));
    const left = new Set((await db.select({ sha: tables.templateBlobs.sha256 }).from(tables.templateBlobs)).map((r) => r.sha));
    expect(left.has(orphan.sha256)).toBe(false);
    // Attached files stay, whatever their age.
    expect(left.has(seed.attachments[0]!.sha256)).toBe(true);
  });
});
