import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tables } from '@/db';
import { consoleOrigins } from '@/server/env';
import { generatePassword } from '@/server/lib/ids';
import { insertUser } from '@/server/services/users/insert-user';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { POST as authPost } from '@/app/api/auth/[...all]/route';
import { GET as trpcGet, POST as trpcPost } from '@/app/api/trpc/[trpc]/route';
import { MAX_BATCH_CALLS, MAX_TRPC_BODY_BYTES } from './limits';
import { checkContentType, checkRequestSource, guardRequest, type RequestPolicy } from './request-guard';

// The console as users reach it; env() is read lazily, so this is set before anything reads it.
const CONSOLE = vi.hoisted(() => {
  const url = 'http://console.test:8080';
  process.env.CONSOLE_URL = url;
  return url;
});
const OTHER_PORT = 'http://console.test:9999';

const policy: RequestPolicy = { maxBodyBytes: 1024, sameOriginReads: true };

function post(headers: Record<string, string>, body: BodyInit | null = '{}', path = '/api/trpc/me.updatePreferences') {
  return new Request(`${CONSOLE}${path}`, { method: 'POST', headers, body });
}

describe('the request guard, check by check', () => {
  it('takes the console origin from CONSOLE_URL, the same list better-auth trusts', () => {
    expect(consoleOrigins()).toEqual([CONSOLE]);
    expect(consoleOrigins({ CONSOLE_URL: 'https://images.example.com/console/', PORT: 3000 })).toEqual(['https://images.example.com']);
    expect(consoleOrigins({ CONSOLE_URL: undefined, PORT: 3000 })).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000']);
  });

  it.each([
    ['multipart/form-data; boundary=x', 'multipart/form-data; boundary=x'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['text/plain;charset=UTF-8', 'text/plain;charset=UTF-8'],
    ['application/jsonp', 'application/jsonp'],
  ])('refuses a POST sent as %s (415)', (type) => {
    const refusal = checkContentType(post({ 'content-type': type }));
    expect(refusal).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(refusal!.message).toContain('application/json');
  });

  it('refuses a POST without a Content-Type (415)', () => {
    expect(checkContentType(post({}, null))).toMatchObject({ status: 415, message: expect.stringContaining('missing') });
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON'])('accepts a POST sent as %s', (type) => {
    expect(checkContentType(post({ 'content-type': type }))).toBeNull();
  });

  it('does not ask a GET for a Content-Type', () => {
    expect(checkContentType(new Request(`${CONSOLE}/api/trpc/me.get`))).toBeNull();
  });

  it.each([
    ['another port of the same host', { origin: OTHER_PORT }],
    ['another host', { origin: 'https://evil.example' }],
    ['an opaque origin (sandboxed frame, data: URL)', { origin: 'null' }],
    ['a same-site page', { 'sec-fetch-site': 'same-site' }],
    ['a cross-site page', { 'sec-fetch-site': 'cross-site' }],
    ['no page at all (Sec-Fetch-Site: none is for reads only)', { 'sec-fetch-site': 'none' }],
    ['our origin but a same-site fetch', { origin: CONSOLE, 'sec-fetch-site': 'same-site' }],
  ])('refuses a POST from %s (403)', (_, headers) => {
    const refusal = checkRequestSource(post({ 'content-type': 'application/json', ...headers }), policy);
    expect(refusal).toMatchObject({ status: 403, code: 'CROSS_SITE_REQUEST' });
  });

  it.each([
    ['the console page', { origin: CONSOLE, 'sec-fetch-site': 'same-origin' }],
    ['a browser that sends only Origin', { origin: CONSOLE }],
    ['a browser that sends only Sec-Fetch-Site', { 'sec-fetch-site': 'same-origin' }],
    // Non-browser clients (curl, scripts) send neither and hold no victim's cookie.
    ['a non-browser client', {}],
  ])('lets a POST from %s through', (_, headers) => {
    expect(checkRequestSource(post({ 'content-type': 'application/json', ...headers }), policy)).toBeNull();
  });

  it('refuses reads started by another site when the route asks for same-origin reads, but not typed addresses', () => {
    const get = (headers: Record<string, string>) => new Request(`${CONSOLE}/api/trpc/me.get`, { headers });
    expect(checkRequestSource(get({ 'sec-fetch-site': 'cross-site' }), policy)).toMatchObject({ status: 403 });
    expect(checkRequestSource(get({ origin: OTHER_PORT }), policy)).toMatchObject({ status: 403 });
    expect(checkRequestSource(get({ 'sec-fetch-site': 'none' }), policy)).toBeNull();
    expect(checkRequestSource(get({ 'sec-fetch-site': 'same-origin' }), policy)).toBeNull();
    expect(checkRequestSource(get({ 'sec-fetch-site': 'cross-site' }), { ...policy, sameOriginReads: false })).toBeNull();
  });

  it('counts the body while it streams: refuses past the limit with no Content-Length, passes at the limit', async () => {
    const stream = (bytes: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let sent = 0; sent < bytes; sent += 100) controller.enqueue(new Uint8Array(Math.min(100, bytes - sent)).fill(32));
          controller.close();
        },
      });
    const streamed = (bytes: number, headers: Record<string, string> = {}) =>
      new Request(`${CONSOLE}/api/trpc/x`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: stream(bytes),
        duplex: 'half',
      } as RequestInit);
    const over = await guardRequest(streamed(1025), policy);
    expect(over).toMatchObject({ ok: false, refusal: { status: 413, code: 'BODY_TOO_LARGE', message: expect.stringContaining('1 KiB') } });
    // A Content-Length that lies low changes nothing: the bytes are counted.
    expect(await guardRequest(streamed(5000, { 'content-length': '10' }), policy)).toMatchObject({ ok: false, refusal: { status: 413 } });
    // A declared length past the limit is refused without reading.
    expect(await guardRequest(post({ 'content-type': 'application/json', 'content-length': '999999' }, '{}'), policy)).toMatchObject({
      ok: false,
      refusal: { status: 413 },
    });
    const atLimit = await guardRequest(streamed(1024), policy);
    expect(atLimit.ok).toBe(true);
    if (atLimit.ok) expect((await atLimit.request.arrayBuffer()).byteLength).toBe(1024);
  });
});

