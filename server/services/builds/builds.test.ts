import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tables } from '@/db';
import { createCaller } from '@/server/api/root';
import { SEED_DIR, sandboxResources } from '@/server/engine/builders/testing/fixtures';
import { setBoss } from '@/server/jobs/enqueue';
import { startWorker, stopWorker } from '@/server/jobs/worker';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { makeActor } from '@/server/testing/actors';
import { seedTemplateFiles } from '@/server/testing/seed-template';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import { createCloudAccount } from '../clouds/create-cloud-account';
import { createTemplate } from '../templates/create-template';
import { saveTemplateVersion } from '../templates/save-template-version';
import { storeTemplateBlob } from '../templates/template-attachments';
import { cancelRun } from './cancel-build';
import { processApiBudget } from './process-api-budget';
import { startBuild } from './start-build';

const UCLOUD_SECRET = 'sandbox-private-key';
const AWS_SECRET = 'sandbox-secret-key';
const RELEASE = 'release/rome-access-2.3.1-linux-amd64.tar.gz';

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []));

describe(`builds run as background jobs (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  let sandbox: SandboxCloud;
  let worker: PgBoss | undefined;
  let admin: Actor;
  let viewer: Actor;
  let accountIds: string[];
  let templateId: string;
  let releaseSha: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandboxCloud({ timeScale: 0.1, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    admin = await makeActor(t.database.db, 'admin');
    viewer = await makeActor(t.database.db, 'viewer');
    const common = { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true, imagePageSize: 20 };
    accountIds = [
      (await createCloudAccount(t.database.db, admin, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: UCLOUD_SECRET, projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` }, { sync: false })).id,
      (await createCloudAccount(t.database.db, admin, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: AWS_SECRET, endpoint: `${sandbox.url}/ec2` }, { sync: false })).id,
    ];
    const seed = await seedTemplateFiles(t.database.db, 'rome-access');
    const created = await createTemplate(t.database.db, admin, { name: 'build-access', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs });
    expect(created.valid).toBe(true);
    templateId = created.id;
    releaseSha = (await storeTemplateBlob(t.database.db, admin, readFileSync(join(SEED_DIR, 'rome-access', 'inputs', RELEASE)))).sha256;
    worker = await startWorker(t.database, { pollingIntervalSeconds: 0.5, build: { sshPortOverride: sandbox.world.sshPort, timing: { pollMs: 50, hostTimeoutMs: 30_000 }, cleanupRetryDelayMs: 50, cancelPollMs: 200 } });
    setBoss(worker);
  }, 60_000);
  afterAll(async () => {
    if (worker) await stopWorker(worker, 5_000);
    setBoss(undefined);
    await sandbox?.close();
    await t?.drop();
  });

  const db = () => t.database.db;
  const api = (actor: Actor) => createCaller({ db: t.database.db, actor });
  const runsOf = (buildId: string) => db().select().from(tables.buildRuns).where(eq(tables.buildRuns.buildId, buildId)).orderBy(asc(tables.buildRuns.builderName));
  const finished = (buildId: string) =>
    until(`the runs of ${buildId} to finish`, async () => {
      const runs = await runsOf(buildId);
      return runs.every((r) => ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(r.status)) ? runs : null;
    });
  const logsOf = async (runId: string) => db().select().from(tables.buildRunLogs).where(eq(tables.buildRunLogs.runId, runId)).orderBy(asc(tables.buildRunLogs.seq));
  const ledgerOf = (runId: string) => db().select().from(tables.buildResources).where(eq(tables.buildResources.runId, runId));
  /** What the sandbox still holds of a run: resources tagged or named with its tag, or listed in its ledger. */
  const leftInSandbox = async (runId: string, runTag: string) => {
    const ids = new Set((await ledgerOf(runId)).map((r) => r.resourceId));
    return (await sandboxResources(sandbox.url)).filter((r) => r.kind !== 'snapshot' && (ids.has(r.id) || JSON.stringify(r).includes(runTag)));
  };
  const start = (over: Partial<Parameters<typeof startBuild>[2]> = {}, actor = admin) =>
    startBuild(db(), actor, { templateId, version: 1, accountIds, inputs: [{ path: RELEASE, sha256: releaseSha }], ...over });

  it('builds both builders of the seeded template: artifacts, logs, steps and a ledger with only the images left', { timeout: 240_000 }, async () => {
    // Every run of the process takes from the one process-wide budget (not a budget per run).
    const take = vi.spyOn(processApiBudget(db()), 'take');
    const started = await start();
    expect(started.runs.map((r) => r.builderName).sort()).toEqual(['aws-us-east-1', 'ucloud-cn-bj2']);
    const runs = await finished(started.buildId);
    for (const run of runs) {
      const logs = await logsOf(run.id);
      expect(run.status, `${run.builderName}: ${run.error}\n${logs.map((l) => l.text).join('\n')}`).toBe('succeeded');
      expect(run.attempt).toBe(1);
      expect(run.runTag).toMatch(/^run-/);
      expect(run.artifact?.images.length).toBeGreaterThanOrEqual(1);
      expect(run.artifact?.id).toContain(run.artifact!.images[0]!.imageId);
      // The provisioner's output (systemd enabling the service the release installed) is in the run's log, in order.
      expect(logs.length).toBeGreaterThan(10);
      expect(logs.map((l) => l.seq)).toEqual(logs.map((_, i) => i + 1));
      expect(logs.some((l) => l.step === 'provision' && l.stream === 'stderr' && l.text.includes('rome-access.service')), logs.map((l) => `${l.stream} ${l.step} ${l.text}`).join('\n')).toBe(true);
      expect(logs.at(-1)?.text).toBe(`==> Build '${run.builderName}' finished.`);
      expect(logs.some((l) => l.stream === 'engine' && /Creating host/.test(l.text))).toBe(true);
      const steps = await db().select().from(tables.buildRunSteps).where(eq(tables.buildRunSteps.runId, run.id));
      expect(steps.filter((s) => s.phase === 'run').map((s) => s.name)).toContain('provision');
      expect(steps.every((s) => s.status === 'succeeded' && s.finishedAt)).toBe(true);
      const ledger = await ledgerOf(run.id);
      expect(ledger.length).toBeGreaterThan(1);
      expect(ledger.every((r) => r.runTag === run.runTag)).toBe(true);
      // Every resource was deleted except the image(s) the run produced.
      const open = ledger.filter((r) => !r.deletedAt);
      expect(open.map((r) => `${r.kind}:${r.resourceId}`).sort()).toEqual(run.artifact!.images.map((i) => `image:${i.imageId}`).sort());
      expect(open.every((r) => r.kept)).toBe(true);
      const left = await leftInSandbox(run.id, run.runTag!);
      expect(left.map((r) => `${r.kind}:${r.id}`).sort()).toEqual(run.artifact!.images.map((i) => `image:${i.imageId}`).sort());
    }
    // What the Builds pages will read: the build with its runs, and a log resumed after a line.
    const read = await api(viewer).build.get({ buildId: started.buildId });
    expect(read.runs.map((r) => [r.builderName, r.status]).sort()).toEqual([['aws-us-east-1', 'succeeded'], ['ucloud-cn-bj2', 'succeeded']]);
    const page = await api(viewer).build.logs({ runId: runs[0]!.id, afterSeq: 5, limit: 3 });
    expect(page.lines.map((l) => l.seq)).toEqual([6, 7, 8]);
    expect(page.lastSeq).toBe(8);
    expect((await api(viewer).build.logs({ runId: runs[0]!.id, afterSeq: page.lastSeq, limit: 5000 })).lines[0]?.seq).toBe(9);
    expect(new Set(take.mock.calls.map((c) => c[0]))).toEqual(new Set(['ucloud', 'aws']));
    take.mockRestore();
    const [build] = await db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
    expect(build).toMatchObject({ status: 'succeeded', templateVersion: 1, options: { parallelism: 0, failFast: false } });
    expect(build!.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    const [audit] = await db().select().from(tables.auditLog).where(eq(tables.auditLog.targetId, started.buildId));
    expect(audit).toMatchObject({ action: 'build.start', targetType: 'build', actorId: admin.id });

    // No key of either account in any text or jsonb column of the database.
    const columns = rowsOf<{ table_name: string; column_name: string }>(
      await db().execute(sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and data_type in ('text', 'jsonb', 'character varying')`),
    );
    expect(columns.some((c) => c.table_name === 'build_run_logs')).toBe(true);
    for (const { table_name, column_name } of columns) {
      for (const secret of [UCLOUD_SECRET, AWS_SECRET]) {
        const [hit] = rowsOf<{ n: number }>(await db().execute(sql.raw(`select count(*)::int as n from "${table_name}" where "${column_name}"::text like '%${secret}%'`)));
        expect(hit?.n, `${table_name}.${column_name}`).toBe(0);
      }
    }
  });

  it('a run whose provisioner fails ends failed with its message and leaves nothing in the sandbox', { timeout: 180_000 }, async () => {
    const seed = await seedTemplateFiles(db(), 'rome-access');
    const body = JSON.parse(seed.body) as { provisioners: unknown[] };
    body.provisioners.push({ type: 'shell', inline: ['echo the service refused to start >&2', 'exit 3'] });
    await saveTemplateVersion(db(), admin, { templateId, baseVersion: 1, body: JSON.stringify(body, null, 2), message: 'break it', asDraft: false });
    // Through the tRPC route this time, as the build dialog will call it.
    const started = await api(admin).build.start({ templateId, version: 2, accountIds, builders: ['aws-us-east-1'], inputs: [{ path: RELEASE, sha256: releaseSha }], failFast: true });
    expect(started.runs).toHaveLength(1);
    const [run] = await finished(started.buildId);
    expect(run!.status).toBe('failed');
    expect(run!.errorCode).toMatch(/^STEP_FAILED:provision/);
    expect(run!.error).toMatch(/exit|status|3/i);
    const logs = await logsOf(run!.id);
    expect(logs.some((l) => l.stream === 'stderr' && l.text.includes('the service refused to start'))).toBe(true);
    expect(await leftInSandbox(run!.id, run!.runTag!)).toEqual([]);
    expect((await ledgerOf(run!.id)).every((r) => r.deletedAt)).toBe(true);
    const [build] = await db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
    expect(build!.status).toBe('failed');
  });

  it('cancelling a run mid-way ends it cancelled, cleans up its resources and keeps its logs', { timeout: 180_000 }, async () => {
    // Images never become available: the run waits on its image until it is cancelled.
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ stuckImages: true }) });
    try {
      const started = await start({ builders: ['ucloud-cn-bj2'] });
      const runId = started.runs[0]!.runId;
      await until('the run to wait for its image', async () => {
        const [r] = await db().select().from(tables.buildRuns).where(eq(tables.buildRuns.id, runId));
        return r?.currentStep === 'wait-image';
      });
      expect(await cancelRun(db(), admin, runId)).toEqual({ cancelled: true });
      const [run] = await finished(started.buildId);
      expect(run!.status).toBe('cancelled');
      expect(run!.errorCode).toBe('CANCELLED');
      expect((await logsOf(run!.id)).some((l) => l.step === 'provision')).toBe(true);
      expect(await leftInSandbox(run!.id, run!.runTag!)).toEqual([]);
      expect((await ledgerOf(run!.id)).every((r) => r.deletedAt)).toBe(true);
      const [build] = await db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
      expect(build!.status).toBe('cancelled');
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('refuses an invalid version, an unknown builder, a missing account, and a viewer', async () => {
    const seed = await seedTemplateFiles(db(), 'rome-access');
    await saveTemplateVersion(db(), admin, { templateId, baseVersion: 2, body: seed.body.replace('"builders"', '"builderz"'), message: 'draft', asDraft: true });
    const refused = async (p: Promise<unknown>) => {
      const err = await p.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      return err as AppError;
    };
    expect((await refused(start({ version: 3 }))).userMessage).toMatch(/validation errors/);
    expect((await refused(start({ builders: ['nope'] }))).userMessage).toMatch(/no builder named nope/);
    expect((await refused(start({ accountIds: [accountIds[0]!] }))).userMessage).toMatch(/No aws account/);
    expect((await refused(start({}, viewer))).code).toBe('FORBIDDEN');
    await expect(api(viewer).build.start({ templateId, version: 1, accountIds })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(api(viewer).build.cancel({ buildId: (await db().select({ id: tables.builds.id }).from(tables.builds))[0]!.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const before = await db().select({ id: tables.builds.id }).from(tables.builds);
    expect(before).toHaveLength(3);
  });

  it('a worker that stops mid-run ends the run interrupted and cleans up its resources', { timeout: 180_000 }, async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ stuckImages: true }) });
    try {
      const started = await start({ builders: ['aws-us-east-1'] });
      const runId = started.runs[0]!.runId;
      await until('the run to wait for its image', async () => {
        const [r] = await db().select().from(tables.buildRuns).where(eq(tables.buildRuns.id, runId));
        return r?.currentStep === 'wait-image';
      });
      const stopping = worker!;
      worker = undefined;
      setBoss(undefined);
      await stopWorker(stopping, 30_000);
      const [run] = await finished(started.buildId);
      expect(run).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED' });
      expect(await leftInSandbox(run!.id, run!.runTag!)).toEqual([]);
      expect((await ledgerOf(run!.id)).every((r) => r.deletedAt)).toBe(true);
      const [build] = await db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
      expect(build!.status).toBe('failed');
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
  });
});
