import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { SEED_DIR, sandboxResources } from '@/server/engine/builders/testing/fixtures';
import { startBoss } from '@/server/jobs/boss';
import { setBoss } from '@/server/jobs/enqueue';
import { startWorker, stopWorker } from '@/server/jobs/worker';
import { AppError } from '@/server/lib/errors';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { groupAlive, spawnGroup, type GroupProcess } from '@/server/testing/processes';
import { seedTemplateFiles } from '@/server/testing/seed-template';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { syncAccountInventory } from '../clouds/sync-account-inventory';
import { createTemplate } from '../templates/create-template';
import { setRegionStrategy } from '../regions/region-strategies';
import { storeTemplateBlob } from '../templates/template-attachments';
import { reapBuildRuns } from './reap-runs';
import { retryBuild, retryRun } from './retry-build';
import { runBuildRun, type BuildEngineSettings } from './run-build';
import { startBuild } from './start-build';
import { sweepBuildRuns } from './sweep-runs';

const RELEASE = 'release/rome-access-2.3.1-linux-amd64.tar.gz';
const FINAL = ['succeeded', 'failed', 'cancelled', 'interrupted'];

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const faults = (url: string, body?: object) => fetch(`${url}/_sandbox/faults`, body ? { method: 'POST', body: JSON.stringify(body) } : { method: 'DELETE' });

/** A sandbox, two accounts (the sandbox's SSH port on them, as the console's sandbox accounts) and the seeded access template. */
async function setUp(t: TestDatabase, sandbox: SandboxCloud) {
  const db = t.database.db;
  const admin = await makeActor(db, 'admin');
  const common = { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true, imagePageSize: 20 };
  const opts = { sync: false, sshPort: sandbox.world.sshPort };
  const accountIds = [
    (await createCloudAccount(db, admin, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` }, opts)).id,
    (await createCloudAccount(db, admin, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${sandbox.url}/ec2` }, opts)).id,
  ];
  const seed = await seedTemplateFiles(db, 'rome-access');
  const created = await createTemplate(db, admin, { name: 'crash-access', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs });
  const releaseSha = (await storeTemplateBlob(db, admin, readFileSync(join(SEED_DIR, 'rome-access', 'inputs', RELEASE)))).sha256;
  // A build is planned from the synced inventory: the regions it builds in (or copies to) must be synced.
  await syncAccountInventory(db, { accountId: accountIds[0]!, regions: ['cn-bj2'], trigger: 'manual' });
  await syncAccountInventory(db, { accountId: accountIds[1]!, regions: ['us-east-1', 'us-west-2', 'eu-west-1'], trigger: 'manual' });
  return { admin, accountIds, templateId: created.id, releaseSha, seedBody: seed.body };
}

function helpers(t: TestDatabase, sandbox: SandboxCloud) {
  const db = () => t.database.db;
  const runsOf = (buildId: string) => db().select().from(tables.buildRuns).where(eq(tables.buildRuns.buildId, buildId)).orderBy(asc(tables.buildRuns.builderName));
  const runOf = async (runId: string) => (await db().select().from(tables.buildRuns).where(eq(tables.buildRuns.id, runId)))[0]!;
  const ledgerOf = (runId: string) => db().select().from(tables.buildResources).where(eq(tables.buildResources.runId, runId));
  const logsOf = (runId: string) => db().select().from(tables.buildRunLogs).where(eq(tables.buildRunLogs.runId, runId)).orderBy(asc(tables.buildRunLogs.seq));
  const finished = (buildId: string, timeoutMs?: number) =>
    until(`the runs of ${buildId} to finish`, async () => {
      const runs = await runsOf(buildId);
      return runs.every((r) => FINAL.includes(r.status)) ? runs : null;
    }, timeoutMs);
  /** What the sandbox holds of a run: resources tagged or named with any of its tags, or listed in its ledger (snapshots go with their AMI). */
  const leftInSandbox = async (runId: string) => {
    const ledger = await ledgerOf(runId);
    const ids = new Set(ledger.filter((r) => !r.kept).map((r) => r.resourceId));
    const tags = [...new Set(ledger.map((r) => r.runTag))];
    return (await sandboxResources(sandbox.url)).filter((r) => r.kind !== 'snapshot' && (ids.has(r.id) || tags.some((tag) => JSON.stringify(r).includes(tag))));
  };
  return { db, runsOf, runOf, ledgerOf, logsOf, finished, leftInSandbox };
}

