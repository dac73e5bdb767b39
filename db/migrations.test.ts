// Migrations that turn text columns into enums must carry the rows written before them: this
// replays the migrations shipped with text status columns, writes every value the code wrote
// then, and applies the rest (whatever they are named after a merge) on top.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';

const DIR = path.join(process.cwd(), 'db', 'migrations');
const journal = JSON.parse(readFileSync(path.join(DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
// 0000_init and 0001_cloud_accounts_and_inventory stored statuses and triggers as text.
const TEXT_ERA = 2;

async function apply(t: TestDatabase, tags: string[]) {
  for (const tag of tags) {
    for (const statement of readFileSync(path.join(DIR, `${tag}.sql`), 'utf8').split('--> statement-breakpoint')) {
      if (statement.trim()) await t.database.db.execute(sql.raw(statement));
    }
  }
}

describe('migrations keep rows written before the status enums', () => {
  let t: TestDatabase;
  const tags = journal.entries.sort((a, b) => a.idx - b.idx).map((e) => e.tag);
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(() => t.drop());

  it('converts text statuses and triggers in place', async () => {
    expect(tags.slice(0, TEXT_ERA)).toEqual(['0000_init', '0001_cloud_accounts_and_inventory']);
    expect(tags.length).toBeGreaterThan(TEXT_ERA);
    await apply(t, tags.slice(0, TEXT_ERA));
    const { db } = t.database;
    await db.execute(sql`insert into cloud_accounts (name, cloud, environment, key_id_sealed, secret_sealed, key_hint) values ('old', 'aws', 'prod', 'x', 'y', '1234')`);
    const statuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
    const triggers = ['schedule', 'manual', 'account-created'];
    for (const [i, status] of statuses.entries()) {
      await db.execute(
        sql`insert into inventory_syncs (account_id, region, trigger, status, page_size) select id, ${`r${i}`}, ${triggers[i % triggers.length]}, ${status}, 10 from cloud_accounts`,
      );
    }
    await db.execute(sql`insert into inventory_syncs (account_id, region, trigger, page_size) select id, 'defaulted', 'schedule', 10 from cloud_accounts`);
    await db.execute(sql`insert into base_images (account_id, cloud, region, image_id, name, status) select id, 'aws', 'r', 'ami-gone', 'gone', 'removed' from cloud_accounts`);
    await db.execute(sql`insert into base_images (account_id, cloud, region, image_id, name) select id, 'aws', 'r', 'ami-here', 'here' from cloud_accounts`);

    await apply(t, tags.slice(TEXT_ERA));

    const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? (r as unknown[])) as Record<string, string>[];
    const syncs = rows(await db.execute(sql`select region, status::text as status, trigger::text as trigger, pg_typeof(status)::text as st, pg_typeof(trigger)::text as tt from inventory_syncs order by region`));
    expect(syncs).toEqual([
      { region: 'defaulted', status: 'queued', trigger: 'schedule', st: 'inventory_sync_status', tt: 'inventory_sync_trigger' },
      ...statuses.map((status, i) => ({ region: `r${i}`, status, trigger: triggers[i % triggers.length], st: 'inventory_sync_status', tt: 'inventory_sync_trigger' })),
    ]);
    const images = rows(await db.execute(sql`select image_id, status::text as status, pg_typeof(status)::text as st from base_images order by image_id`));
    expect(images).toEqual([
      { image_id: 'ami-gone', status: 'removed', st: 'base_image_status' },
      { image_id: 'ami-here', status: 'available', st: 'base_image_status' },
    ]);
    // The defaults still work on the converted columns.
    await db.execute(sql`insert into inventory_syncs (account_id, region, trigger, page_size) select id, 'after', 'manual', 10 from cloud_accounts`);
    const [after] = rows(await db.execute(sql`select status::text as status from inventory_syncs where region = 'after'`));
    expect(after).toEqual({ status: 'queued' });
  });
});
