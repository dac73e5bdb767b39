import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { API_BUDGETS, ApiBudget } from '@/server/engine/scheduler/api-budget';
import { DEFAULT_THROTTLE_POLICY } from '@/server/engine/scheduler/bucket-math';
import { makeActor } from '@/server/testing/actors';
import { worstExcess } from '@/server/testing/rate-windows';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { takeAccountRunSlot } from './account-run-slot';
import { tryTakeSlot } from './lease-slots';
import { accountHash, DbBudgetStore, leaseSize, sharedModel } from './shared-api-budget';

// Two stores over one database stand for two workers here (one process); the two-process test
// is worker-budget.test.ts.
const TIGHT = { capacity: 6, refillPerSecond: 4 };
const budgets = { aws: { ...API_BUDGETS.aws, mutate: TIGHT }, ucloud: API_BUDGETS.ucloud };

describe(`the API budget shared through the database (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('models the shared bucket a lease smaller and hands out small leases', () => {
    const model = { ...TIGHT, policy: DEFAULT_THROTTLE_POLICY };
    expect(sharedModel(model, 1_000).capacity).toBe(2); // 6 − 4/s × 1 s
    expect(sharedModel({ ...model, capacity: 50, refillPerSecond: 5 }, 1_000, 1_000).capacity).toBe(40); // 50 − 5/s × (1 s + 1 s)
    expect(sharedModel({ ...model, capacity: 2 }, 1_000).capacity).toBe(1); // never below one token
    const describe = { capacity: 100, refillPerSecond: 20, policy: DEFAULT_THROTTLE_POLICY };
    expect(leaseSize(describe, 80, 1, 1_000)).toBe(6); // one wanted + a quarter of a second's refill
    expect(leaseSize(describe, 30, 1, 1_000)).toBe(1); // a low bucket: no surplus
    expect(leaseSize(describe, 80, 12, 1_000)).toBe(17);
  });

  it('two workers taking at once stay together within one bucket, measured per window', { timeout: 30_000 }, async () => {
    const a = new ApiBudget({ budgets, store: new DbBudgetStore(t.database.db, { jitterMs: 0 }) });
    const b = new ApiBudget({ budgets, store: new DbBudgetStore(t.database.db, { jitterMs: 0 }) });
    const grants: { who: 'a' | 'b'; at: number }[] = [];
    const start = Date.now();
    const takeFrom = (who: 'a' | 'b', budget: ApiBudget) =>
      Array.from({ length: 12 }, () => budget.take('aws', 'AKIA-ONE', 'us-east-1', 'mutate').then(() => grants.push({ who, at: Date.now() })));
    await Promise.all([...takeFrom('a', a), ...takeFrom('b', b)]);
    const elapsed = Date.now() - start;
    expect(grants).toHaveLength(24);
    expect(new Set(grants.map((g) => g.who))).toEqual(new Set(['a', 'b']));
    // 24 calls, a shared bucket of 2 (6 − one lease's refill) refilling 4/s: at least 5.5 s.
    expect(elapsed).toBeGreaterThanOrEqual(5_000);
    expect(worstExcess(grants.map((g) => g.at), TIGHT.capacity, TIGHT.refillPerSecond)).toBeLessThanOrEqual(0);
    // Another account's bucket is another row, untouched.
    const rows = await t.database.db.select().from(tables.apiBudgetBuckets);
    expect(rows.map((r) => [r.cloud, r.accountHash, r.region, r.actionClass])).toEqual([['aws', accountHash('aws', 'AKIA-ONE'), 'us-east-1', 'mutate']]);
    expect(JSON.stringify(rows)).not.toContain('AKIA-ONE');
  });

  it('a throttle seen by one worker slows the bucket for the other', async () => {
    const a = new ApiBudget({ budgets, store: new DbBudgetStore(t.database.db) });
    const b = new ApiBudget({ budgets, store: new DbBudgetStore(t.database.db) });
    await b.take('aws', 'AKIA-TWO', 'eu-west-1', 'mutate');
    expect(b.rate('aws', 'AKIA-TWO', 'eu-west-1', 'mutate')).toBe(4);
    a.throttled('aws', 'AKIA-TWO', 'eu-west-1', 'mutate');
    const b2 = tables.apiBudgetBuckets;
    const where = and(eq(b2.accountHash, accountHash('aws', 'AKIA-TWO')), eq(b2.region, 'eu-west-1'));
    for (let i = 0; i < 50; i++) {
      const [row] = await t.database.db.select().from(b2).where(where);
      if (row?.slowedRate) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const [row] = await t.database.db.select().from(b2).where(where);
    expect(row).toMatchObject({ slowedRate: 2, tokens: 0 });
    // The other worker's next lease (after what it leased before has lapsed) carries the slowed rate.
    await new Promise((r) => setTimeout(r, 1_100));
    await b.take('aws', 'AKIA-TWO', 'eu-west-1', 'mutate');
    expect(b.rate('aws', 'AKIA-TWO', 'eu-west-1', 'mutate')).toBe(2);
  });

  it('copy slots are shared: the second worker waits for the first to release', async () => {
    const store = (ms = 100) => new DbBudgetStore(t.database.db, { copySlotPollMs: ms });
    const a = new ApiBudget({ copySlots: { aws: 2, ucloud: 1 }, store: store() });
    const b = new ApiBudget({ copySlots: { aws: 2, ucloud: 1 }, store: store() });
    const r1 = await a.acquireCopySlot('aws', 'AKIA-ONE', 'ap-south-1');
    await a.acquireCopySlot('aws', 'AKIA-ONE', 'ap-south-1');
    expect(a.copySlotsInUse('aws', 'AKIA-ONE', 'ap-south-1')).toBe(2);
    let got = false;
    const waiting = b.acquireCopySlot('aws', 'AKIA-ONE', 'ap-south-1').then((release) => ((got = true), release));
    await new Promise((r) => setTimeout(r, 400));
    expect(got).toBe(false);
    // Another region of the same account is not affected.
    (await b.acquireCopySlot('aws', 'AKIA-ONE', 'ap-east-1'))();
    r1();
    const release = await waiting;
    expect(b.copySlotsInUse('aws', 'AKIA-ONE', 'ap-south-1')).toBe(1);
    release();
    // An aborted wait gives up with the signal's reason.
    const c = new ApiBudget({ copySlots: { aws: 1, ucloud: 1 }, store: store() });
    const held = await c.acquireCopySlot('aws', 'AKIA-ONE', 'sa-east-1');
    const abort = new AbortController();
    const aborted = c.acquireCopySlot('aws', 'AKIA-ONE', 'sa-east-1', abort.signal);
    abort.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    held();
  });

  it("a dead holder's slot stops counting once its lease has passed", async () => {
    const scope = `aws/${accountHash('aws', 'AKIA-DEAD')}/us-west-2`;
    // A worker that took the only slot and died: nobody renews it.
    expect(await tryTakeSlot(t.database.db, { kind: 'copy', scope, limit: 1 }, 'dead-worker', 600)).toHaveProperty('id');
    expect(await tryTakeSlot(t.database.db, { kind: 'copy', scope, limit: 1 }, 'me', 600)).toEqual({ inUse: 1 });
    const b = new ApiBudget({ copySlots: { aws: 1, ucloud: 1 }, store: new DbBudgetStore(t.database.db, { copySlotPollMs: 100, copySlotLeaseMs: 600 }) });
    const start = Date.now();
    const release = await b.acquireCopySlot('aws', 'AKIA-DEAD', 'us-west-2');
    expect(Date.now() - start).toBeGreaterThanOrEqual(400);
    const rows = await t.database.db.select().from(tables.leaseSlots).where(eq(tables.leaseSlots.scope, scope));
    expect(rows.map((r) => r.holder)).not.toContain('dead-worker');
    // A held slot is renewed: well past its lease, it still counts.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await tryTakeSlot(t.database.db, { kind: 'copy', scope, limit: 1 }, 'me', 600)).toEqual({ inUse: 1 });
    release();
    await new Promise((r) => setTimeout(r, 100));
    expect(await tryTakeSlot(t.database.db, { kind: 'copy', scope, limit: 1 }, 'me', 600)).toHaveProperty('id');
  });

  /** An AWS account limited to `max` runs at once, and queued runs of one build on it. */
  async function limitedAccount(name: string, max: number, runCount: number) {
    const db = t.database.db;
    const admin = await makeActor(db, 'admin');
    const account = await createCloudAccount(db, admin, { name, cloud: 'aws', environment: 'test', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: 'http://127.0.0.1:9/ec2', syncConcurrency: 1, syncIntervalMinutes: 0, enabled: true, imagePageSize: 20 }, { sync: false });
    await db.update(tables.cloudAccounts).set({ maxConcurrentRuns: max }).where(eq(tables.cloudAccounts.id, account.id));
    const [template] = await db.insert(tables.templates).values({ name: `${name}-test`, role: 'access', createdBy: admin.id }).returning();
    const [build] = await db
      .insert(tables.builds)
      .values({ templateId: template!.id, templateVersion: 1, bodySha256: '0'.repeat(64), options: { parallelism: 0, failFast: false }, requestedBy: admin.id })
      .returning();
    const runs = await db
      .insert(tables.buildRuns)
      .values(Array.from({ length: runCount }, (_, i) => ({ buildId: build!.id, builderName: `b${i + 1}`, cloud: 'aws' as const, region: 'us-east-1', cloudAccountId: account.id })))
      .returning();
    return { account, runs };
  }

  it('an account runs at most its limit of runs; the next waits with a line in its log', async () => {
    const db = t.database.db;
    const { account, runs } = await limitedAccount('limited', 2, 3);
    const s1 = await takeAccountRunSlot(db, runs[0]!.id);
    const s2 = await takeAccountRunSlot(db, runs[1]!.id);
    expect([s1.kind, s2.kind]).toEqual(['held', 'held']);
    const s3 = await takeAccountRunSlot(db, runs[2]!.id);
    expect(s3).toEqual({ kind: 'waiting', message: 'waiting for a slot: account limited runs 2 of 2' });
    expect((await takeAccountRunSlot(db, runs[2]!.id)).kind).toBe('waiting');
    const logs = await db.select().from(tables.buildRunLogs).where(eq(tables.buildRunLogs.runId, runs[2]!.id));
    expect(logs.map((l) => [l.seq, l.text])).toEqual([[1, 'waiting for a slot: account limited runs 2 of 2']]); // once, not per look
    if (s1.kind === 'held') s1.release();
    for (let i = 0; i < 50 && (await db.select({ n: sql<number>`count(*)::int` }).from(tables.leaseSlots).where(eq(tables.leaseSlots.scope, account.id)))[0]!.n > 1; i++) await new Promise((r) => setTimeout(r, 20));
    const s4 = await takeAccountRunSlot(db, runs[2]!.id);
    expect(s4.kind).toBe('held');
    // A run no longer queued (cancelled, or already running) needs no slot.
    await db.update(tables.buildRuns).set({ status: 'cancelled' }).where(eq(tables.buildRuns.id, runs[0]!.id));
    expect(await takeAccountRunSlot(db, runs[0]!.id)).toEqual({ kind: 'none' });
    if (s2.kind === 'held') s2.release();
    if (s4.kind === 'held') s4.release();
  });

  it('a freed slot goes to the run that waited longest, unless it stopped asking', async () => {
    const db = t.database.db;
    const { account, runs } = await limitedAccount('fair', 1, 4);
    const [a, b, c, d] = runs;
    const slotsOfAccount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(tables.leaseSlots).where(eq(tables.leaseSlots.scope, account.id)))[0]!.n;
    const released = async () => {
      for (let i = 0; i < 50 && (await slotsOfAccount()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    };

    const held = await takeAccountRunSlot(db, a!.id);
    expect(held.kind).toBe('held');
    expect((await takeAccountRunSlot(db, b!.id)).kind).toBe('waiting'); // b waits from now
    if (held.kind === 'held') held.release();
    await released();
    // c asks first after the slot is freed (a new build's run asks at once), but b has waited longer.
    expect(await takeAccountRunSlot(db, c!.id)).toEqual({ kind: 'waiting', message: 'waiting for a slot: account fair runs 0 of 1; runs that waited longer go first' });
    const bHeld = await takeAccountRunSlot(db, b!.id);
    expect(bHeld.kind).toBe('held');
    const [bRow] = await db.select().from(tables.buildRuns).where(eq(tables.buildRuns.id, b!.id));
    expect(bRow!.slotWaitSince).toBeNull();
    if (bHeld.kind === 'held') bHeld.release();
    await released();

    // c now waits longest; d asks and must leave the slot to c — until c stops asking (its job is gone).
    expect((await takeAccountRunSlot(db, d!.id)).kind).toBe('waiting');
    await db.update(tables.buildRuns).set({ slotAskedAt: sql`now() - interval '10 minutes'` }).where(eq(tables.buildRuns.id, c!.id));
    const dHeld = await takeAccountRunSlot(db, d!.id);
    expect(dHeld.kind).toBe('held');
    if (dHeld.kind === 'held') dHeld.release();
  });
});
