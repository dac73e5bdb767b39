import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { parseTrustedProxies } from '@/server/lib/client-address';
import type { Actor } from '@/server/lib/permissions';
import { getSessionUser } from '@/server/services/auth/get-actor';
import { THROTTLE_POLICY } from '@/server/services/auth/sign-in-throttle';
import { purgeExpiredSessions } from '@/server/services/housekeeping/purge-sessions';
import { insertUser } from '@/server/services/users/insert-user';
import { updateUser } from '@/server/services/users/update-user';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { handleAuthRequest, type AuthHandlerOptions } from './auth-handler';

// better-auth's real handler behind ours, with real Requests, on a fresh database.
const ORIGIN = 'http://localhost:3000';
const NO_PROXIES = parseTrustedProxies(undefined);
const PASSWORD = 'violet anchor drifts north';

let clock = new Date();
const at = (opts: AuthHandlerOptions = {}): AuthHandlerOptions => ({ peerAddress: '203.0.113.7', trustedProxies: NO_PROXIES, now: () => clock, ...opts });

function authRequest(path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}/api/auth${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
}

async function signIn(email: string, password: string, opts: AuthHandlerOptions = {}, headers: Record<string, string> = {}) {
  const res = await handleAuthRequest(authRequest('/sign-in/email', { email, password }, headers), at(opts));
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { res, status: res.status, body: await res.text(), cookie };
}

const xff = (i: number) => ({ 'x-forwarded-for': `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}` });

