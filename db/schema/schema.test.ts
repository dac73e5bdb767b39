// The schema keeps its shape: updated_at is maintained by the schema, status-like columns are
// enums the database enforces, and jsonb columns carry the types of the code that writes them.
import { eq, getTableColumns, getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { tables, type AuditDetails } from '@/db';
import type { ZoneCapabilities } from '@/server/clouds/provider';
import type { TemplateCheckIssue } from '@/server/engine/template/validate';
import type { Actor } from '@/server/lib/permissions';
import { updatePreferences } from '@/server/services/me/update-preferences';
import { updateTemplate } from '@/server/services/templates/update-template';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';

const allTables = Object.values(tables as Record<string, unknown>).filter((t): t is PgTable => is(t, PgTable));
const LONG_AGO = new Date('2020-01-01T00:00:00Z');
// Text columns under these names hold a fixed set of values: they must be enums.
const ENUM_NAMES = /^(status|state|kind|role|cloud|trigger|locale)$/;

/** drizzle wraps driver errors ("Failed query: …"); the database's own words are in the cause. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return `${(err as Error).message}\n${((err as Error).cause as Error | undefined)?.message ?? ''}`;
  }
  throw new Error('expected the database to refuse the statement');
}

describe('schema shape (static)', () => {
  it('every table has created_at and an updated_at the schema maintains', () => {
    expect(allTables.length).toBeGreaterThan(10);
    const missing = allTables.filter((t) => {
      const c = getTableColumns(t);
      return !c.createdAt || !c.updatedAt || typeof c.updatedAt.onUpdateFn !== 'function';
    });
    expect(missing.map(getTableName)).toEqual([]);
  });

  it('status-like columns are enums', () => {
    const text = allTables.flatMap((t) =>
      Object.values(getTableColumns(t))
        .filter((c) => ENUM_NAMES.test(c.name) && c.columnType !== 'PgEnumColumn')
        .map((c) => `${getTableName(t)}.${c.name}`),
    );
    expect(text).toEqual([]);
  });

  it('jsonb columns carry the types their writers use', () => {
    expectTypeOf<(typeof tables.cloudRegions.$inferSelect)['zones']>().toEqualTypeOf<ZoneCapabilities[]>();
    expectTypeOf<(typeof tables.templateVersions.$inferSelect)['issues']>().toEqualTypeOf<TemplateCheckIssue[]>();
    expectTypeOf<(typeof tables.auditLog.$inferSelect)['details']>().toEqualTypeOf<AuditDetails>();
    expectTypeOf<(typeof tables.inventorySyncs.$inferSelect)['status']>().toEqualTypeOf<'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted'>();
  });
});

describe('schema shape (database)', () => {
  let t: TestDatabase;
  let alice: Actor;
  let accountId: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    alice = await makeActor(t.database.db, 'admin', 'alice@rome.test');
    const [account] = await t.database.db
      .insert(tables.cloudAccounts)
      .values({ name: 'a', cloud: 'aws', environment: 'prod', keyIdSealed: 'x', secretSealed: 'y', keyHint: '1234' })
      .returning({ id: tables.cloudAccounts.id });
    accountId = account!.id;
  });
  afterAll(() => t.drop());

  async function agedTemplate(name: string) {
    const [row] = await t.database.db
      .insert(tables.templates)
      .values({ name, role: 'other', createdAt: LONG_AGO, updatedAt: LONG_AGO })
      .returning({ id: tables.templates.id });
    return row!.id;
  }
  const updatedAtOf = async (id: string) =>
    (await t.database.db.select({ u: tables.templates.updatedAt }).from(tables.templates).where(eq(tables.templates.id, id)))[0]!.u;

  it('an update that does not set updated_at still moves it', async () => {
    const id = await agedTemplate('plain-update');
    await t.database.db.update(tables.templates).set({ description: 'changed' }).where(eq(tables.templates.id, id));
    expect((await updatedAtOf(id)).getTime()).toBeGreaterThan(LONG_AGO.getTime());
  });

  it('an upsert that updates moves updated_at too', async () => {
    const image = { accountId, cloud: 'aws' as const, region: 'us-east-1', imageId: 'ami-1', name: 'one', createdAt: LONG_AGO, updatedAt: LONG_AGO };
    await t.database.db.insert(tables.baseImages).values(image);
    await t.database.db
      .insert(tables.baseImages)
      .values({ ...image, name: 'two' })
      .onConflictDoUpdate({ target: [tables.baseImages.accountId, tables.baseImages.region, tables.baseImages.imageId], set: { name: sql`excluded.name` } });
    const [row] = await t.database.db.select().from(tables.baseImages).where(eq(tables.baseImages.imageId, 'ami-1'));
    expect(row!.name).toBe('two');
    expect(row!.updatedAt.getTime()).toBeGreaterThan(LONG_AGO.getTime());
  });

  it('services move updated_at on a change and accept an update that changes nothing', async () => {
    const id = await agedTemplate('service-update');
    await updateTemplate(t.database.db, alice, { templateId: id });
    expect(await updatedAtOf(id)).toEqual(LONG_AGO);
    await updateTemplate(t.database.db, alice, { templateId: id, description: 'new words' });
    expect((await updatedAtOf(id)).getTime()).toBeGreaterThan(LONG_AGO.getTime());
    await expect(updatePreferences(t.database.db, alice, {})).resolves.toEqual({ ok: true });
  });

  it('the database refuses a status outside the enum', async () => {
    const { db } = t.database;
    expect(await refusal(db.execute(sql`insert into inventory_syncs (account_id, region, trigger, status, page_size) values (${accountId}, 'r', 'manual', 'bogus', 10)`))).toMatch(
      /invalid input value for enum inventory_sync_status/,
    );
    expect(await refusal(db.execute(sql`insert into inventory_syncs (account_id, region, trigger, page_size) values (${accountId}, 'r', 'whenever', 10)`))).toMatch(
      /invalid input value for enum inventory_sync_trigger/,
    );
    expect(await refusal(db.execute(sql`insert into base_images (account_id, cloud, region, image_id, name, status) values (${accountId}, 'aws', 'r', 'ami-x', 'x', 'gone')`))).toMatch(
      /invalid input value for enum base_image_status/,
    );
  });

  it('every status a sync row can take is stored', async () => {
    for (const status of tables.inventorySyncStatus.enumValues) {
      await t.database.db.insert(tables.inventorySyncs).values({ accountId, region: 'r', trigger: 'schedule', status, pageSize: 10 });
    }
    const stored = await t.database.db.selectDistinct({ status: tables.inventorySyncs.status }).from(tables.inventorySyncs);
    expect(stored.map((r) => r.status).sort()).toEqual(['cancelled', 'failed', 'interrupted', 'queued', 'running', 'succeeded']);
  });
});
