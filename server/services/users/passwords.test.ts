import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { handleAuthRequest } from '@/server/api/auth-handler';
import { createCaller } from '@/server/api/root';
import {
  checkPassword,
  describePasswordCheck,
  passwordIssueParams,
  ZChangePasswordRequest,
  ZNewPassword,
} from '@/server/api/schemas/password';
import '@/server/api/schemas/password-dictionaries';
import { ZCreateUserRequest } from '@/server/api/schemas/users';
import { createContextFromHeaders } from '@/server/api/trpc';
import en from '@/server/i18n/messages/en.json';
import zh from '@/server/i18n/messages/zh-CN.json';
import { parseTrustedProxies } from '@/server/lib/client-address';
import type { Actor } from '@/server/lib/permissions';
import { getSessionUser } from '@/server/services/auth/get-actor';
import { THROTTLE_POLICY } from '@/server/services/auth/sign-in-throttle';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { ensureInitialAdmin, WeakAdminPasswordError } from './ensure-initial-admin';
import { insertUser } from './insert-user';

const WEAK = {
  password1234: { problem: 'tooWeak', warning: 'similarToCommon' },
  '            ': { problem: 'whitespaceOnly', warning: null },
  aaaaaaaaaaaa: { problem: 'tooWeak', warning: 'simpleRepeat' },
} as const;
const STRONG = 'violet anchor drifts north';
const NEWER = 'copper lantern hums softly';

type Tree = { [k: string]: string | Tree };
const translator = (messages: Tree) => (key: string, values?: Record<string, string | number>) => {
  const text = key.split('.').reduce<string | Tree>((node, part) => (node as Tree)[part]!, messages);
  return String(text).replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name]));
};

async function signIn(email: string, password: string) {
  const res = await handleAuthRequest(
    new Request('http://localhost:3000/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify({ email, password }),
    }),
    { peerAddress: '192.0.2.10', trustedProxies: parseTrustedProxies(undefined) },
  );
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { status: res.status, headers: new Headers({ cookie }) };
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

describe('the password rule', () => {
  it.each(Object.entries(WEAK))('refuses %j and says why, in English and Chinese', (password, expected) => {
    const check = checkPassword(password);
    expect(check).toMatchObject(expected);
    const parsed = ZNewPassword.safeParse(password);
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    expect(passwordIssueParams((issue as { params?: unknown }).params)).toMatchObject({ passwordProblem: expected.problem, warning: expected.warning });
    expect(issue.message).toContain(expected.problem === 'whitespaceOnly' ? 'only spaces' : 'too easy to guess');
    const chinese = describePasswordCheck(check, translator(zh.password as unknown as Tree));
    expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    expect(chinese).not.toMatch(/[A-Za-z]{4,}/); // zxcvbn's English never leaks through
  });

  it('refuses too short, too long and control characters, and names the account as a guess', () => {
    expect(checkPassword('Xk3!vq9#').problem).toBe('tooShort');
    expect(checkPassword('a'.repeat(129)).problem).toBe('tooLong');
    expect(checkPassword('violet anchor\ndrifts north').problem).toBe('controlCharacters');
    expect(checkPassword('grace.hopper@rome.test1').problem).toBeNull();
    expect(checkPassword('grace.hopper@rome.test1', ['grace.hopper@rome.test', 'Grace Hopper'])).toMatchObject({ problem: 'tooWeak', warning: 'userInputs' });
    expect(describePasswordCheck(checkPassword('short'), translator(en.password as unknown as Tree))).toBe('Use at least 12 characters.');
  });

  it('accepts passphrases and generated passwords', () => {
    for (const p of [STRONG, NEWER, 'q8Vn2LpX7wRtY3mZ0aBc', 'correct horse battery staple']) expect(checkPassword(p).problem).toBeNull();
  });

  it('is the rule of the create-user and change-password forms', () => {
    for (const password of Object.keys(WEAK)) {
      expect(ZCreateUserRequest.safeParse({ email: 'x@rome.test', name: 'X', role: 'viewer', password }).success).toBe(false);
      expect(ZChangePasswordRequest.safeParse({ currentPassword: STRONG, newPassword: password, confirmPassword: password }).success).toBe(false);
    }
    expect(ZCreateUserRequest.safeParse({ email: 'x@rome.test', name: 'X', role: 'viewer', password: '' }).success).toBe(true);
    const mismatch = ZChangePasswordRequest.safeParse({ currentPassword: STRONG, newPassword: NEWER, confirmPassword: `${NEWER}!` });
    expect(mismatch.error?.issues.map((i) => i.path.join('.'))).toEqual(['confirmPassword']);
  });
});