describe('the real route handlers behind the guard', () => {
  let t: TestDatabase;
  let cookie: string;
  let adminId: string;

  const fromConsole = { origin: CONSOLE, 'sec-fetch-site': 'same-origin' };
  const fromOtherPort = { origin: OTHER_PORT, 'sec-fetch-site': 'same-site' };

  function trpc(path: string, init: { headers?: Record<string, string>; body?: BodyInit | null; query?: string } = {}) {
    return trpcPost(
      new Request(`${CONSOLE}/api/trpc/${path}${init.query ?? ''}`, {
        method: 'POST',
        headers: { cookie, ...init.headers },
        body: init.body === undefined ? null : init.body,
      }),
    );
  }
  const json = (input: unknown) => JSON.stringify({ json: input });
  const locale = async () =>
    (await t.database.db.select({ locale: tables.users.locale }).from(tables.users).where(eq(tables.users.id, adminId)))[0]!.locale;
  const auditCount = async (action: string) =>
    (
      await t.database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(tables.auditLog)
        .where(eq(tables.auditLog.action, action))
    )[0]!.n;

  beforeAll(async () => {
    t = await createTestDatabase();
    const password = generatePassword();
    adminId = await insertUser(t.database.db, { email: 'guard-admin@rome.test', name: 'Guard Admin', role: 'admin', password });
    // Signs in through the real better-auth route, as the sign-in form does (JSON, same origin).
    const res = await authPost(
      new Request(`${CONSOLE}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...fromConsole },
        body: JSON.stringify({ email: 'guard-admin@rome.test', password }),
      }),
    );
    expect(res.status).toBe(200);
    cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(cookie).toContain('session_token');
  });
  afterAll(() => t.drop());

  it('refuses a multipart form posted from another port of the same host, and nothing changes', async () => {
    const form = new FormData();
    form.set('locale', 'zh-CN');
    const before = await auditCount('me.update-preferences');
    const res = await trpc('me.updatePreferences', { headers: fromOtherPort, body: form });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { json: { message: string; data: { code: string; httpStatus: number } } } };
    expect(body.error.json.message).toContain(OTHER_PORT);
    expect(body.error.json.data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(await locale()).toBeNull();
    expect(await auditCount('me.update-preferences')).toBe(before);
  });

  it('refuses a cross-site "Sync now" sent as a form or as text/plain, and writes no audit entry', async () => {
    const form = new FormData();
    expect((await trpc('inventory.syncNow', { headers: fromOtherPort, body: form })).status).toBe(403);
    expect(
      (await trpc('inventory.syncNow', { headers: { ...fromOtherPort, 'content-type': 'text/plain;charset=UTF-8' }, body: json({}) })).status,
    ).toBe(403);
    expect(await auditCount('inventory.sync')).toBe(0);
  });

  it('refuses forms and text/plain even when the browser headers are missing (415)', async () => {
    const form = new FormData();
    form.set('locale', 'zh-CN');
    const res = await trpc('me.updatePreferences', { body: form });
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: { json: { message: string } } };
    expect(body.error.json.message).toContain('application/json');
    const text = await trpc('me.updatePreferences', { headers: { 'content-type': 'text/plain' }, body: json({ locale: 'zh-CN' }) });
    expect(text.status).toBe(415);
    expect(await locale()).toBeNull();
  });

  it('lets the console page change a preference (JSON, same origin)', async () => {
    const res = await trpc('me.updatePreferences', { headers: { ...fromConsole, 'content-type': 'application/json' }, body: json({ locale: 'zh-CN' }) });
    expect(res.status).toBe(200);
    expect(await locale()).toBe('zh-CN');
  });

  it('refuses a cross-site read of tRPC (GET), but serves the console page', async () => {
    const get = (headers: Record<string, string>) => trpcGet(new Request(`${CONSOLE}/api/trpc/me.get`, { headers: { cookie, ...headers } }));
    expect((await get({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await get({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it(`refuses a batch of 700 catalog calls with a clear 400, and still serves a batch of ${MAX_BATCH_CALLS}`, async () => {
    const batch = (n: number) => ({
      path: Array.from({ length: n }, () => 'catalog.facets').join(','),
      body: JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: null }]))),
    });
    const big = batch(700);
    const refused = await trpc(big.path, { headers: { ...fromConsole, 'content-type': 'application/json' }, body: big.body, query: '?batch=1' });
    expect(refused.status).toBe(400);
    const err = (await refused.json()) as { error: { json: { message: string } } };
    expect(err.error.json.message).toBe(`Refused: a batch may hold at most ${MAX_BATCH_CALLS} calls; this one has 700.`);
    // The same as a GET, and with the commas percent-encoded.
    const get = await trpcGet(
      new Request(`${CONSOLE}/api/trpc/${encodeURIComponent(big.path)}?batch=1&input={}`, { headers: { cookie, 'sec-fetch-site': 'same-origin' } }),
    );
    expect(get.status).toBe(400);
    const over = batch(MAX_BATCH_CALLS + 1);
    expect((await trpc(over.path, { headers: { 'content-type': 'application/json' }, body: over.body, query: '?batch=1' })).status).toBe(400);

    const ok = batch(MAX_BATCH_CALLS);
    const served = await trpc(ok.path, { headers: { ...fromConsole, 'content-type': 'application/json' }, body: ok.body, query: '?batch=1' });
    expect(served.status).toBe(200);
    expect(((await served.json()) as unknown[]).length).toBe(MAX_BATCH_CALLS);
  });

  it('keeps the answer to the largest allowed batch of catalog pages within a few MB', async () => {
    const [account] = await t.database.db
      .insert(tables.cloudAccounts)
      .values({ name: 'size-check', cloud: 'ucloud', environment: 'test', keyIdSealed: 'sealed', secretSealed: 'sealed', keyHint: '••••0000' })
      .returning({ id: tables.cloudAccounts.id });
    // Catalog rows as long as the vendors' real ones (UCloud descriptions run to a few hundred characters).
    await t.database.db.insert(tables.baseImages).values(
      Array.from({ length: 400 }, (_, i) => ({
        accountId: account!.id,
        cloud: 'ucloud' as const,
        region: 'cn-bj2',
        imageId: `uimage-${String(i).padStart(6, '0')}`,
        name: `Ubuntu 22.04 64位 基础镜像 ${i} (with long vendor suffix for the catalog size check)`,
        description: 'x'.repeat(400),
        osFamily: 'Ubuntu',
        osVersion: '22.04',
        osName: 'Ubuntu 22.04 64位',
        architecture: 'x86_64',
        sizeGb: 20,
        vendorState: 'Available',
        imageCreatedAt: new Date('2024-01-01T00:00:00Z'),
      })),
    );
    const path = Array.from({ length: MAX_BATCH_CALLS }, () => 'catalog.baseImages').join(',');
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: MAX_BATCH_CALLS }, (_, i) => [i, { json: { pageSize: 200, page: 1 } }])));
    const res = await trpc(path, { headers: { ...fromConsole, 'content-type': 'application/json' }, body, query: '?batch=1' });
    expect(res.status).toBe(200);
    const bytes = (await res.arrayBuffer()).byteLength;
    expect(bytes).toBeGreaterThan(MAX_BATCH_CALLS * 200 * 400); // every call really returned a full page
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
  });

  it('refuses a body past the limit with 413 (counted, not trusted from Content-Length), and takes the largest template there is', async () => {
    const huge = json({ name: 'huge', role: 'other', body: 'x'.repeat(MAX_TRPC_BODY_BYTES), asDraft: true });
    const res = await trpc('template.create', { headers: { ...fromConsole, 'content-type': 'application/json' }, body: huge });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { json: { message: string } } }).error.json.message).toContain('2 MiB');

    // The largest legitimate body: a 512 Ki-character template, every character three bytes of UTF-8.
    const largest = `{"description":"${'镜'.repeat(512 * 1024 - 20)}"}`;
    const created = await trpc('template.create', {
      headers: { ...fromConsole, 'content-type': 'application/json' },
      body: json({ name: 'largest', role: 'other', body: largest, asDraft: true }),
    });
    expect(created.status).toBe(200);
    const [row] = await t.database.db.select({ name: tables.templates.name }).from(tables.templates).where(eq(tables.templates.name, 'largest'));
    expect(row).toBeDefined();
  });

  it('guards better-auth too: a cross-site or form sign-in is refused, the JSON one from the console works', async () => {
    const signIn = (headers: Record<string, string>, body: string) =>
      authPost(new Request(`${CONSOLE}/api/auth/sign-in/email`, { method: 'POST', headers, body }));
    const creds = JSON.stringify({ email: 'guard-admin@rome.test', password: 'not-the-password-1' });
    const crossSite = await signIn({ 'content-type': 'application/json', ...fromOtherPort }, creds);
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ code: 'CROSS_SITE_REQUEST' });
    const form = await signIn({ 'content-type': 'application/x-www-form-urlencoded' }, 'email=guard-admin%40rome.test&password=x');
    expect(form.status).toBe(415);
    // Through the guard to better-auth itself, which answers a wrong password with 401.
    expect((await signIn({ 'content-type': 'application/json', ...fromConsole }, creds)).status).toBe(401);

    // Signing out from another site leaves the session alive.
    const out = await authPost(
      new Request(`${CONSOLE}/api/auth/sign-out`, { method: 'POST', headers: { cookie, 'content-type': 'text/plain', ...fromOtherPort }, body: '{}' }),
    );
    expect(out.status).toBe(403);
    expect((await trpc('me.get', { headers: { ...fromConsole, 'content-type': 'application/json' }, body: json(null) })).status).toBe(200);
  });
});
