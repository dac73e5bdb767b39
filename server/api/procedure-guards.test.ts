import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { makeActor } from '@/server/testing/actors';
import type { Actor } from '@/server/lib/permissions';
import { appRouter, createCaller } from './root';

// Mutations every signed-in role may call because they only touch the caller's own account.
// Keep this list tiny; each entry needs a reason.
const SELF_SERVICE_MUTATIONS: Record<string, string> = {
  'me.updatePreferences': "a viewer chooses their own language and time zone",
  'me.changePassword': 'everyone changes their own password (the current one is required)',
};
// Queries that are not for every reader.
const ADMIN_QUERIES = ['user.list', 'audit.list', 'audit.facets'];

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>).map(
  ([path, p]) => ({ path, type: p._def.type }),
);

type AnyCaller = Record<string, unknown>;
function callByPath(actor: Actor | null, db: TestDatabase['database']['db'], path: string, input: unknown) {
  const caller = createCaller({ db, actor }) as unknown as AnyCaller;
  const fn = path.split('.').reduce<unknown>((node, key) => (node as AnyCaller)[key], caller) as (i: unknown) => Promise<unknown>;
  return fn(input);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (err) {
    return err instanceof TRPCError ? err.code : `non-tRPC error: ${String(err)}`;
  }
}

describe('every procedure is guarded', () => {
  let t: TestDatabase;
  let viewer: Actor;
  beforeAll(async () => {
    t = await createTestDatabase();
    viewer = await makeActor(t.database.db, 'viewer');
  });
  afterAll(() => t.drop());

  it('finds the procedures of the app router', () => {
    expect(procedures.length).toBeGreaterThan(10);
    expect(procedures.filter((p) => p.type === 'mutation').length).toBeGreaterThan(5);
    for (const path of [...Object.keys(SELF_SERVICE_MUTATIONS), ...ADMIN_QUERIES]) {
      expect(procedures.map((p) => p.path), `${path} is listed here but no longer exists`).toContain(path);
    }
  });

  it.each(procedures)('$path refuses a caller without a session (UNAUTHORIZED)', async ({ path }) => {
    // Garbage input on purpose: the guard must answer before input validation does.
    expect(await codeOf(callByPath(null, t.database.db, path, {}))).toBe('UNAUTHORIZED');
  });

  it.each(procedures.filter((p) => p.type === 'mutation' && !(p.path in SELF_SERVICE_MUTATIONS)))(
    '$path refuses a viewer (FORBIDDEN)',
    async ({ path }) => {
      expect(await codeOf(callByPath(viewer, t.database.db, path, {}))).toBe('FORBIDDEN');
    },
  );

  it.each(ADMIN_QUERIES)('%s refuses a viewer (FORBIDDEN)', async (path) => {
    expect(await codeOf(callByPath(viewer, t.database.db, path, {}))).toBe('FORBIDDEN');
  });

  it('lets a viewer change their own preferences', async () => {
    expect(await codeOf(callByPath(viewer, t.database.db, 'me.updatePreferences', { locale: 'zh-CN' }))).toBe('OK');
  });
});
