import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import { updateUser } from './update-user';

// On PostgreSQL each updateUser runs its own transaction on its own pooled connection, so
// Promise.all really interleaves them; on PGlite (one connection) they queue.
describe(`last-admin guard under concurrency (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  let admins: Actor[];
  beforeAll(async () => {
    t = await createTestDatabase();
    admins = [];
    for (const name of ['ana', 'ben', 'cai', 'dev']) admins.push(await makeActor(t.database.db, 'admin', `${name}@rome.test`));
  });
  afterAll(() => t.drop());

  async function resetAdmins() {
    await t.database.db
      .update(tables.users)
      .set({ role: 'admin', disabled: false })
      .where(inArray(tables.users.id, admins.map((a) => a.id)));
  }
  async function enabledAdmins() {
    const rows = await t.database.db.select().from(tables.users).where(eq(tables.users.role, 'admin'));
    return rows.filter((r) => !r.disabled).map((r) => r.email);
  }
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok' as const,
      (err: unknown) => (err instanceof AppError ? err.code : `unexpected: ${String(err)}`),
    );

  // Several rounds: one unlucky interleaving is enough to lose every admin without the lock.
  it('four admins demoting themselves at once leave exactly one, the refused one told LAST_ADMIN', async () => {
    for (let round = 0; round < 5; round++) {
      await resetAdmins();
      const results = await Promise.all(admins.map((a) => outcome(updateUser(t.database.db, a, { id: a.id, role: 'viewer' }))));
      expect(results.filter((r) => r === 'ok')).toHaveLength(3);
      expect(results.filter((r) => r !== 'ok')).toEqual(['LAST_ADMIN']);
      expect(await enabledAdmins()).toHaveLength(1);
    }
  });

  it('four admins demoting each other at once leave at least one admin; refusals are clear errors', async () => {
    for (let round = 0; round < 5; round++) {
      await resetAdmins();
      // ana → ben → cai → dev → ana
      const results = await Promise.all(admins.map((a, i) => outcome(updateUser(t.database.db, a, { id: admins[(i + 1) % 4]!.id, role: 'builder' }))));
      const left = await enabledAdmins();
      expect(left.length).toBeGreaterThanOrEqual(1);
      expect(left).toHaveLength(4 - results.filter((r) => r === 'ok').length);
      // A refusal is the last-admin guard or "you were demoted meanwhile", never anything else.
      for (const r of results.filter((x) => x !== 'ok')) expect(['LAST_ADMIN', 'FORBIDDEN']).toContain(r);
    }
  });

  it('four admins disabling each other at once leave at least one enabled admin', async () => {
    for (let round = 0; round < 5; round++) {
      await resetAdmins();
      const results = await Promise.all(admins.map((a, i) => outcome(updateUser(t.database.db, a, { id: admins[(i + 1) % 4]!.id, disabled: true }))));
      expect((await enabledAdmins()).length).toBeGreaterThanOrEqual(1);
      for (const r of results.filter((x) => x !== 'ok')) expect(['LAST_ADMIN', 'FORBIDDEN']).toContain(r);
    }
  });

  it('refuses a change by an admin who was demoted before the change ran', async () => {
    await resetAdmins();
    const [ana, ben] = admins as [Actor, Actor];
    await updateUser(t.database.db, ana, { id: ben.id, role: 'viewer' });
    // ben's session still says admin (the actor object), but the database no longer does.
    const err = await updateUser(t.database.db, ben, { id: ana.id, role: 'viewer' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('FORBIDDEN');
    expect(await enabledAdmins()).toContain('ana@rome.test');
  });
});
