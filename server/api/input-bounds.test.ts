import { readFileSync } from 'node:fs';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUL_MESSAGE, SURROGATE_MESSAGE } from '@/server/api/schemas/common';
import { appErrorOf, inputIssuesOf } from '@/server/api/schemas/errors';
import type { Actor } from '@/server/lib/permissions';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { callTrpcHttp, signInCookie } from '@/server/testing/trpc-http';
import { createCaller } from './root';
import { seedInputsOnly } from '@/server/testing/seed-template';

// Inputs that reached SQL and came back as 500s (PostgreSQL refuses NUL in text, integers
// past int4 and timestamps past year 294276 BC/AD), and the bounds around them. Each must be
// a 400 that names the field, through the HTTP adapter and through createCaller alike.

const seed = readFileSync('db/seed-templates/rome-access/template.json', 'utf8');
const PASSWORD = 'correct horse battery staple';

interface Case {
  name: string;
  path: string;
  input: (ids: { templateId: string; adminId: string }) => unknown;
  /** The refused field: the message says "<field>: …" and data.issues holds its path. */
  field: string;
  message: string | RegExp;
}

const CASES: Case[] = [
  { name: 'a NUL in catalog search', path: 'catalog.baseImages', input: () => ({ search: 'ubuntu\u0000' }), field: 'search', message: NUL_MESSAGE },
  { name: 'a NUL in a catalog region filter', path: 'catalog.baseImages', input: () => ({ region: 'cn-bj2\u0000' }), field: 'region', message: NUL_MESSAGE },
  {
    name: 'a lone surrogate in a template name',
    path: 'template.create',
    input: () => ({ name: 'edge\uD800', role: 'access', body: seed }),
    field: 'name',
    message: SURROGATE_MESSAGE,
  },
  {
    name: 'a lone surrogate in a template description',
    path: 'template.update',
    input: ({ templateId }) => ({ templateId, description: 'trailing half \uDC00' }),
    field: 'description',
    message: SURROGATE_MESSAGE,
  },
  {
    name: 'a NUL in a commit message',
    path: 'template.save',
    input: ({ templateId }) => ({ templateId, baseVersion: 1, body: seed.replace('"rome-access"', '"rome-access-2"'), message: 'fix\u0000' }),
    field: 'message',
    message: NUL_MESSAGE,
  },
  {
    name: 'an escaped NUL in a draft template body',
    path: 'template.create',
    input: () => ({ name: 'escaped-nul', role: 'other', body: '{"builders": [{"type": "\\u0000"}]}', asDraft: true }),
    field: 'body',
    message: /escape \\u0000 stands for a NUL character/,
  },
  {
    name: 'an escaped lone surrogate in a draft template body',
    path: 'template.create',
    input: () => ({ name: 'escaped-half', role: 'other', body: '{"builders": [{"type": "\\ud800"}]}', asDraft: true }),
    field: 'body',
    message: /half of a surrogate pair/,
  },
  { name: 'a version of 2^31', path: 'template.version', input: ({ templateId }) => ({ templateId, version: 2 ** 31 }), field: 'version', message: 'Must be at most 2147483647' },
  {
    name: 'a restore of version 2^31',
    path: 'template.restore',
    input: ({ templateId }) => ({ templateId, version: 2 ** 31, baseVersion: 1 }),
    field: 'version',
    message: 'Must be at most 2147483647',
  },
  {
    name: 'a save on base version 2^53',
    path: 'template.save',
    input: ({ templateId }) => ({ templateId, baseVersion: 2 ** 53, body: seed, message: 'm' }),
    field: 'baseVersion',
    message: /Must be/,
  },
  { name: 'the minimum JS date', path: 'audit.list', input: () => ({ from: new Date(-8.64e15).toISOString() }), field: 'from', message: /between 2000 and 2999/ },
  { name: 'the maximum JS date', path: 'audit.list', input: () => ({ to: new Date(8.64e15).toISOString() }), field: 'to', message: /between 2000 and 2999/ },
  { name: 'a day that does not exist', path: 'audit.list', input: () => ({ from: '2026-02-30' }), field: 'from', message: /between 2000 and 2999/ },
  {
    name: 'an over-long e-mail',
    path: 'user.create',
    input: () => ({ email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.test`, name: 'Long', role: 'viewer' }),
    field: 'email',
    message: 'Must be at most 254 characters',
  },
  { name: 'a NUL in a user name', path: 'user.create', input: () => ({ email: 'nul@rome.test', name: 'Nul\u0000', role: 'viewer' }), field: 'name', message: NUL_MESSAGE },
  { name: 'an over-long user id', path: 'user.update', input: () => ({ id: 'x'.repeat(65), name: 'X' }), field: 'id', message: 'Must be at most 64 characters' },
  { name: 'a catalog page size of 10^6', path: 'catalog.baseImages', input: () => ({ pageSize: 1e6 }), field: 'pageSize', message: 'Must be at most 200' },
  { name: 'an audit page size of 10^6', path: 'audit.list', input: () => ({ pageSize: 1e6 }), field: 'pageSize', message: 'Must be at most 100' },
  { name: 'a sync history page size of 10^6', path: 'inventory.syncs', input: () => ({ limit: 1e6 }), field: 'limit', message: 'Must be at most 200' },
  { name: 'a negative catalog page (offset)', path: 'catalog.baseImages', input: () => ({ page: -1 }), field: 'page', message: 'Must be at least 1' },
  { name: 'a catalog page past 100 000', path: 'catalog.baseImages', input: () => ({ page: 1e9 }), field: 'page', message: 'Must be at most 100000' },
  {
    name: 'a NUL in a sync region',
    path: 'inventory.syncNow',
    input: () => ({ accountId: '00000000-0000-4000-8000-000000000000', region: 'cn-bj2\u0000' }),
    field: 'region',
    message: NUL_MESSAGE,
  },
  {
    name: 'a NUL in a cloud account name',
    path: 'cloudAccount.create',
    input: () => ({ cloud: 'aws', name: 'n\u0000', environment: 'prod', keyId: 'AKIA', secret: 's' }),
    field: 'name',
    message: NUL_MESSAGE,
  },
  { name: 'a NUL in a time zone', path: 'me.updatePreferences', input: () => ({ timeZone: 'Europe/Rome\u0000' }), field: 'timeZone', message: NUL_MESSAGE },
  { name: 'a lone surrogate in a template id', path: 'template.byId', input: () => ({ templateId: '\uD800' }), field: 'templateId', message: SURROGATE_MESSAGE },
];

type AnyCaller = Record<string, unknown>;

describe('request inputs are bounded: a 400 naming the field, never a 500', () => {
  let t: TestDatabase;
  let admin: Actor;
  let cookie: string;
  let ids: { templateId: string; adminId: string };
  let call: (path: string, input: unknown) => Promise<unknown>;

  beforeAll(async () => {
    t = await createTestDatabase();
    admin = await makeActor(t.database.db, 'admin');
    cookie = (await signInCookie(admin.email, PASSWORD))!;
    expect(cookie).toBeTruthy();
    const caller = createCaller({ db: t.database.db, actor: admin }) as unknown as AnyCaller;
    call = (path, input) => {
      const fn = path.split('.').reduce<unknown>((node, key) => (node as AnyCaller)[key], caller) as (i: unknown) => Promise<unknown>;
      return fn(input);
    };
    const created = (await call('template.create', { name: 'bounds-base', role: 'access', body: seed, inputs: seedInputsOnly() })) as { id: string };
    ids = { templateId: created.id, adminId: admin.id };
  });
  afterAll(() => t.drop());

  it('reaches the procedures through HTTP with the session (a valid input succeeds)', async () => {
    const ok = await callTrpcHttp('catalog.baseImages', { search: 'ubuntu', page: 1 }, cookie);
    expect(ok.status).toBe(200);
    expect(ok.data).toMatchObject({ rows: [], page: 1 });
    const version = await callTrpcHttp('template.version', { templateId: ids.templateId, version: 2 ** 31 - 1 }, cookie);
    expect(version.status).toBe(404);
    const audit = await callTrpcHttp('audit.list', { from: '2000-01-01', to: '2999-12-31' }, cookie);
    expect(audit.status).toBe(200);
  });

  it.each(CASES)('HTTP: $name → 400 on $field', async ({ path, input, field, message }) => {
    const res = await callTrpcHttp(path, input(ids), cookie);
    expect(res.error, `a 400 for ${path}`).toBeDefined();
    expect({ status: res.status, code: res.error!.data.code }).toEqual({ status: 400, code: 'BAD_REQUEST' });
    expect(res.error!.message).toMatch(new RegExp(`(^|[ ;])${field}: `));
    expect(res.error!.message).toMatch(message);
    const issues = inputIssuesOf(res.error!.data);
    expect(issues.find((i) => i.path[0] === field), JSON.stringify(issues)).toBeDefined();
    expect(issues.some((i) => (typeof message === 'string' ? i.message === message : message.test(i.message)))).toBe(true);
    expect(appErrorOf(res.error!.data)).toBeNull();
  });

  it.each(CASES)('createCaller: $name → BAD_REQUEST on $field', async ({ path, input, field, message }) => {
    const err = await call(path, input(ids)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect((err as TRPCError).message).toMatch(new RegExp(`(^|[ ;])${field}: `));
    expect((err as TRPCError).message).toMatch(message);
  });

  it('names nested and several fields in one message', async () => {
    const res = await callTrpcHttp('catalog.baseImages', { search: 'a\u0000', pageSize: 1e6, page: 0 }, cookie);
    expect(res.status).toBe(400);
    expect(res.error!.message).toMatch(/^Invalid input: /);
    for (const field of ['search', 'pageSize', 'page']) expect(res.error!.message).toContain(`${field}: `);
    expect(inputIssuesOf(res.error!.data).map((i) => i.path[0]).sort()).toEqual(['page', 'pageSize', 'search']);
    const notAnObject = await callTrpcHttp('catalog.baseImages', 'text', cookie);
    expect(notAnObject.status).toBe(400);
    expect(notAnObject.error!.message).toMatch(/^Invalid input: input: /);
  });

  it('keeps well-formed text: astral characters (surrogate pairs) and escaped backslashes pass', async () => {
    const res = await callTrpcHttp('template.update', { templateId: ids.templateId, description: 'rocket 🚀 and \\u0000 as text' }, cookie);
    expect(res.status).toBe(200);
    const body = seed.replace('"description": "', '"description": "🚀 \\\\u0000 \\ud83d\\ude80 ');
    expect(body).not.toBe(seed);
    const saved = await callTrpcHttp('template.save', { templateId: ids.templateId, baseVersion: 1, body, message: 'astral' }, cookie);
    expect(saved.error?.message).toBeUndefined();
    expect(saved.data).toMatchObject({ version: 2 });
  });

  it('sends typed details for a version conflict, parsed by the shared schema', async () => {
    const res = await callTrpcHttp('template.save', { templateId: ids.templateId, baseVersion: 1, body: `${seed}\n`, message: 'stale' }, cookie);
    expect(res.status).toBe(409);
    const appError = appErrorOf(res.error!.data);
    expect(appError?.appCode).toBe('TEMPLATE_VERSION_CONFLICT');
    if (appError?.appCode !== 'TEMPLATE_VERSION_CONFLICT') throw new Error('unreachable');
    expect(appError.details).toMatchObject({ baseVersion: 1, latestVersion: 2, latestMessage: 'astral', latestAuthor: 'Test admin', latestValid: true });
    expect(appError.details.latestCreatedAt).toBeInstanceOf(Date);
    expect(inputIssuesOf(res.error!.data)).toEqual([]);
  });

  it('sends the issues of an invalid template and no details for a taken name', async () => {
    const invalid = await callTrpcHttp('template.create', { name: 'broken', role: 'other', body: '{"builders": 1}' }, cookie);
    expect(invalid.status).toBe(400);
    const appError = appErrorOf(invalid.error!.data);
    if (appError?.appCode !== 'TEMPLATE_INVALID') throw new Error(`expected TEMPLATE_INVALID, got ${JSON.stringify(invalid.error)}`);
    expect(appError.details.issues[0]).toMatchObject({ code: 'WRONG_TYPE', path: '$.builders' });

    const taken = await callTrpcHttp('template.create', { name: 'bounds-base', role: 'access', body: seed, inputs: seedInputsOnly() }, cookie);
    expect(taken.status).toBe(409);
    expect(appErrorOf(taken.error!.data)).toEqual({ appCode: 'NAME_TAKEN', details: null });
  });
});