describe('passwords and sessions on every path', () => {
  let t: TestDatabase;
  let admin: Actor;
  const caller = async (headers: Headers) => createCaller(await createContextFromHeaders(headers));

  beforeAll(async () => {
    t = await createTestDatabase();
    const first = await ensureInitialAdmin(t.database.db, { email: 'root@rome.test', password: STRONG });
    expect(first).toMatchObject({ generated: false });
    const [row] = await t.database.db.select().from(tables.users).where(eq(tables.users.email, 'root@rome.test'));
    admin = { id: row!.id, email: row!.email, name: row!.name, role: 'admin' };
  });
  afterAll(() => t.drop());

  it('refuses a weak ADMIN_PASSWORD at start, saying why', async () => {
    for (const password of Object.keys(WEAK)) {
      const err = await ensureInitialAdmin(t.database.db, { email: 'other@rome.test', password }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WeakAdminPasswordError);
      expect((err as Error).message).toMatch(/^ADMIN_PASSWORD is too weak for the first admin: (This password is too easy to guess|A password of only spaces)/);
    }
  });

  it('refuses weak typed passwords for new users through the API, and weak ones set below it', async () => {
    const api = await caller((await signIn('root@rome.test', STRONG)).headers);
    for (const password of Object.keys(WEAK)) {
      const err = await trpcError(api.user.create({ email: 'weak@rome.test', name: 'Weak', role: 'viewer', password }));
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toMatch(/too easy to guess|only spaces/);
    }
    // The service checks again, with the account's own e-mail as a guess.
    const err = await insertUser(t.database.db, { email: 'grace.hopper@rome.test', name: 'Grace Hopper', role: 'viewer', password: 'grace.hopper@rome.test1' }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'PASSWORD_WEAK', details: { passwordProblem: 'tooWeak', warning: 'userInputs' } });
    expect(await t.database.db.select().from(tables.users).where(eq(tables.users.email, 'weak@rome.test'))).toEqual([]);
  });

  it('changing one’s own password ends the other sessions, keeps this one, and is audited', async () => {
    const { generatedPassword } = await (await caller((await signIn('root@rome.test', STRONG)).headers)).user.create({
      email: 'ivy@rome.test',
      name: 'Ivy',
      role: 'viewer',
    });
    const here = await signIn('ivy@rome.test', generatedPassword!);
    const laptop = await signIn('ivy@rome.test', generatedPassword!);
    const phone = await signIn('ivy@rome.test', generatedPassword!);
    expect([here.status, laptop.status, phone.status]).toEqual([200, 200, 200]);
    const api = await caller(here.headers);

    for (const password of Object.keys(WEAK)) {
      const err = await trpcError(api.me.changePassword({ currentPassword: generatedPassword!, newPassword: password, confirmPassword: password }));
      expect(err.code).toBe('BAD_REQUEST');
    }
    const wrong = await trpcError(api.me.changePassword({ currentPassword: 'not my password at all', newPassword: NEWER, confirmPassword: NEWER }));
    expect(wrong.cause).toMatchObject({ code: 'WRONG_PASSWORD' });
    expect(await getSessionUser(laptop.headers)).not.toBeNull(); // nothing changed yet

    expect(await api.me.changePassword({ currentPassword: generatedPassword!, newPassword: NEWER, confirmPassword: NEWER })).toEqual({ endedSessions: 2 });
    expect(await getSessionUser(laptop.headers)).toBeNull();
    expect(await getSessionUser(phone.headers)).toBeNull();
    expect(await getSessionUser(here.headers)).toMatchObject({ actor: { email: 'ivy@rome.test' } });
    expect((await signIn('ivy@rome.test', generatedPassword!)).status).toBe(401);
    expect((await signIn('ivy@rome.test', NEWER)).status).toBe(200);

    const [row] = await t.database.db.select().from(tables.auditLog).where(eq(tables.auditLog.action, 'me.change-password'));
    expect(row).toMatchObject({ actorEmail: 'ivy@rome.test', targetType: 'user', details: { endedSessions: 2 } });
    expect(row!.targetId).toBe(row!.actorId);
    expect(JSON.stringify(row)).not.toContain(NEWER);
  });

  it('counts wrong current passwords towards the account’s back-off', async () => {
    const { generatedPassword } = await (await caller((await signIn('root@rome.test', STRONG)).headers)).user.create({
      email: 'jay@rome.test',
      name: 'Jay',
      role: 'builder',
    });
    const api = await caller((await signIn('jay@rome.test', generatedPassword!)).headers);
    const codes: string[] = [];
    for (let i = 0; i <= THROTTLE_POLICY.account.max; i++) {
      const err = await trpcError(api.me.changePassword({ currentPassword: `guess ${i} of jays`, newPassword: NEWER, confirmPassword: NEWER }));
      codes.push(err.code);
    }
    expect(codes).toEqual([...Array(THROTTLE_POLICY.account.max).fill('BAD_REQUEST'), 'TOO_MANY_REQUESTS']);
    // Locked: the right current password does not help, and sign-in is locked too.
    const locked = await trpcError(api.me.changePassword({ currentPassword: generatedPassword!, newPassword: NEWER, confirmPassword: NEWER }));
    expect(locked.code).toBe('TOO_MANY_REQUESTS');
    expect((await signIn('jay@rome.test', generatedPassword!)).status).toBe(429);
  });

  it('an admin reset ends all of the user’s sessions and lifts the lock', async () => {
    const [jay] = await t.database.db.select().from(tables.users).where(eq(tables.users.email, 'jay@rome.test'));
    const sessionsBefore = await t.database.db.select().from(tables.sessions).where(eq(tables.sessions.userId, jay!.id));
    expect(sessionsBefore.length).toBeGreaterThan(0);
    const adminApi = await caller((await signIn('root@rome.test', STRONG)).headers);
    const { password } = await adminApi.user.resetPassword({ id: jay!.id });
    expect(checkPassword(password).problem).toBeNull();
    expect(await t.database.db.select().from(tables.sessions).where(eq(tables.sessions.userId, jay!.id))).toEqual([]);
    expect((await signIn('jay@rome.test', password)).status).toBe(200);
    const [audit] = await t.database.db.select().from(tables.auditLog).where(eq(tables.auditLog.action, 'user.reset-password'));
    expect(audit).toMatchObject({ actorId: admin.id, targetId: jay!.id, details: { email: 'jay@rome.test', endedSessions: sessionsBefore.length } });
  });

  it('an admin resetting their own password keeps the session they are using', async () => {
    const here = await signIn('root@rome.test', STRONG);
    const other = await signIn('root@rome.test', STRONG);
    const { password } = await (await caller(here.headers)).user.resetPassword({ id: admin.id });
    expect(await getSessionUser(here.headers)).not.toBeNull();
    expect(await getSessionUser(other.headers)).toBeNull();
    expect((await signIn('root@rome.test', password)).status).toBe(200);
  });
});