describe('sign-in through /api/auth', () => {
  let t: TestDatabase;
  const users: Record<string, Actor> = {};
  async function addUser(name: string, role: Actor['role'] = 'builder') {
    const email = `${name}@rome.test`;
    const id = await insertUser(t.database.db, { email, name, role, password: PASSWORD });
    users[name] = { id, email, name, role };
    return users[name];
  }
  const auditOf = (action: string) =>
    t.database.db.select().from(tables.auditLog).where(eq(tables.auditLog.action, action));

  beforeAll(async () => {
    t = await createTestDatabase();
    for (const name of ['admin', 'alice', 'bob', 'carol', 'dave', 'erin', 'gina']) await addUser(name, name === 'admin' ? 'admin' : 'builder');
  });
  afterAll(() => t.drop());
  beforeEach(() => {
    clock = new Date();
  });

  it('throttles 50 wrong passwords sent with a new X-Forwarded-For each, and the right one fails until the back-off passes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await signIn('alice@rome.test', `wrong guess number ${i}`, {}, xff(i))).status);
    const allowed = THROTTLE_POLICY.account.max;
    expect(statuses.slice(0, allowed)).toEqual(Array(allowed).fill(401));
    expect(statuses.slice(allowed)).toEqual(Array(50 - allowed).fill(429));

    // The right password during the lock-out: refused the same way, with when to come back.
    const locked = await signIn('alice@rome.test', PASSWORD, {}, xff(99));
    expect(locked.status).toBe(429);
    expect(locked.cookie).toBe('');
    const retryAfter = Number(locked.res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(JSON.parse(locked.body)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', scope: 'account', retryAfter });
    expect(JSON.parse(locked.body).message).toMatch(/Too many failed sign-ins for this account\. Try again in \d+ minutes?\./);

    clock = new Date(clock.getTime() + (retryAfter - 2) * 1000);
    expect((await signIn('alice@rome.test', PASSWORD)).status).toBe(429);
    clock = new Date(clock.getTime() + 3000);
    const ok = await signIn('alice@rome.test', PASSWORD);
    expect(ok.status).toBe(200);
    expect(await getSessionUser(new Headers({ cookie: ok.cookie }))).toMatchObject({ actor: { email: 'alice@rome.test' } });

    // Without a trusted proxy the forged headers were ignored: every row names the socket peer.
    const failed = await auditOf('auth.sign_in_failed');
    expect(failed.filter((r) => r.actorEmail === 'alice@rome.test')).toHaveLength(allowed);
    expect(new Set(failed.map((r) => (r.details as { address: string }).address))).toEqual(new Set(['203.0.113.7']));
  });

  it('doubles the lock after each further failure, and a success forgets the streak', async () => {
    const fail = () => signIn('bob@rome.test', 'not bobs password at all');
    for (let i = 0; i < THROTTLE_POLICY.account.max; i++) expect((await fail()).status).toBe(401);
    const first = Number((await fail()).res.headers.get('retry-after'));
    clock = new Date(clock.getTime() + first * 1000 + 1000);
    expect((await fail()).status).toBe(401); // one try after the lock…
    const second = Number((await fail()).res.headers.get('retry-after'));
    expect(second).toBeGreaterThanOrEqual(first * 2 - 2); // …and the next lock is twice as long
    clock = new Date(clock.getTime() + second * 1000 + 1000);
    expect((await signIn('bob@rome.test', PASSWORD)).status).toBe(200);
    expect((await fail()).status).toBe(401); // a fresh streak
    const locks = await auditOf('auth.sign_in_locked');
    expect(locks.filter((r) => r.actorEmail === 'bob@rome.test')).toHaveLength(2);
  });

  it('lets no more than the allowed guesses through when they arrive all at once', async () => {
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signIn('gina@rome.test', `parallel guess ${i}`, { peerAddress: `198.18.1.${i}` })),
    );
    const statuses = guesses.map((g) => g.status).sort();
    expect(statuses).toEqual([...Array(THROTTLE_POLICY.account.max).fill(401), ...Array(20 - THROTTLE_POLICY.account.max).fill(429)]);
  });

  it('behind a trusted proxy takes the right-most untrusted hop, and a new address does not reset the account', async () => {
    const proxies = parseTrustedProxies('127.0.0.1, 10.0.0.0/8');
    const viaProxy = { peerAddress: '::ffff:127.0.0.1', trustedProxies: proxies };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      // The client made up the left-most entry; our proxy appended what it saw, then an inner hop.
      const chain = `1.1.1.${i}, 198.51.100.${i}, 10.0.0.5`;
      statuses.push((await signIn('carol@rome.test', `guess ${i} for carol`, viaProxy, { 'x-forwarded-for': chain })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const rows = (await auditOf('auth.sign_in_failed')).filter((r) => r.actorEmail === 'carol@rome.test');
    expect(rows.map((r) => (r.details as { address: string }).address).sort()).toEqual(
      ['198.51.100.0', '198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'],
    );

    // Per address: many accounts tried from one client lock that client out, even for a right password.
    const from = { ...viaProxy, peerAddress: '10.0.0.9' };
    const spray = { 'x-forwarded-for': '192.0.2.50' };
    const spread: number[] = [];
    for (let i = 0; i < THROTTLE_POLICY.address.max + 2; i++) spread.push((await signIn(`nobody${i}@rome.test`, 'some wrong password', from, spray)).status);
    expect(spread.filter((s) => s === 401)).toHaveLength(THROTTLE_POLICY.address.max);
    expect(spread.slice(THROTTLE_POLICY.address.max)).toEqual([429, 429]);
    const blocked = await signIn('dave@rome.test', PASSWORD, from, spray);
    expect(blocked.status).toBe(429);
    expect(JSON.parse(blocked.body)).toMatchObject({ scope: 'address' });
    // Another client through the same proxy is not affected.
    expect((await signIn('dave@rome.test', PASSWORD, from, { 'x-forwarded-for': '192.0.2.51' })).status).toBe(200);
  });

  it('ignores a client-sent address header and records the peer, on the audit row and the session', async () => {
    const res = await signIn('erin@rome.test', PASSWORD, { peerAddress: '::ffff:198.18.0.4' }, { 'x-rome-client-address': '9.9.9.9' });
    expect(res.status).toBe(200);
    const [row] = (await auditOf('auth.sign_in')).filter((r) => r.actorId === users.erin!.id);
    expect(row).toMatchObject({ actorEmail: 'erin@rome.test', targetType: 'user', targetId: users.erin!.id, details: { address: '198.18.0.4' } });
    const [session] = await t.database.db.select().from(tables.sessions).where(eq(tables.sessions.userId, users.erin!.id));
    expect(session!.ipAddress).toBe('198.18.0.4');
  });

  it('answers a disabled account exactly like a wrong password, in status, body and time', async () => {
    const frank = await addUser('frank');
    await updateUser(t.database.db, users.admin!, { id: frank.id, disabled: true });
    const clear = () => t.database.db.delete(tables.signInThrottles).where(like(tables.signInThrottles.key, '%'));

    const sample = async (email: string, password: string) => {
      await clear();
      const { res, status, body, cookie } = await signIn(email, password);
      return { status, body, cookie, contentType: res.headers.get('content-type') };
    };
    const disabledRight = await sample('frank@rome.test', PASSWORD);
    const disabledWrong = await sample('frank@rome.test', 'not franks password');
    const enabledWrong = await sample('dave@rome.test', 'not daves password');
    const unknown = await sample('nobody@rome.test', 'anything at all here');
    for (const other of [disabledWrong, enabledWrong, unknown]) {
      expect(disabledRight).toMatchObject({ status: other.status, body: other.body, cookie: '', contentType: other.contentType });
    }
    expect(disabledRight.status).toBe(401);
    // Both verify a scrypt hash; the right password of a disabled account is no faster or slower.
    // Timed interleaved (one of each, in turn) so that a busy CI machine slows both alike; a path
    // that skipped the hash would answer in a small fraction of the time, far outside these bounds.
    const timeOnce = async (email: string, password: string) => {
      await clear();
      const started = performance.now();
      await signIn(email, password);
      return performance.now() - started;
    };
    const pairs: number[] = [];
    for (let i = 0; i < 9; i++) {
      const d = await timeOnce('frank@rome.test', PASSWORD);
      const w = await timeOnce('dave@rome.test', 'not daves password');
      pairs.push(d / w);
    }
    pairs.sort((a, b) => a - b);
    const ratio = pairs[4]!;
    expect(ratio, `disabled/wrong time ratios ${pairs.map((r) => r.toFixed(2)).join(' ')}`).toBeGreaterThan(0.33);
    expect(ratio, `disabled/wrong time ratios ${pairs.map((r) => r.toFixed(2)).join(' ')}`).toBeLessThan(3);

    // Admins still see what happened.
    const reasons = (await auditOf('auth.sign_in_failed'))
      .filter((r) => r.actorEmail === 'frank@rome.test')
      .map((r) => (r.details as { reason: string }).reason);
    expect(new Set(reasons)).toEqual(new Set(['account_disabled']));
  });

  it('never writes a password into the audit log', async () => {
    const rows = await t.database.db.select().from(tables.auditLog).where(like(tables.auditLog.action, 'auth.%'));
    expect(rows.length).toBeGreaterThan(20);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('wrong guess number');
    expect(text).not.toMatch(/"(new|current)?password"\s*:/i);
  });

  it('lets housekeeping delete streaks that are forgotten anyway', async () => {
    await signIn('erin@rome.test', 'a wrong password for erin');
    const rows = await t.database.db.select().from(tables.signInThrottles);
    expect(rows.length).toBeGreaterThan(0);
    expect((await purgeExpiredSessions(t.database.db, new Date())).throttles).toBe(0);
    expect((await purgeExpiredSessions(t.database.db, new Date(Date.now() + 3 * 3600_000))).throttles).toBe(rows.length);
    expect(await t.database.db.select().from(tables.signInThrottles)).toEqual([]);
  });

  describe("better-auth's own account endpoints are closed", () => {
    let cookie = '';
    beforeAll(async () => {
      await t.database.db.delete(tables.signInThrottles);
      cookie = (await signIn('dave@rome.test', PASSWORD)).cookie;
      expect(cookie).not.toBe('');
    });

    const WEAK = ['password1234', ' '.repeat(12), 'aaaaaaaaaaaa'];
    const attempts: [string, (weak: string) => unknown][] = [
      ['/sign-up/email', (weak) => ({ email: 'new@rome.test', password: weak, name: 'New' })],
      ['/change-password', (weak) => ({ currentPassword: PASSWORD, newPassword: weak, revokeOtherSessions: false })],
      ['/set-password', (weak) => ({ newPassword: weak })],
      ['/reset-password', (weak) => ({ newPassword: weak, token: 'x' })],
      ['/request-password-reset', () => ({ email: 'dave@rome.test' })],
      ['/update-user', () => ({ name: 'Renamed Dave', image: 'https://evil.test/x.png' })],
      ['/change-email', () => ({ newEmail: 'dave2@rome.test' })],
      ['/delete-user', () => ({ password: PASSWORD })],
      ['/revoke-other-sessions', () => ({})],
    ];
    it.each(attempts)('%s answers 404 and changes nothing', async (path, body) => {
      for (const weak of WEAK) {
        const res = await handleAuthRequest(authRequest(path, body(weak), { cookie }), at());
        expect(res.status).toBe(404);
      }
      const [dave] = await t.database.db.select().from(tables.users).where(eq(tables.users.email, 'dave@rome.test'));
      expect(dave).toMatchObject({ name: 'dave', image: null });
      expect(await t.database.db.select().from(tables.users).where(eq(tables.users.email, 'new@rome.test'))).toEqual([]);
      expect(await getSessionUser(new Headers({ cookie }))).toMatchObject({ actor: { email: 'dave@rome.test' } });
      await t.database.db.delete(tables.signInThrottles);
      expect((await signIn('dave@rome.test', PASSWORD)).status).toBe(200);
      for (const weak of WEAK) expect((await signIn('dave@rome.test', weak)).status).toBe(401);
    });

    it('still serves the session and sign-out', async () => {
      const session = await handleAuthRequest(
        new Request(`${ORIGIN}/api/auth/get-session`, { headers: { cookie } }),
        at(),
      );
      expect(session.status).toBe(200);
      expect(await session.json()).toMatchObject({ user: { email: 'dave@rome.test' } });
      const out = await handleAuthRequest(authRequest('/sign-out', {}, { cookie }), at());
      expect(out.status).toBe(200);
      expect(await getSessionUser(new Headers({ cookie }))).toBeNull();
      const sessions = await t.database.db
        .select()
        .from(tables.sessions)
        .where(and(eq(tables.sessions.userId, users.dave!.id)));
      expect(sessions.length).toBeGreaterThan(0); // the other sign-ins of this file stay
    });
  });
});
