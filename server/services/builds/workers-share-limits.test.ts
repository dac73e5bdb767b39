import { eq, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { startBoss } from '@/server/jobs/boss';
import { setBoss } from '@/server/jobs/enqueue';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { spawnGroup, type GroupProcess } from '@/server/testing/processes';
import { worstExcess } from '@/server/testing/rate-windows';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import type { Actor } from '@/server/lib/permissions';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { createTemplate } from '../templates/create-template';
import { accountHash } from './shared-api-budget';
import { startBuild } from './start-build';
import { syncAccountInventory } from '../clouds/sync-account-inventory';
import { setRegionStrategy } from '../regions/region-strategies';

// The done-when test of issue 9: two worker PROCESSES (`npm run worker`) on one fresh PostgreSQL
// database build against a sandbox with tight rate limits; the sandbox's own record of every
// request shows that together they stayed within one account's budget. PGlite is one process's
// database, so this runs on PostgreSQL only.

/** The sandbox's limits at a quarter of the vendors' (EC2 mutate: 12.5 tokens, 1.25/s; describe 25, 5/s); the workers are told the same. */
const SCALE = 0.25;
const AWS_OWNER = '111122223333'; // the sandbox's default AWS account (its id in /_sandbox/calls)
const KEY_ID = 'AKIASANDBOX000000000';

interface Call {
  at: number;
  cloud: 'aws' | 'ucloud';
  account: string;
  region: string;
  cls: 'describe' | 'mutate' | 'copy';
  throttled: boolean;
}
interface Calls {
  budgets: Record<'aws' | 'ucloud', Record<'describe' | 'mutate' | 'copy', { capacity: number; refillPerSecond: number }>>;
  calls: Call[];
}

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 180_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function template(builders: number, extra: Record<string, unknown> = {}) {
  return JSON.stringify(
    {
      variables: { aws_access_key: '{{env `AWS_ACCESS_KEY_ID`}}', aws_secret_key: '{{env `AWS_SECRET_ACCESS_KEY`}}' },
      'sensitive-variables': ['aws_access_key', 'aws_secret_key'],
      builders: Array.from({ length: builders }, (_, i) => ({
        name: `aws-b${i + 1}`,
        type: 'amazon-ebs',
        access_key: '{{user `aws_access_key`}}',
        secret_key: '{{user `aws_secret_key`}}',
        region: 'us-east-1',
        instance_type: 't3.small',
        source_ami: 'ami-0c7217cdde317cfec',
        ssh_username: 'ubuntu',
        ami_name: `budget-b${i + 1}-{{timestamp}}`,
        ...extra,
      })),
      provisioners: [{ type: 'shell', inline: ['echo provisioned on $(hostname)'] }],
    },
    null,
    2,
  );
}

const US_EAST_1 = { cloud: 'aws', region: 'us-east-1' } as const;
const US_WEST_2 = { cloud: 'aws', region: 'us-west-2' } as const;

describe.runIf(TEST_DRIVER === 'postgres')('two worker processes on one database share the account limits', () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let sender: PgBoss | undefined;
  let admin: Actor;
  let accountId: string;
  const workers: GroupProcess[] = [];

  const db = () => t.database.db;
  const spawnWorker = (env: Record<string, string> = {}) => {
    const w = spawnGroup('npx', ['tsx', 'server/jobs/worker-cli.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        WORKER_POLL_SECONDS: '0.5',
        LOG_LEVEL: 'info',
        BUILD_RUNS_AT_ONCE: '8',
        BUILD_POLL_MS: '50',
        BUILD_HOST_TIMEOUT_MS: '60000',
        BUILD_CLEANUP_RETRY_DELAY_MS: '50',
        BUILD_CANCEL_POLL_MS: '200',
        BUILD_API_BUDGET_SCALE: String(SCALE),
        BUILD_RUN_SLOT_RETRY_SECONDS: '1',
        ...env,
      },
    });
    workers.push(w);
    return w;
  };
  const stopWorkers = async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(8_000)));
  };
  /** Which runs a worker process finished, from its own log lines. */
  const runsFinishedBy = (w: GroupProcess) =>
    w
      .output()
      .split('\n')
      .filter((l) => l.includes('build run finished'))
      .map((l) => (JSON.parse(l) as { runId: string }).runId);
  const newTemplate = async (name: string, body: string) => {
    const created = await createTemplate(db(), admin, { name, role: 'access', description: '', body, message: 'first', asDraft: false, attachments: [], inputs: [] });
    expect(created.valid, JSON.stringify(created)).toBe(true);
    return created.id;
  };
  const runsOf = (buildId: string) => db().select().from(tables.buildRuns).where(eq(tables.buildRuns.buildId, buildId));
  const finished = (buildId: string) =>
    until(`the runs of build ${buildId} to finish`, async () => {
      const runs = await runsOf(buildId);
      return runs.every((r) => ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(r.status)) ? runs : null;
    }, 300_000, 250).catch((err: Error) => {
      throw new Error(`${err.message}\n${workers.map((w, i) => `worker ${i}:\n${w.output().slice(-4000)}`).join('\n')}`);
    });
  const sandboxCalls = async (): Promise<Calls> => (await (await fetch(`${sandbox.url}/_sandbox/calls?cloud=aws&account=${AWS_OWNER}`)).json()) as Calls;

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    admin = await makeActor(db(), 'admin');
    accountId = (
      await createCloudAccount(
        db(),
        admin,
        { name: 'tight-aws', cloud: 'aws', environment: 'sandbox', keyId: KEY_ID, secret: 'sandbox-secret-key', endpoint: `${sandbox.url}/ec2`, syncConcurrency: 1, syncIntervalMinutes: 0, enabled: true, imagePageSize: 20 },
        { sync: false, sshPort: sandbox.world.sshPort },
      )
    ).id;
    // Builds are planned from the synced inventory; synced before the limits tighten.
    await syncAccountInventory(db(), { accountId, regions: ['us-east-1', 'us-west-2'], trigger: 'manual' });
    const set = await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ rateLimitScale: SCALE }) });
    expect(set.ok).toBe(true);
    // The "web process": it only sends jobs.
    sender = await startBoss(t.database, { role: 'sender' });
    setBoss(sender);
  }, 120_000);

  afterAll(async () => {
    await stopWorkers();
    await sender?.stop({ graceful: false, wait: true });
    setBoss(undefined);
    await sandbox?.close();
    await t?.drop();
  }, 60_000);

  it('keep the combined call rate within one account budget, measured by the sandbox, and both execute runs', { timeout: 420_000 }, async () => {
    const templateId = await newTemplate('budget-saturate', template(10));
    const [a, b] = [spawnWorker(), spawnWorker()];
    await fetch(`${sandbox.url}/_sandbox/calls`, { method: 'DELETE' });
    const started = await startBuild(db(), admin, { templateId, version: 1, accountIds: [accountId], targets: { regions: [US_EAST_1] } });
    expect(started.runs).toHaveLength(10);
    const runs = await finished(started.buildId);
    for (const run of runs) expect(run.status, `${run.builderName}: ${run.error}`).toBe('succeeded');

    // Both processes executed runs (each says so in its own log).
    const ids = new Set(runs.map((r) => r.id));
    const byA = runsFinishedBy(a!).filter((id) => ids.has(id));
    const byB = runsFinishedBy(b!).filter((id) => ids.has(id));
    expect(byA.length, a!.output().slice(-3000)).toBeGreaterThan(0);
    expect(byB.length, b!.output().slice(-3000)).toBeGreaterThan(0);
    expect(byA.length + byB.length).toBe(10);

    // The sandbox's count, not ours: not one request throttled, and per bucket (region, class)
    // no window held more calls than the budget allows (capacity + refill × window).
    const { budgets, calls } = await sandboxCalls();
    expect(calls.length).toBeGreaterThan(100);
    const throttled = calls.filter((c) => c.throttled);
    expect(throttled, JSON.stringify(throttled.slice(0, 5))).toEqual([]);
    const groups = new Map<string, number[]>();
    for (const c of calls) groups.set(`${c.region} ${c.cls}`, [...(groups.get(`${c.region} ${c.cls}`) ?? []), c.at]);
    const report: string[] = [];
    const peaks = new Map<string, { peak: number; allowed: number }>();
    for (const [key, times] of groups) {
      const spec = budgets.aws[key.split(' ')[1] as Call['cls']];
      expect(worstExcess(times, spec.capacity, spec.refillPerSecond), key).toBeLessThanOrEqual(0);
      // The busiest 10 s, against what the vendor allows in 10 s.
      const sorted = [...times].sort((x, y) => x - y);
      let peak = 0;
      for (let i = 0, j = 0; j < sorted.length; j++) {
        while (sorted[j]! - sorted[i]! > 10_000) i++;
        peak = Math.max(peak, j - i + 1);
      }
      const span = (sorted.at(-1)! - sorted[0]!) / 1000;
      peaks.set(key, { peak, allowed: spec.capacity + spec.refillPerSecond * 10 });
      report.push(`${key}: ${times.length} calls in ${span.toFixed(1)} s (${(times.length / Math.max(span, 1)).toFixed(2)}/s); busiest 10 s: ${peak} of ${spec.capacity + spec.refillPerSecond * 10} allowed`);
    }
    console.log(`[workers-share-limits] sandbox budget ×${SCALE}; calls by bucket:\n  ${report.join('\n  ')}`);
    // The load was enough to matter: 10 runs drove the mutate bucket close to its limit.
    const mutate = peaks.get('us-east-1 mutate')!;
    expect(mutate.peak).toBeGreaterThanOrEqual(0.7 * mutate.allowed);
    // One row per bucket in the database, keyed by the account's hash (never its key id).
    const rows = await db().select().from(tables.apiBudgetBuckets);
    expect(new Set(rows.map((r) => r.accountHash))).toEqual(new Set([accountHash('aws', KEY_ID)]));
  });

  it('run at most the account limit of runs at once across both workers; the others wait queued and say so', { timeout: 420_000 }, async () => {
    await db().update(tables.cloudAccounts).set({ maxConcurrentRuns: 2 }).where(eq(tables.cloudAccounts.id, accountId));
    while (workers.length < 2) spawnWorker();
    const templateId = await newTemplate('budget-limit', template(5));
    const started = await startBuild(db(), admin, { templateId, version: 1, accountIds: [accountId], targets: { regions: [US_EAST_1] } });
    // Sample while it builds: runs marked running, and slots held.
    let peakRunning = 0;
    let peakSlots = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [running] = await db().select({ n: sql<number>`count(*)::int` }).from(tables.buildRuns).where(sql`${tables.buildRuns.buildId} = ${started.buildId} and ${tables.buildRuns.status} = 'running'`);
        const [slots] = await db().select({ n: sql<number>`count(*)::int` }).from(tables.leaseSlots).where(sql`${tables.leaseSlots.kind} = 'account-run' and ${tables.leaseSlots.scope} = ${accountId} and ${tables.leaseSlots.leaseExpiresAt} > now()`);
        peakRunning = Math.max(peakRunning, running!.n);
        peakSlots = Math.max(peakSlots, slots!.n);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const runs = await finished(started.buildId);
    sampling = false;
    await sampler;
    for (const run of runs) expect(run.status, `${run.builderName}: ${run.error}`).toBe('succeeded');
    expect(peakRunning).toBe(2);
    expect(peakSlots).toBeLessThanOrEqual(2);
    // At least one run waited, and its log says why.
    const waited = await db().select().from(tables.buildRunLogs).where(sql`${tables.buildRunLogs.text} = 'waiting for a slot: account tight-aws runs 2 of 2' and ${tables.buildRunLogs.runId} in (select id from build_runs where build_id = ${started.buildId})`);
    expect(waited.length).toBeGreaterThan(0);
    // All slots are given back.
    await until('the slots to be released', async () => {
      const [left] = await db().select({ n: sql<number>`count(*)::int` }).from(tables.leaseSlots).where(eq(tables.leaseSlots.scope, accountId));
      return left!.n === 0;
    }, 10_000);
  });

  it("frees a copy slot held by a killed worker once its lease has passed", { timeout: 240_000 }, async () => {
    await stopWorkers();
    // Copies never finish: the run holds its copy slot until its worker dies.
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ stuckCopies: true }) });
    try {
      const LEASE_MS = 4_000;
      const w = spawnWorker({ BUILD_COPY_SLOT_LEASE_MS: String(LEASE_MS) });
      // us-west-2 builds in us-east-1 and copies: the run copies there.
      await setRegionStrategy(db(), admin, { cloud: 'aws', region: 'us-west-2', mode: 'copy', sourceRegion: 'us-east-1' });
      const templateId = await newTemplate('budget-copy', template(1));
      await startBuild(db(), admin, { templateId, version: 1, accountIds: [accountId], targets: { regions: [US_EAST_1, US_WEST_2] } });
      const scope = `aws/${accountHash('aws', KEY_ID)}/us-west-2`;
      const slotRow = () => db().select().from(tables.leaseSlots).where(sql`${tables.leaseSlots.kind} = 'copy' and ${tables.leaseSlots.scope} = ${scope}`);
      const held = await until('the copy to hold its slot', async () => (await slotRow())[0], 180_000);
      // Renewed while the worker lives.
      await new Promise((r) => setTimeout(r, LEASE_MS));
      const [renewed] = await slotRow();
      expect(renewed!.leaseExpiresAt.getTime()).toBeGreaterThan(held!.leaseExpiresAt.getTime());
      // SIGKILL the worker's whole process group: nothing stops cleanly, nothing renews.
      process.kill(-w.child.pid!, 'SIGKILL');
      await w.exited;
      const killedAt = Date.now();
      const live = async () => Number((await db().select({ n: sql<number>`count(*)::int` }).from(tables.leaseSlots).where(sql`${tables.leaseSlots.scope} = ${scope} and ${tables.leaseSlots.leaseExpiresAt} > now()`))[0]!.n);
      expect(await live()).toBe(1);
      await until('the dead worker’s slot to lapse', async () => (await live()) === 0, LEASE_MS + 5_000, 100);
      const freedAfter = Date.now() - killedAt;
      expect(freedAfter).toBeLessThanOrEqual(LEASE_MS + 1_000);
      // And it is takeable again: a new worker's copy into the region gets it.
      const next = spawnWorker({ BUILD_COPY_SLOT_LEASE_MS: String(LEASE_MS) });
      const again = await newTemplate('budget-copy-2', template(1, { ami_name: 'budget-again-{{timestamp}}' }));
      await startBuild(db(), admin, { templateId: again, version: 1, accountIds: [accountId], targets: { regions: [US_EAST_1, US_WEST_2] } });
      await until('the new worker to hold a copy slot', async () => (await slotRow()).some((r) => r.holder !== held!.holder), 180_000);
      await next.stop(8_000);
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ stuckCopies: false }) });
    }
  });
});
