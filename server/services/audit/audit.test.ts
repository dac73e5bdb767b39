import { eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { handleAuditExport } from '@/server/api/audit-export';
import { createCaller } from '@/server/api/root';
import { ZFindAuditRequest, type TFindAuditRequest } from '@/server/api/schemas/audit';
import { startBoss } from '@/server/jobs/boss';
import { setBoss } from '@/server/jobs/enqueue';
import { csvField } from '@/server/lib/csv';
import type { Actor } from '@/server/lib/permissions';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { getAuth } from '../auth/auth';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { deleteCloudAccount } from '../clouds/delete-cloud-account';
import { ensureSandboxAccounts } from '../clouds/ensure-sandbox-accounts';
import { updateCloudAccount } from '../clouds/update-cloud-account';
import { seedDemoData } from '../demo/seed-demo-data';
import { createTemplate } from '../templates/create-template';
import { ensureInitialAdmin } from '../users/ensure-initial-admin';
import { exportAuditCsv } from './export-audit-csv';
import { findAudit, findAuditFacets } from './find-audit';
import { recordAudit } from './record-audit';

const PASSWORD = 'correct horse battery staple';
const body = (name: string) => JSON.stringify({ name }, null, 2);

/** RFC 4180 parser, enough to read back what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

async function sessionHeaders(email: string): Promise<Headers> {
  const auth = await getAuth();
  const res = await auth.api.signInEmail({ body: { email, password: PASSWORD }, asResponse: true });
  expect(res.ok).toBe(true);
  return new Headers({ cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') });
}

describe('the audit log', () => {
  let t: TestDatabase;
  let boss: PgBoss;
  let admin: Actor;
  let ops: Actor;
  const find = (q: Partial<TFindAuditRequest> = {}) => findAudit(t.database.db, ZFindAuditRequest.parse(q));

  beforeAll(async () => {
    t = await createTestDatabase();
    boss = await startBoss(t.database, { role: 'sender' });
    setBoss(boss);
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    setBoss(undefined);
    await t.drop();
  });

  it('credits first-start seeding to the system, not the admin', async () => {
    const created = await ensureInitialAdmin(t.database.db, {});
    expect(created).not.toBeNull();
    expect(await seedDemoData(t.database.db)).toBe(2);
    expect(await ensureSandboxAccounts(t.database.db, 'http://127.0.0.1:9', 2222)).toBe(2);
    // A later start adds nothing but tells the sandbox accounts the SSH port of this start.
    expect(await ensureSandboxAccounts(t.database.db, 'http://127.0.0.1:9', 2300)).toBe(0);
    expect((await t.database.db.select({ p: tables.cloudAccounts.sshPort }).from(tables.cloudAccounts)).map((r) => r.p)).toEqual([2300, 2300]);

    const rows = await t.database.db.select().from(tables.auditLog);
    expect(rows.map((r) => r.action).sort()).toEqual(['cloud-account.create', 'cloud-account.create', 'template.create', 'template.create', 'user.create']);
    expect(rows.every((r) => r.actorId === null && r.actorEmail === null)).toBe(true);
    const versions = await t.database.db.select().from(tables.templateVersions);
    expect(versions.map((v) => [v.authorId, v.message])).toEqual([
      [null, 'Example template'],
      [null, 'Example template'],
    ]);

    const system = await find({ actor: 'system' });
    expect(system.total).toBe(5);
    expect(system.rows.every((r) => r.actorEmail === null)).toBe(true);
    expect(system.rows.find((r) => r.action === 'user.create')!.target).toMatchObject({ type: 'user', name: created!.email, deleted: false });
    expect((await find({ actor: created!.email })).total).toBe(0);
  });

  it('shows targets by their current name, and "(deleted)" when they are gone', async () => {
    admin = await makeActor(t.database.db, 'admin', 'root@rome.test');
    ops = await makeActor(t.database.db, 'viewer', 'ops@rome.test');
    const tpl = await createTemplate(t.database.db, admin, { name: 'edge-node', role: 'access', description: '', body: body('edge'), message: 'first', asDraft: true });
    const common = { environment: 'prod', imagePageSize: 20, syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true };
    const { id: accountId } = await createCloudAccount(
      t.database.db,
      admin,
      { ...common, name: 'old-name', cloud: 'aws', keyId: 'AKIAEXAMPLE000000000', secret: 'x'.repeat(40), endpoint: undefined },
      { sync: false },
    );
    await updateCloudAccount(t.database.db, admin, { id: accountId, cloud: 'aws', name: 'new-name' });
    await recordAudit(t.database.db, admin, { action: 'user.update', targetType: 'user', targetId: 'no-such-user', details: {} });

    const mine = await find({ actor: 'ROOT@rome.test' });
    const byAction = (action: string) => mine.rows.find((r) => r.action === action)!.target;
    expect(byAction('template.create')).toEqual({ type: 'template', id: tpl.id, name: 'edge-node', deleted: false });
    // Renamed after the entry was written: the log shows today's name.
    expect(byAction('cloud-account.create')).toMatchObject({ name: 'new-name', deleted: false });
    expect(byAction('user.update')).toEqual({ type: 'user', id: 'no-such-user', name: null, deleted: true });

    await deleteCloudAccount(t.database.db, admin, accountId);
    const after = await find({ targetType: 'cloud-account', target: accountId });
    expect(after.rows.map((r) => [r.action, r.target.name, r.target.deleted])).toEqual([
      ['cloud-account.delete', 'new-name', true],
      ['cloud-account.update', 'old-name', true],
      ['cloud-account.create', 'old-name', true],
    ]);
  });

  it('filters by action, actor, target and time, and searches free text', async () => {
    expect((await find({ action: 'template.create' })).rows.map((r) => r.target.name).sort()).toEqual(['edge-node', 'rome-access', 'rome-forwarding']);
    expect((await find({ targetType: 'template', target: 'ROME-' })).total).toBe(2);
    expect((await find({ search: 'edge-n' })).rows.map((r) => r.action)).toEqual(['template.create']);
    // Details are searched too; `%` and `_` are literal.
    await recordAudit(t.database.db, admin, { action: 'user.update', targetType: 'user', targetId: ops.id, details: { note: '100%_done' } });
    expect((await find({ search: '100%_' })).total).toBe(1);
    expect((await find({ search: '0%d' })).total).toBe(0);
    expect((await find({ search: 'system' })).total).toBe(5);

    // Days are read in the viewer's time zone: 23:30 UTC on 1 March is 2 March in Shanghai.
    const late = new Date('2026-03-01T23:30:00Z');
    await t.database.db.insert(tables.auditLog).values({ actorId: ops.id, actorEmail: ops.email, action: 'me.update-preferences', targetType: 'user', targetId: ops.id, createdAt: late });
    const day = (from: string, to: string, timeZone: string) => find({ from, to, timeZone }).then((r) => r.rows.map((x) => x.createdAt.toISOString()));
    expect(await day('2026-03-01', '2026-03-01', 'UTC')).toEqual([late.toISOString()]);
    expect(await day('2026-03-01', '2026-03-01', 'Asia/Shanghai')).toEqual([]);
    expect(await day('2026-03-02', '2026-03-02', 'Asia/Shanghai')).toEqual([late.toISOString()]);
    expect(await day('2026-02-01', '2026-02-28', 'UTC')).toEqual([]);

    const facets = await findAuditFacets(t.database.db);
    expect(facets.actions).toContain('me.update-preferences');
    expect(facets.actors).toEqual(expect.arrayContaining([null, 'ops@rome.test', 'root@rome.test']));
  });

  it('pages newest first with a total, and bounds the page size', async () => {
    // One second apart: entries written within the clock's resolution tie on created_at.
    const base = Date.now() - 60_000;
    for (let i = 0; i < 7; i++) {
      await t.database.db
        .insert(tables.auditLog)
        .values({ actorId: admin.id, actorEmail: admin.email, action: 'inventory.sync', targetType: 'inventory', targetId: 'all', details: { i }, createdAt: new Date(base + i * 1000) });
    }
    const first = await find({ action: 'inventory.sync', pageSize: 3 });
    const third = await find({ action: 'inventory.sync', pageSize: 3, page: 3 });
    expect([first.total, first.rows.length, third.rows.length]).toEqual([7, 3, 1]);
    expect(first.rows.map((r) => r.details.i)).toEqual([6, 5, 4]);
    expect(third.rows[0]!.details.i).toBe(0);

    const api = createCaller({ db: t.database.db, actor: admin });
    await expect(api.audit.list({ pageSize: 101 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.audit.list({ from: '2026-03-05', to: '2026-03-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.audit.list({ from: '2026-02-30' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.audit.list({ timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(createCaller({ db: t.database.db, actor: ops }).audit.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('escapes CSV fields, including formula injection', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(['+1', '-1', '@SUM(A1)', '\tcmd'].map(csvField)).toEqual(["'+1", "'-1", "'@SUM(A1)", "'\tcmd"]);
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('exports the filtered log as CSV with names, defused formulas and the system as actor', async () => {
    await createTemplate(t.database.db, admin, { name: 'calc', role: 'other', description: '', body: body('c'), message: 'm', asDraft: true });
    await recordAudit(t.database.db, admin, { action: 'template.update', targetType: 'template', targetId: 'gone', details: { name: '=cmd|"/c calc"!A1', note: 'a,b' } });
    const { csv, rows } = await exportAuditCsv(t.database.db, ZFindAuditRequest.parse({ action: 'template.update' }));
    expect(rows).toBe(1);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [header, line] = parseCsv(csv.slice(1));
    expect(header).toEqual(['time_utc', 'actor', 'action', 'target_type', 'target_id', 'target_name', 'target_deleted', 'details']);
    expect(line!.slice(1, 7)).toEqual(['root@rome.test', 'template.update', 'template', 'gone', `'=cmd|"/c calc"!A1`, 'true']);
    expect(JSON.parse(line![7]!)).toEqual({ name: '=cmd|"/c calc"!A1', note: 'a,b' });

    const system = parseCsv((await exportAuditCsv(t.database.db, ZFindAuditRequest.parse({ action: 'user.create', actor: 'system' }))).csv.slice(1));
    expect(system.slice(1).map((r) => r[1])).toEqual(['system']);
  });

  it('serves the export to admins only, on their session', async () => {
    const url = 'http://console.test/api/audit/export?action=template.create&q=rome-&tz=Asia%2FShanghai';
    expect((await handleAuditExport(new Request(url))).status).toBe(401);
    const viewer = await handleAuditExport(new Request(url, { headers: await sessionHeaders(ops.email) }));
    expect(viewer.status).toBe(403);
    expect(await viewer.text()).not.toContain('rome-access');

    const res = await handleAuditExport(new Request(url, { headers: await sessionHeaders(admin.email) }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{8}-\d{6}\.csv"$/);
    const names = parseCsv((await res.text()).slice(1)).slice(1).map((r) => r[5]);
    expect(names.sort()).toEqual(['rome-access', 'rome-forwarding']);

    const bad = await handleAuditExport(new Request('http://console.test/api/audit/export?from=yesterday', { headers: await sessionHeaders(admin.email) }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { fieldErrors: { from: [expect.stringContaining('date')] } } });
  });

  it('keeps the audit actor of a user who is later disabled', async () => {
    await t.database.db.update(tables.users).set({ disabled: true }).where(eq(tables.users.id, ops.id));
    expect((await find({ actor: 'ops@rome.test' })).total).toBeGreaterThan(0);
  });
});
