import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from './clouds/create-cloud-account';
import { updateCloudAccount } from './clouds/update-cloud-account';
import { uniqueViolation } from './unique-names';
import { createUser } from './users/create-user';
import { seedInputsOnly } from '@/server/testing/seed-template';

const seed = readFileSync('db/seed-templates/rome-access/template.json', 'utf8');

/** 'ok', the AppError code, or the tRPC code (INTERNAL_SERVER_ERROR is what a 500 looks like). */
function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (err: unknown) => (err instanceof AppError ? err.code : err instanceof TRPCError ? `trpc:${err.code}` : `unexpected: ${String(err)}`),
  );
}
const tally = (results: string[]) => results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});

// On PostgreSQL the requests run on separate pooled connections, so several pass the
// pre-check before any commits and meet the unique constraint instead.
describe(`names taken by concurrent requests (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  let admin: Actor;
  beforeAll(async () => {
    t = await createTestDatabase();
    admin = await makeActor(t.database.db, 'admin', 'root@rome.test');
  });
  afterAll(() => t.drop());

  it('30 parallel template creates with one name: exactly 1 success and 29 NAME_TAKEN (CONFLICT), no 500', async () => {
    const api = createCaller({ db: t.database.db, actor: admin });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => outcome(api.template.create({ name: 'edge-race', role: 'access', body: seed, message: `attempt ${i}`, inputs: seedInputsOnly() }))),
    );
    expect(tally(results)).toEqual({ ok: 1, 'trpc:CONFLICT': 29 });
    const rows = await t.database.db.select().from(tables.templates).where(eq(tables.templates.name, 'edge-race'));
    expect(rows).toHaveLength(1);
  });

  it('the refusal from the constraint reads like the pre-check', async () => {
    const api = createCaller({ db: t.database.db, actor: admin });
    const errors = await Promise.all(
      Array.from({ length: 10 }, () => api.template.create({ name: 'edge-race-2', role: 'access', body: seed, inputs: seedInputsOnly() }).then(() => null, (e: TRPCError) => e)),
    );
    for (const e of errors.filter((x) => x !== null)) {
      expect(e.message).toBe('A template named "edge-race-2" already exists.');
      expect((e.cause as AppError).code).toBe('NAME_TAKEN');
    }
  });

  it('parallel cloud account creates and renames to one name: one wins, the rest NAME_TAKEN', async () => {
    const account = (name: string) => ({
      name,
      cloud: 'aws' as const,
      environment: 'prod',
      endpoint: undefined,
      keyId: 'AKIARACE',
      secret: 'race-secret',
      imagePageSize: 100,
      syncConcurrency: 2,
      syncIntervalMinutes: 0,
      enabled: false,
    });
    const creates = await Promise.all(Array.from({ length: 12 }, () => outcome(createCloudAccount(t.database.db, admin, account('aws-race'), { sync: false }))));
    expect(tally(creates)).toEqual({ ok: 1, NAME_TAKEN: 11 });

    const ids = [];
    for (let i = 0; i < 8; i++) ids.push((await createCloudAccount(t.database.db, admin, account(`aws-rename-${i}`), { sync: false })).id);
    const renames = await Promise.all(ids.map((id) => outcome(updateCloudAccount(t.database.db, admin, { id, name: 'aws-renamed' }))));
    expect(tally(renames)).toEqual({ ok: 1, NAME_TAKEN: 7 });
  });

  it("parallel user creates with one e-mail: one wins, the rest NAME_TAKEN", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => outcome(createUser(t.database.db, admin, { email: 'twin@rome.test', name: 'Twin', role: 'viewer' }))),
    );
    expect(tally(results)).toEqual({ ok: 1, NAME_TAKEN: 11 });
  });

  it('finds the constraint of a unique violation through the driver and drizzle wrappers', async () => {
    const err = await t.database.db
      .insert(tables.templates)
      .values({ name: 'edge-race', role: 'access', description: '', latestVersion: 1 })
      .catch((e: unknown) => e);
    expect(uniqueViolation(err)).toBe('templates_name_unique');
    expect(uniqueViolation(new Error('other'))).toBeNull();
  });
});
