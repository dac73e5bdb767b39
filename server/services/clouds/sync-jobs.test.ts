import { and, eq, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { startBoss } from '@/server/jobs/boss';
import { setBoss } from '@/server/jobs/enqueue';
import { handleInventorySync } from '@/server/jobs/handlers/inventory';
import { QUEUES } from '@/server/jobs/queues';
import { startWorker, stopWorker } from '@/server/jobs/worker';
import type { Actor } from '@/server/lib/permissions';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []));

describe(`inventory sync jobs tell the truth (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let admin: Actor;
  let sender: PgBoss | undefined;
  let worker: PgBoss | undefined;
  const api = () => createCaller({ db: t.database.db, actor: admin });
  const common = { environment: 'staging', imagePageSize: 100, syncConcurrency: 4, syncIntervalMinutes: 0, enabled: true };

  const bossJobs = async (accountId: string) =>
    rowsOf<{ id: string; state: string; retry_count: number }>(
      await t.database.db.execute(sql`select id, state, retry_count from pgboss.job where name = 'inventory.sync' and data->>'accountId' = ${accountId}`),
    );

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    admin = await makeActor(t.database.db, 'admin');
  });
  afterEach(async () => {
    if (worker) await stopWorker(worker, 5_000);
    worker = undefined;
    if (sender) await sender.stop({ graceful: false, wait: true });
    sender = undefined;
    setBoss(undefined);
  });
  afterAll(async () => {
    await sandbox.close();
    await t.drop();
  });

  async function createAccount(name: string, over: Record<string, unknown> = {}) {
    const { id } = await api().cloudAccount.create({
      ...common,
      name,
      cloud: 'ucloud',
      keyId: 'sandbox-public-key',
      secret: 'sandbox-private-key',
      projectId: 'org-sandbox',
      endpoint: `${sandbox.url}/ucloud`,
      enabled: false, // no first sync: each test queues its own
      ...over,
    } as Parameters<ReturnType<typeof api>['cloudAccount']['create']>[0]);
    if (over.enabled === undefined) await t.database.db.update(tables.cloudAccounts).set({ enabled: true }).where(eq(tables.cloudAccounts.id, id));
    return id;
  }

  it('a sync with wrong keys ends as a failed sync with the vendor’s message, in the account list and its history', async () => {
    worker = await startWorker(t.database, { pollingIntervalSeconds: 0.5 });
    setBoss(worker);
    const id = await createAccount('wrong-keys', { keyId: 'wrong-public-key-9876', secret: 'wrong-private-key-1234' });
    const answer = await api().inventory.syncNow({ accountId: id });
    expect(answer).toEqual({ queued: 1, alreadyRunning: [] });

    const job = await until('the failed sync', async () => {
      const [j] = await api().inventory.jobs({ accountId: id, limit: 5 });
      return j && j.status === 'failed' ? j : null;
    });
    expect(job.errorCode).toBe('CLOUD_AUTH_FAILED');
    // UCloud's own words: action, RetCode 172 (no such public key) and its message.
    expect(job.error).toMatch(/UCloud \w+ failed: \[17[12]\]/);
    expect(job.error).not.toContain('wrong-private-key-1234');
    expect(job.live).toBe(false);
    expect(job.finishedAt).toBeInstanceOf(Date);
    // Wrong keys are not retried: the pg-boss job completed after the failure was recorded.
    // pg-boss marks the job completed just after the handler returned, i.e. after the row above
    // said failed: wait for it to leave "active" before looking at its state.
    const bj = await until('the pg-boss job to finish', async () => {
      const [j] = await bossJobs(id);
      return j && j.state !== 'active' && j.state !== 'created' ? j : null;
    });
    expect(bj).toMatchObject({ state: 'completed', retry_count: 0 });

    const listed = (await api().cloudAccount.list()).find((a) => a.id === id)!;
    expect(listed.lastSync).toMatchObject({ status: 'failed', errorCode: 'CLOUD_AUTH_FAILED', live: false });
    // The scheduler counts the failed attempt as this interval's sync.
    await t.database.db.update(tables.cloudAccounts).set({ syncIntervalMinutes: 60 }).where(eq(tables.cloudAccounts.id, id));
    const { findAccountsDueForSync } = await import('./sync-account-inventory');
    expect(await findAccountsDueForSync(t.database.db)).not.toContain(id);
  });

  it('records a dead endpoint, keys that no longer decrypt and a failing region listing as failed syncs', async () => {
    sender = await startBoss(t.database, { role: 'sender' });
    setBoss(sender);
    const run = async (accountId: string) => {
      const r = await api().inventory.syncNow({ accountId });
      expect(r.queued).toBe(1);
      const [row] = await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.accountId, accountId));
      // The last attempt pg-boss allows: a failure that might pass is recorded, not retried.
      const limit = QUEUES['inventory.sync'].policy.retryLimit;
      await handleInventorySync(t.database.db, { id: row!.bossJobId!, data: { syncJobId: row!.id, accountId, regions: 'all', trigger: 'manual' }, retryCount: limit, retryLimit: limit });
      const [after] = await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.id, row!.id));
      return after!;
    };

    const dead = await createAccount('dead-endpoint', { endpoint: 'http://127.0.0.1:9/ucloud' });
    expect(await run(dead)).toMatchObject({ status: 'failed', errorCode: 'CLOUD_UNREACHABLE', error: expect.stringContaining('NETWORK_ERROR') });

    const sealed = await createAccount('sealed-elsewhere');
    await t.database.db.update(tables.cloudAccounts).set({ secretSealed: 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA' }).where(eq(tables.cloudAccounts.id, sealed));
    expect(await run(sealed)).toMatchObject({ status: 'failed', errorCode: 'SECRET_UNREADABLE', error: expect.stringContaining('CONSOLE_SECRET_KEY') });

    const regions = await createAccount('regions-fail');
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ actions: { 'ucloud:GetRegion': { errorRate: 1, code: '130', message: 'internal error listing regions' } } }) });
    try {
      expect(await run(regions)).toMatchObject({ status: 'failed', errorCode: 'CLOUD_ERROR', error: expect.stringContaining('internal error listing regions') });
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }

    // With retries left, a failure that may pass waits for pg-boss's retry as queued (one active sync still).
    const flaky = await createAccount('flaky-endpoint', { endpoint: 'http://127.0.0.1:9/ucloud' });
    await api().inventory.syncNow({ accountId: flaky });
    const [row] = await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.accountId, flaky));
    await expect(
      handleInventorySync(t.database.db, { id: row!.bossJobId!, data: { syncJobId: row!.id, accountId: flaky, regions: 'all', trigger: 'manual' }, retryCount: 0, retryLimit: 2 }),
    ).rejects.toThrow(/CLOUD_UNREACHABLE/);
    const [waiting] = await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.id, row!.id));
    expect(waiting).toMatchObject({ status: 'queued', errorCode: 'CLOUD_UNREACHABLE' });
    expect((await api().inventory.syncNow({ accountId: flaky })).alreadyRunning).toHaveLength(1);
  });

  it('30 concurrent "Sync now" requests queue one job; the others are told it is already running', async () => {
    sender = await startBoss(t.database, { role: 'sender' });
    setBoss(sender);
    const id = await createAccount('clicked-30-times');
    const answers = await Promise.all(Array.from({ length: 30 }, () => api().inventory.syncNow({ accountId: id })));
    expect(answers.reduce((n, a) => n + a.queued, 0)).toBe(1);
    expect(answers.filter((a) => a.alreadyRunning.length === 1)).toHaveLength(29);
    expect(answers.find((a) => a.alreadyRunning.length)!.alreadyRunning[0]).toMatchObject({ accountId: id, accountName: 'clicked-30-times', status: 'queued' });
    expect(await bossJobs(id)).toHaveLength(1);
    const rows = await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.accountId, id));
    expect(rows).toHaveLength(1);
    // "Sync all" skips it too, and so does the schedule.
    const all = await api().inventory.syncNow({});
    expect(all.alreadyRunning.map((a) => a.accountId)).toContain(id);
    expect(await bossJobs(id)).toHaveLength(1);
  });

  it('a sync left running by a killed worker is marked interrupted when a worker starts, and retried', async () => {
    sender = await startBoss(t.database, { role: 'sender' });
    setBoss(sender);
    // Earlier tests left waiting jobs behind; this one wants the queue to itself.
    await t.database.db.execute(sql`delete from pgboss.job where name = 'inventory.sync'`);
    await t.database.db.update(tables.inventorySyncJobs).set({ status: 'failed' }).where(sql`status in ('queued', 'running')`);
    const id = await createAccount('killed-mid-sync');
    await api().inventory.syncNow({ accountId: id, region: 'cn-bj2' });
    // The dead worker: it took the pg-boss job and marked the row running, then vanished (kill -9).
    const [taken] = await sender.fetch('inventory.sync', { includeMetadata: true, batchSize: 10 });
    expect(taken?.data).toMatchObject({ accountId: id });
    const [row] = await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.accountId, id));
    await t.database.db
      .update(tables.inventorySyncJobs)
      .set({ status: 'running', startedAt: sql`now() - interval '5 minutes'`, heartbeatAt: sql`now() - interval '4 minutes'` })
      .where(eq(tables.inventorySyncJobs.id, row!.id));
    await t.database.db.insert(tables.cloudRegions).values({ accountId: id, cloud: 'ucloud', region: 'cn-bj2', name: 'North China (Beijing 2)' });
    await t.database.db.insert(tables.inventorySyncs).values({ accountId: id, jobId: row!.id, region: 'cn-bj2', trigger: 'manual', status: 'running', pageSize: 100, updatedAt: sql`now() - interval '4 minutes'` });

    // Before any worker looks at it: the stale row is not "running" for the UI, nor does it block a click.
    const before = (await api().cloudAccount.list()).find((a) => a.id === id)!;
    expect(before.lastSync).toMatchObject({ status: 'running', live: false });
    const region = (await api().inventory.regions()).find((r) => r.accountId === id && r.region === 'cn-bj2');
    expect(region?.lastSync).toMatchObject({ status: 'running', live: false });

    await sender.stop({ graceful: false, wait: true });
    sender = undefined;
    worker = await startWorker(t.database, { pollingIntervalSeconds: 0.5 });
    setBoss(worker);
    // One worker start is enough: no waiting for pg-boss's expiry.
    const [marked] = await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.id, row!.id));
    expect(marked).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED' });
    const [regionRow] = await t.database.db.select().from(tables.inventorySyncs).where(and(eq(tables.inventorySyncs.jobId, row!.id), eq(tables.inventorySyncs.region, 'cn-bj2')));
    expect(regionRow?.status).toBe('interrupted');
    const [retrying] = await bossJobs(id);
    // pg-boss counts the retry when it starts it; it waits out the queue's retry delay first.
    expect(retrying).toMatchObject({ state: 'retry', retry_count: 0 });
    const [delay] = rowsOf<{ s: number }>(await t.database.db.execute(sql`select extract(epoch from start_after - now())::int as s from pgboss.job where id = ${retrying!.id}`));
    expect(Number(delay!.s)).toBeGreaterThanOrEqual(QUEUES['inventory.sync'].policy.retryDelay / 2);

    // The retry per policy (30 s later, with backoff); brought forward here, it takes the row up again.
    await t.database.db.execute(sql`update pgboss.job set start_after = now() where id = ${retrying!.id}`);
    const done = await until('the retried sync', async () => {
      const [r] = await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.id, row!.id));
      return r?.status === 'succeeded' ? r : null;
    });
    expect(done.attempt).toBe(2);
    const [history] = await api().inventory.jobs({ accountId: id, limit: 5 });
    expect(history?.totals).toMatchObject({ regions: 2, failed: 1 }); // the interrupted region row and the retried one
    expect(history!.totals.seen).toBeGreaterThan(0);
  });

  it.runIf(TEST_DRIVER === 'pglite')('on PGlite a worker start interrupts every running sync, however fresh its heartbeat', async () => {
    const id = await createAccount('pglite-restart');
    const [row] = await t.database.db
      .insert(tables.inventorySyncJobs)
      .values({ accountId: id, trigger: 'manual', regions: 'all', status: 'running', heartbeatAt: sql`now()`, startedAt: sql`now()` })
      .returning();
    worker = await startWorker(t.database, { pollingIntervalSeconds: 0.5 });
    const [after] = await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.id, row!.id));
    expect(after?.status).toBe('interrupted');
  });

  it('lists accounts by cloud and name; the sandbox badge follows the endpoint', async () => {
    sender = await startBoss(t.database, { role: 'sender' });
    setBoss(sender);
    await createAccount('Zeta-aws', { cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', projectId: undefined, endpoint: `${sandbox.url}/ec2` });
    await createAccount('alpha-aws-real', { cloud: 'aws', keyId: 'AKIAREALREALREAL0000', secret: 'x', projectId: undefined, endpoint: undefined });
    const list = await api().cloudAccount.list();
    const order = list.map((a) => `${a.cloud}/${a.name.toLowerCase()}`);
    expect(order).toEqual([...order].sort());
    expect(list[0]!.cloud).toBe('aws');
    const byName = new Map(list.map((a) => [a.name, a]));
    expect(byName.get('Zeta-aws')!.sandbox).toBe(true);
    expect(byName.get('alpha-aws-real')!.sandbox).toBe(false);
    // Pointing an account elsewhere drops the badge; pointing it at the sandbox adds it.
    await api().cloudAccount.update({ id: byName.get('Zeta-aws')!.id, cloud: 'aws', endpoint: 'https://ec2.us-east-1.amazonaws.com' });
    await api().cloudAccount.update({ id: byName.get('alpha-aws-real')!.id, cloud: 'aws', endpoint: `${sandbox.url}/ec2` });
    const again = new Map((await api().cloudAccount.list()).map((a) => [a.name, a]));
    expect(again.get('Zeta-aws')!.sandbox).toBe(false);
    expect(again.get('alpha-aws-real')!.sandbox).toBe(true);
  });

  it('tests unsaved credentials before saving, storing nothing', async () => {
    const count = async () => (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(tables.cloudAccounts))[0]!.n;
    const n = await count();
    const base = { cloud: 'ucloud' as const, projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` };
    expect(await api().cloudAccount.testDraft({ ...base, keyId: 'sandbox-public-key', secret: 'sandbox-private-key' })).toMatchObject({ ok: true, regions: expect.any(Number) });
    const wrong = await api().cloudAccount.testDraft({ ...base, keyId: 'sandbox-public-key', secret: 'not-the-private-key' });
    expect(wrong).toMatchObject({ ok: false, errorCode: 'CLOUD_AUTH_FAILED', error: expect.stringContaining('[171]') });
    expect(JSON.stringify(wrong)).not.toContain('not-the-private-key');
    // Editing without new keys: the stored keys with the endpoint typed in the form.
    const id = await createAccount('draft-edit', { enabled: false });
    expect(await api().cloudAccount.testDraft({ id, cloud: 'ucloud', projectId: 'org-sandbox', endpoint: 'http://127.0.0.1:9/ucloud' })).toMatchObject({ ok: false, errorCode: 'CLOUD_UNREACHABLE' });
    expect(await count()).toBe(n + 1);
    await expect(api().cloudAccount.testDraft({ cloud: 'aws' })).rejects.toThrow();
  });
});
