import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { getAuth } from '../auth/auth';
import { getActorFromHeaders } from '../auth/get-actor';
import { purgeExpiredSessions } from '../housekeeping/purge-sessions';
import { createUser } from './create-user';
import { ensureInitialAdmin } from './ensure-initial-admin';
import { findUsers } from './find-users';
import { resetUserPassword } from './reset-password';
import { updateUser } from './update-user';

/** Signs in through better-auth's real endpoint and returns the session cookie header. */
async function signIn(email: string, password: string): Promise<Headers | null> {
  const auth = await getAuth();
  const res = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
  if (!res.ok) return null;
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return new Headers({ cookie });
}

describe('users, sign-in and roles', () => {
  let t: TestDatabase;
  let admin: Actor;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('creates the first admin once, with a generated password that signs in', async () => {
    const first = await ensureInitialAdmin(t.database.db, {});
    expect(first).toMatchObject({ email: 'admin@rome.local', generated: true });
    expect(first!.password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await ensureInitialAdmin(t.database.db, {})).toBeNull();

    const headers = await signIn(first!.email, first!.password);
    expect(headers).not.toBeNull();
    const actor = await getActorFromHeaders(headers!);
    expect(actor).toMatchObject({ email: 'admin@rome.local', role: 'admin' });
    admin = actor!;
    expect(await signIn(first!.email, 'wrong-password-123')).toBeNull();
  });

  it('lets an admin create a user with a generated password, shown once and never stored in clear', async () => {
    const { id, generatedPassword } = await createUser(t.database.db, admin, { email: 'ops@rome.test', name: 'Ops', role: 'viewer' });
    expect(generatedPassword).toHaveLength(20);
    const [account] = await t.database.db.select().from(tables.accounts).where(eq(tables.accounts.userId, id));
    expect(account!.password).not.toContain(generatedPassword!);
    const headers = await signIn('ops@rome.test', generatedPassword!);
    expect(await getActorFromHeaders(headers!)).toMatchObject({ role: 'viewer' });
    const users = await findUsers(t.database.db);
    expect(users.map((u) => u.email)).toEqual(['admin@rome.local', 'ops@rome.test']);
    expect(Object.keys(users[0]!)).not.toContain('password');
  });

  it('applies a role change to the next request of an existing session', async () => {
    const [ops] = await t.database.db.select().from(tables.users).where(eq(tables.users.email, 'ops@rome.test'));
    const { password } = await resetUserPassword(t.database.db, admin, ops!.id);
    const headers = await signIn('ops@rome.test', password);
    await updateUser(t.database.db, admin, { id: ops!.id, role: 'builder' });
    expect(await getActorFromHeaders(headers!)).toMatchObject({ role: 'builder' });
  });

  it('disabling a user ends their sessions and refuses new ones', async () => {
    const { generatedPassword } = await createUser(t.database.db, admin, { email: 'leaver@rome.test', name: 'Leaver', role: 'builder' });
    const headers = await signIn('leaver@rome.test', generatedPassword!);
    const [leaver] = await t.database.db.select().from(tables.users).where(eq(tables.users.email, 'leaver@rome.test'));
    await updateUser(t.database.db, admin, { id: leaver!.id, disabled: true });
    expect(await getActorFromHeaders(headers!)).toBeNull();
    expect(await signIn('leaver@rome.test', generatedPassword!)).toBeNull();
  });

  it('never demotes or disables the last enabled admin', async () => {
    for (const change of [{ role: 'viewer' as const }, { disabled: true }]) {
      const err = await updateUser(t.database.db, admin, { id: admin.id, ...change }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('LAST_ADMIN');
    }
  });

  it('writes an audit entry for every user mutation', async () => {
    const all = await t.database.db.select().from(tables.auditLog);
    // The first admin was made by the console itself (no actor), the rest by that admin.
    const system = all.filter((r) => r.actorId === null && r.actorEmail === null);
    expect(system.map((r) => [r.action, r.details])).toEqual([['user.create', { email: 'admin@rome.local', role: 'admin', initialAdmin: true }]]);
    const rows = all.filter((r) => !system.includes(r));
    expect(rows.map((r) => r.action).sort()).toEqual(
      ['user.create', 'user.create', 'user.reset-password', 'user.update', 'user.update'].sort(),
    );
    expect(rows.every((r) => r.actorEmail === 'admin@rome.local')).toBe(true);
  });

  it('purges expired sessions only', async () => {
    const [u] = await t.database.db.select().from(tables.users).where(eq(tables.users.email, 'admin@rome.local'));
    await t.database.db.insert(tables.sessions).values([
      { id: 'old', token: 'old-token', userId: u!.id, expiresAt: new Date(Date.now() - 60_000) },
      { id: 'live', token: 'live-token', userId: u!.id, expiresAt: new Date(Date.now() + 60_000) },
    ]);
    expect((await purgeExpiredSessions(t.database.db)).sessions).toBe(1);
    const ids = (await t.database.db.select().from(tables.sessions)).map((s) => s.id);
    expect(ids).toContain('live');
    expect(ids).not.toContain('old');
  });
});