const FAST: BuildEngineSettings = { timing: { pollMs: 50, hostTimeoutMs: 30_000 }, cleanupRetryDelayMs: 50, cancelPollMs: 200 };

// The seeded builders' own regions: each target's run keeps its template builder's name.
const UCLOUD_HOME = { cloud: 'ucloud', region: 'cn-bj2' } as const;
const AWS_HOME = { cloud: 'aws', region: 'us-east-1' } as const;

describe(`crash safety, the sweeper and retry (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let boss: PgBoss | undefined;
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let h: ReturnType<typeof helpers>;

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    ctx = await setUp(t, sandbox);
    h = helpers(t, sandbox);
  }, 60_000);
  afterAll(async () => {
    if (boss) await stopWorker(boss, 5_000);
    setBoss(undefined);
    await sandbox?.close();
    await t?.drop();
  });

  const start = (over: Partial<Parameters<typeof startBuild>[2]> = {}) =>
    startBuild(h.db(), ctx.admin, { templateId: ctx.templateId, version: 1, accountIds: ctx.accountIds, targets: { regions: [UCLOUD_HOME, AWS_HOME] }, inputs: [{ path: RELEASE, sha256: ctx.releaseSha }], ...over });

  const ensureWorker = async () => {
    if (boss) return;
    boss = await startWorker(t.database, { pollingIntervalSeconds: 0.5, build: FAST });
    setBoss(boss);
  };

  it('a running run without a heartbeat is marked interrupted, and the sweeper deletes what it left (ledger and cloud tags)', { timeout: 180_000 }, async () => {
    // Queue only (no worker here): the run is executed below without any heartbeat, like a
    // run whose worker died; its images never become available, so it sits mid-way.
    boss = await startBoss(t.database, { role: 'sender' });
    setBoss(boss);
    await faults(sandbox.url, { stuckImages: true });
    const started = await start({ targets: { regions: [AWS_HOME] } });
    const runId = started.runs[0]!.runId;
    const engine = new AbortController();
    const running = runBuildRun(h.db(), runId, FAST, engine.signal);
    try {
      await until('the run to wait for its image', async () => (await h.runOf(runId)).currentStep === 'wait-image');
      // A host created a moment before the kill, whose ledger row was never written: only the cloud's tags know it.
      const [hostRow] = (await h.ledgerOf(runId)).filter((r) => r.kind === 'host');
      expect(hostRow).toBeDefined();
      await h.db().delete(tables.buildResources).where(eq(tables.buildResources.id, hostRow!.id));
      const runTag = (await h.runOf(runId)).runTag!;
      expect((await sandboxResources(sandbox.url)).some((r) => r.id === hostRow!.resourceId)).toBe(true);

      await new Promise((r) => setTimeout(r, 1_500));
      const reaped = await reapBuildRuns(h.db(), boss, { staleAfterSeconds: 1 });
      expect(reaped.map((r) => r.runId)).toEqual([runId]);
      const run = await h.runOf(runId);
      expect(run).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED' });
      expect(run.error).toMatch(/no heartbeat for 1 s/);
      const [build] = await h.db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
      expect(build!.status).toBe('failed');
      expect((await h.logsOf(runId)).at(-1)?.text).toMatch(/^==> The worker running this run stopped responding .* The run is interrupted\. The sweeper deletes .*; Retry runs it again\.$/);
      // The reaper queued the sweep of this run.
      const [sweepJob] = await boss.fetch('build.sweep');
      expect(sweepJob?.data).toMatchObject({ runIds: [runId], reason: 'reaped' });
      await boss.complete('build.sweep', sweepJob!.id);

      const [swept] = await sweepBuildRuns(h.db(), { runIds: [runId], pollMs: 50, hostTimeoutMs: 30_000 });
      expect(swept!.failed).toEqual([]);
      expect(swept!.deleted.map((d) => d.kind).sort()).toEqual(['firewall', 'host', 'image', 'keypair']);
      expect(swept!.deleted.every((d) => d.runTag === runTag)).toBe(true);
      expect(await h.leftInSandbox(runId)).toEqual([]);
      expect((await sandboxResources(sandbox.url)).some((r) => r.id === hostRow!.resourceId && r.kind !== 'snapshot' && !/terminated/.test(JSON.stringify(r)))).toBe(false);
      // Every deletion is in the ledger (the host's row written by the sweeper), in the run's log and in the audit log.
      const ledger = await h.ledgerOf(runId);
      expect(ledger.every((r) => r.deletedAt)).toBe(true);
      expect(ledger.some((r) => r.kind === 'host' && r.resourceId === hostRow!.resourceId)).toBe(true);
      const logs = (await h.logsOf(runId)).map((l) => l.text);
      expect(logs).toContain(`==> Sweeper: deleted host ${hostRow!.resourceId} in us-east-1 (left by ${runTag})`);
      expect(logs.some((l) => /^==> Sweeper: nothing this run created is left/.test(l))).toBe(true);
      const audit = await h.db().select().from(tables.auditLog).where(and(eq(tables.auditLog.targetId, started.buildId), eq(tables.auditLog.action, 'build.sweep')));
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorId: null, targetType: 'build', details: { runId } });
      expect((await h.runOf(runId)).sweptAt).not.toBeNull();
      // A second sweep has nothing to do.
      expect(await sweepBuildRuns(h.db(), { runIds: [runId] })).toEqual([]);
    } finally {
      engine.abort(new Error('test over'));
      await running;
      await faults(sandbox.url);
      await boss.stop({ graceful: false, wait: true });
      setBoss(undefined);
      boss = undefined;
    }
  });

  it('a run whose job expired under a worker that still beats, and a queued run whose job is gone, end interrupted', { timeout: 60_000 }, async () => {
    const sender = await startBoss(t.database, { role: 'sender' });
    setBoss(sender);
    try {
      const r = tables.buildRuns;
      const hung = (await start({ targets: { regions: [AWS_HOME] } })).runs[0]!.runId;
      const lost = (await start({ targets: { regions: [UCLOUD_HOME] } })).runs[0]!.runId;
      // A worker took the first job 20 minutes ago and still beats, but pg-boss expired its job.
      const [job] = await sender.fetch('build.run');
      expect(job?.data).toMatchObject({ runId: hung });
      await sender.fail('build.run', job!.id, { message: 'job expired' });
      // The second run's job vanished from the queue.
      await sender.deleteJob('build.run', (await h.runOf(lost)).bossJobId!);
      await new Promise((res) => setTimeout(res, 1_500));
      await h.db().update(r).set({ status: 'running', startedAt: new Date(Date.now() - 20 * 60_000), heartbeatAt: new Date() }).where(eq(r.id, hung));

      const reaped = await reapBuildRuns(h.db(), sender, { staleAfterSeconds: 1 });
      expect(reaped.map((x) => x.runId).sort()).toEqual([hung, lost].sort());
      expect(await h.runOf(hung)).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED', error: expect.stringMatching(/expired or failed in the queue/) });
      expect(await h.runOf(lost)).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED', error: expect.stringMatching(/gone from the queue/) });
      expect((await h.logsOf(lost)).map((l) => l.text)).toEqual([expect.stringMatching(/^==> The job of this run is gone from the queue.* Retry runs it again\.$/)]);
      // Nothing else: a fresh running run with its job active is not touched.
      expect(await reapBuildRuns(h.db(), sender, { staleAfterSeconds: 1 })).toEqual([]);
    } finally {
      await sender.stop({ graceful: false, wait: true });
      setBoss(undefined);
    }
  });

  it('Retry reruns only the failed run, as a new attempt after the earlier one in the same log', { timeout: 240_000 }, async () => {
    await ensureWorker();
    // The AWS run fails at its first call that creates a host; the UCloud run succeeds.
    await faults(sandbox.url, { actions: { 'ec2:RunInstances': { code: 'UnauthorizedOperation', message: 'not allowed by the test', times: 1 } } });
    const started = await start();
    const first = await h.finished(started.buildId);
    await faults(sandbox.url);
    const [aws1, ucloud1] = first;
    expect(aws1!.status).toBe('failed');
    expect(ucloud1!.status).toBe('succeeded');
    const failedLines = (await h.logsOf(aws1!.id)).length;

    const viewer = await makeActor(h.db(), 'viewer');
    // What the Builds pages read to offer Retry per run.
    const read = await createCaller({ db: h.db(), actor: viewer }).build.get({ buildId: started.buildId });
    expect(read.runs.map((r) => [r.builderName, r.retry]).sort()).toEqual([['aws-us-east-1', 'build'], ['ucloud-cn-bj2', null]]);
    await expect(createCaller({ db: h.db(), actor: viewer }).build.retry({ buildId: started.buildId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const retried = await createCaller({ db: h.db(), actor: ctx.admin }).build.retry({ buildId: started.buildId });
    expect(retried.runs).toEqual([{ runId: aws1!.id, builderName: 'aws-us-east-1', mode: 'build' }]);
    const [aws2, ucloud2] = await h.finished(started.buildId);
    expect(aws2).toMatchObject({ status: 'succeeded', attempt: 2, errorCode: null });
    expect(aws2!.runTag).not.toBe(aws1!.runTag);
    // The UCloud run was not touched.
    expect(ucloud2).toMatchObject({ status: 'succeeded', attempt: 1, runTag: ucloud1!.runTag, artifact: ucloud1!.artifact });
    expect(ucloud2!.finishedAt).toEqual(ucloud1!.finishedAt);
    // Attempt 1's lines stay, attempt 2's follow them with the numbering continued.
    const logs = await h.logsOf(aws2!.id);
    expect(logs.map((l) => l.seq)).toEqual(logs.map((_, i) => i + 1));
    expect(logs.length).toBeGreaterThan(failedLines);
    expect(logs.slice(0, failedLines).some((l) => /not allowed by the test/.test(l.text))).toBe(true);
    expect(logs.at(-1)?.text).toBe("==> Build 'aws-us-east-1' finished.");
    const steps = await h.db().select().from(tables.buildRunSteps).where(eq(tables.buildRunSteps.runId, aws2!.id));
    expect(new Set(steps.map((s) => s.attempt))).toEqual(new Set([1, 2]));
    expect(steps.filter((s) => s.attempt === 2 && s.phase === 'run').map((s) => s.name)).toContain('provision');
    const [build] = await h.db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
    expect(build!.status).toBe('succeeded');
    const [audit] = await h.db().select().from(tables.auditLog).where(and(eq(tables.auditLog.targetId, started.buildId), eq(tables.auditLog.action, 'build.retry')));
    expect(audit).toMatchObject({ actorId: ctx.admin.id, details: { runs: [{ runId: aws1!.id, mode: 'build' }] } });
    // Nothing left to retry now.
    const refused = await retryBuild(h.db(), ctx.admin, started.buildId).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).userMessage).toMatch(/Nothing to retry/);
  });

  it('a run whose copies failed retries only those copies: no host, the artifact completed', { timeout: 240_000 }, async () => {
    await ensureWorker();
    // Two regions whose strategy copies from us-east-1: the us-east-1 run copies to them.
    for (const region of ['us-west-2', 'eu-west-1']) await setRegionStrategy(h.db(), ctx.admin, { cloud: 'aws', region, mode: 'copy', sourceRegion: 'us-east-1' });
    await faults(sandbox.url, { failCopiesTo: ['eu-west-1'] });
    const started = await start({ targets: { regions: [AWS_HOME, { cloud: 'aws', region: 'us-west-2' }, { cloud: 'aws', region: 'eu-west-1' }] } }).finally(async () => {
      for (const region of ['us-west-2', 'eu-west-1']) await setRegionStrategy(h.db(), ctx.admin, { cloud: 'aws', region, mode: 'build' });
    });
    const [run1] = await h.finished(started.buildId);
    await faults(sandbox.url);
    expect(run1!.status, run1!.error ?? '').toBe('succeeded');
    expect(run1!.artifact!.images.map((i) => i.region).sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(run1!.artifact!.copyFailures.map((f) => f.region)).toEqual(['eu-west-1']);
    const hostsBefore = (await h.ledgerOf(run1!.id)).filter((r) => r.kind === 'host').length;
    expect(hostsBefore).toBe(1);

    expect((await createCaller({ db: h.db(), actor: ctx.admin }).build.get({ buildId: started.buildId })).runs[0]!.retry).toBe('copies');
    expect(await retryRun(h.db(), ctx.admin, run1!.id)).toEqual({ runs: [{ runId: run1!.id, builderName: 'aws-us-east-1', mode: 'copies' }] });
    const [run2] = await h.finished(started.buildId);
    expect(run2).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(run2!.runTag).toMatch(/^copy-/);
    const source = run1!.artifact!.images.find((i) => i.region === 'us-east-1')!;
    expect(run2!.artifact!.copyFailures).toEqual([]);
    expect(run2!.artifact!.images.map((i) => i.region).sort()).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
    const copy = run2!.artifact!.images.find((i) => i.region === 'eu-west-1')!;
    expect(copy.sourceRegion).toBe('us-east-1');
    expect(run2!.artifact!.id).toContain(`eu-west-1:${copy.imageId}`);
    expect(run2!.artifact!.id).toContain(`us-east-1:${source.imageId}`);
    // Only the copy ran: no new host, the attempt's only step is copy-image, the copy is kept (and exists).
    const ledger = await h.ledgerOf(run1!.id);
    expect(ledger.filter((r) => r.kind === 'host')).toHaveLength(hostsBefore);
    expect(ledger.find((r) => r.resourceId === copy.imageId)).toMatchObject({ kind: 'image', region: 'eu-west-1', kept: true, deletedAt: null, runTag: run2!.runTag });
    const steps = await h.db().select().from(tables.buildRunSteps).where(and(eq(tables.buildRunSteps.runId, run1!.id), eq(tables.buildRunSteps.attempt, 2)));
    expect(steps.map((s) => `${s.phase}:${s.name}:${s.status}`).sort()).toEqual(['cleanup:copy-image:succeeded', 'run:copy-image:succeeded']);
    const resources = await sandboxResources(sandbox.url);
    const copied = resources.find((r) => r.id === copy.imageId);
    expect(copied).toBeDefined();
    // The copy carries the template's image tags, as the build's own copies do.
    expect(JSON.stringify(copied)).toContain('rome-access');
    expect((await h.logsOf(run1!.id)).some((l) => /Attempt 2: copying .* to eu-west-1 again \(the image is not rebuilt/.test(l.text))).toBe(true);
    // The ledger's open rows are the kept images only: a sweep asked for this run (both its tags
    // listed in the cloud) deletes nothing, and the scheduled sweep does not even look at it.
    expect(ledger.filter((r) => !r.deletedAt).every((r) => r.kept)).toBe(true);
    expect(await sweepBuildRuns(h.db(), { runIds: [run1!.id], pollMs: 50 })).toEqual([{ runId: run1!.id, buildId: started.buildId, deleted: [], failed: [] }]);
    expect((await sweepBuildRuns(h.db(), { pollMs: 50 })).map((s) => s.runId)).not.toContain(run1!.id);
    for (const image of run2!.artifact!.images) expect(resources.some((r) => r.id === image.imageId)).toBe(true);
  });
});

// The scene: kill -9 of a worker process in the middle of a build, then a new worker.
describe.runIf(TEST_DRIVER === 'postgres')('a worker process killed with SIGKILL mid-build on PostgreSQL', () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let dead: GroupProcess | undefined;
  let next: PgBoss | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
  });
  afterAll(async () => {
    await dead?.stop(1_000);
    if (next) await stopWorker(next, 5_000);
    setBoss(undefined);
    await sandbox?.close();
    await t?.drop();
  });

  it('ends every run in a final state and leaves nothing of the build in the sandbox', { timeout: 300_000 }, async () => {
    const ctx = await setUp(t, sandbox);
    const h = helpers(t, sandbox);
    const sender = await startBoss(t.database, { role: 'sender' });
    setBoss(sender);
    // Images never become available: both runs are surely mid-way when the worker dies.
    await faults(sandbox.url, { stuckImages: true });
    const started = await startBuild(h.db(), ctx.admin, { templateId: ctx.templateId, version: 1, accountIds: ctx.accountIds, targets: { regions: [UCLOUD_HOME, AWS_HOME] }, inputs: [{ path: RELEASE, sha256: ctx.releaseSha }] });
    await sender.stop({ graceful: false, wait: true });
    setBoss(undefined);

    // `npm run worker` with the sandbox's fast engine timings (env knobs); the SSH port comes from the accounts.
    dead = spawnGroup('npx', ['tsx', 'server/jobs/worker-cli.ts'], {
      env: {
        ...process.env, DATABASE_URL: t.url, WORKER_POLL_SECONDS: '0.5', LOG_LEVEL: 'info',
        BUILD_POLL_MS: '50', BUILD_HOST_TIMEOUT_MS: '30000', BUILD_CLEANUP_RETRY_DELAY_MS: '50', BUILD_CANCEL_POLL_MS: '200',
      },
    });
    const hostsOf = async (runId: string) => {
      const ids = new Set((await h.ledgerOf(runId)).filter((r) => r.kind === 'host').map((r) => r.resourceId));
      return (await sandboxResources(sandbox.url)).filter((r) => ids.has(r.id));
    };
    await until('both runs to have a host in the sandbox', async () => {
      const runs = await h.runsOf(started.buildId);
      return runs.every((r) => r.status === 'running') && (await Promise.all(runs.map(async (r) => (await hostsOf(r.id)).length > 0))).every(Boolean);
    }, 120_000).catch((err: Error) => {
      throw new Error(`${err.message}\nworker output:\n${dead!.output()}`);
    });
    const heartbeats = await until('the worker to beat for its runs', async () => {
      const runs = await h.runsOf(started.buildId);
      return runs.every((r) => r.heartbeatAt) ? runs : null;
    }, 20_000);
    expect(heartbeats).toHaveLength(2);

    const pid = dead.child.pid!;
    process.kill(-pid, 'SIGKILL');
    await until('the killed group to be gone', async () => !groupAlive(pid), 10_000);
    await faults(sandbox.url);
    const orphaned = await h.runsOf(started.buildId);
    expect(orphaned.map((r) => r.status)).toEqual(['running', 'running']);
    for (const r of orphaned) expect((await hostsOf(r.id)).length).toBeGreaterThan(0);

    // A new worker in this process: within the stale limit plus a sweep, every run is final and nothing is left.
    const began = Date.now();
    next = await startWorker(t.database, { pollingIntervalSeconds: 0.5, build: { timing: { pollMs: 50, hostTimeoutMs: 30_000 }, cleanupRetryDelayMs: 50 }, buildStaleAfterSeconds: 10 });
    setBoss(next);
    const runs = await h.finished(started.buildId, 60_000);
    expect(runs.map((r) => [r.builderName, r.status, r.errorCode])).toEqual([
      ['aws-us-east-1', 'interrupted', 'INTERRUPTED'],
      ['ucloud-cn-bj2', 'interrupted', 'INTERRUPTED'],
    ]);
    await until('the sweeper to clear both runs', async () => (await h.runsOf(started.buildId)).every((r) => r.sweptAt), 90_000);
    const took = Date.now() - began;
    expect(took).toBeLessThan(120_000);
    for (const run of runs) {
      expect(await h.leftInSandbox(run.id), run.builderName).toEqual([]);
      expect((await h.ledgerOf(run.id)).every((r) => r.deletedAt), run.builderName).toBe(true);
      const logs = (await h.logsOf(run.id)).map((l) => l.text);
      expect(logs.some((l) => /stopped responding \(no heartbeat for 10 s\).*Retry runs it again/.test(l))).toBe(true);
      expect(logs.some((l) => /^==> Sweeper: deleted host /.test(l))).toBe(true);
    }
    const [build] = await h.db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
    expect(build!.status).toBe('failed');
    expect(build!.finishedAt).not.toBeNull();
    const audit = await h.db().select().from(tables.auditLog).where(and(eq(tables.auditLog.targetId, started.buildId), eq(tables.auditLog.action, 'build.sweep')));
    expect(audit.map((a) => (a.details as { runId: string }).runId).sort()).toEqual(runs.map((r) => r.id).sort());
    // The dead worker's pg-boss jobs are failed, not left active until their 3 h expiry.
    const states = await Promise.all(runs.map(async (r) => (await next!.getJobById('build.run', r.bossJobId!))?.state));
    expect(states).toEqual(['failed', 'failed']);
  });
});
