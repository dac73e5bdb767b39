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
import { syncAccountInventory } from '../clouds/sync-account-inventory';
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
    const common = { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true, imagePageSize: 100 };
    accountIds = [
      (await createCloudAccount(t.database.db, admin, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: UCLOUD_SECRET, projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` }, { sync: false })).id,
      (await createCloudAccount(t.database.db, admin, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: AWS_SECRET, endpoint: `${sandbox.url}/ec2` }, { sync: false })).id,
    ];
    // A build is planned from the synced inventory: the regions it builds in must be synced.
    await syncAccountInventory(t.database.db, { accountId: accountIds[0]!, regions: ['cn-bj2'], trigger: 'manual' });
    await syncAccountInventory(t.database.db, { accountId: accountIds[1]!, regions: ['us-east-1'], trigger: 'manual' });
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
  const UCLOUD_HOME = { cloud: 'ucloud', region: 'cn-bj2' } as const;
  const AWS_HOME = { cloud: 'aws', region: 'us-east-1' } as const;
  const start = (over: Partial<Parameters<typeof startBuild>[2]> = {}, actor = admin) =>
    startBuild(db(), actor, { templateId, version: 1, accountIds, targets: { regions: [UCLOUD_HOME, AWS_HOME] }, inputs: [{ path: RELEASE, sha256: releaseSha }], ...over });

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
      // Lines of the cleanup phase name their step with the phase, so the log's markers tell a step from its undoing.
      expect(logs.find((l) => /Creating host/.test(l.text))?.step).toBe('create-host');
      expect(logs.filter((l) => l.step === 'create-host:cleanup').map((l) => l.text).join('\n')).toMatch(/host/i);
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
    // The plan and the request are stored; each run carries its derived builder.
    expect(build!.plan!.runs.map((r) => [r.builderName, r.region, r.baseImage.how])).toEqual([['aws-us-east-1', 'us-east-1', 'template'], ['ucloud-cn-bj2', 'cn-bj2', 'template']]);
    expect(build!.request).toMatchObject({ templateId, version: 1, targets: { regions: [UCLOUD_HOME, AWS_HOME] }, sensitiveVariableNames: [] });
    const ucloudRun = runs.find((r) => r.cloud === 'ucloud')!;
    expect(ucloudRun.builder).toMatchObject({ sourceBuilder: 'ucloud-cn-bj2', type: 'ucloud-uhost', options: { region: 'cn-bj2', availability_zone: 'cn-bj2-02', source_image_id: 'uimage-vmy3ld', boot_disk_type: 'cloud_ssd', image_copy_to_mappings: [] } });
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
    const started = await api(admin).build.start({ templateId, version: 2, accountIds, targets: { regions: [AWS_HOME] }, inputs: [{ path: RELEASE, sha256: releaseSha }], failFast: true });
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
      const started = await start({ targets: { regions: [UCLOUD_HOME] } });
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
    expect((await refused(start({ targets: { regions: [{ cloud: 'ucloud', region: 'mars-1' }] } }))).userMessage).toMatch(/mars-1 is not an active ucloud region/);
    expect((await refused(start({ accountIds: [accountIds[0]!] }))).userMessage).toMatch(/No aws account/);
    expect((await refused(start({}, viewer))).code).toBe('FORBIDDEN');
    await expect(api(viewer).build.start({ templateId, version: 1, accountIds, targets: { regions: [UCLOUD_HOME] } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(api(viewer).build.cancel({ buildId: (await db().select({ id: tables.builds.id }).from(tables.builds))[0]!.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const before = await db().select({ id: tables.builds.id }).from(tables.builds);
    expect(before).toHaveLength(3);
  });

  it('takes sensitive variables sealed, hands them to the run, and keeps them out of every column and log line', { timeout: 240_000 }, async () => {
    const SECRET = 'tok-5b1f0c7e9a2d4c3b8e6f';
    const seed = await seedTemplateFiles(db(), 'rome-access');
    const body = JSON.parse(seed.body) as { variables: Record<string, string>; 'sensitive-variables': string[]; provisioners: unknown[] };
    body.variables['release_token'] = '';
    body['sensitive-variables'].push('release_token');
    body.provisioners.push({ type: 'shell', environment_vars: ['TOKEN={{user `release_token`}}'], inline: ['test -n "$TOKEN" || exit 4', 'echo "token=$TOKEN"'] });
    const saved = await saveTemplateVersion(db(), admin, { templateId, baseVersion: 3, body: JSON.stringify(body, null, 2), message: 'a token', asDraft: false });
    const started = await start({ version: saved.version, targets: { regions: [AWS_HOME] }, variables: [{ name: 'release_token', value: SECRET }, { name: 'service_version', value: '2.3.1' }] });
    const [during] = await db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
    expect(during!.sealedVariables).toBeTruthy();
    expect(during!.sealedVariables).not.toContain(SECRET);
    expect(during!.variables).toEqual({ service_version: '2.3.1' });
    expect(during!.request).toMatchObject({ variables: [{ name: 'service_version', value: '2.3.1' }], sensitiveVariableNames: ['release_token'] });
    const [run] = await finished(started.buildId);
    const logs = await logsOf(run!.id);
    expect(run!.status, logs.map((l) => l.text).join('\n')).toBe('succeeded');
    // The run got the value (the provisioner refuses an empty one) and its log shows it redacted.
    expect(logs.some((l) => l.text.includes('token=[redacted]'))).toBe(true);
    expect(logs.some((l) => l.text.includes(SECRET))).toBe(false);
    const [after] = await db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
    expect(after!.status).toBe('succeeded');
    expect(after!.sealedVariables).toBeNull();
    const columns = rowsOf<{ table_name: string; column_name: string }>(
      await db().execute(sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and data_type in ('text', 'jsonb', 'character varying')`),
    );
    for (const { table_name, column_name } of columns) {
      const [hit] = rowsOf<{ n: number }>(await db().execute(sql.raw(`select count(*)::int as n from "${table_name}" where "${column_name}"::text like '%${SECRET}%'`)));
      expect(hit?.n, `${table_name}.${column_name}`).toBe(0);
    }
  });

  it('parallelism 1 runs one run at a time: the next is queued only when one finishes', { timeout: 240_000 }, async () => {
    const started = await start({ parallelism: 1 });
    expect(started.runs).toHaveLength(2);
    const initially = await runsOf(started.buildId);
    expect(initially.filter((r) => r.dispatchedAt).length).toBe(1);
    let most = 0;
    const runs = await until('both runs to finish, one at a time', async () => {
      const now = await runsOf(started.buildId);
      most = Math.max(most, now.filter((r) => r.dispatchedAt && (r.status === 'queued' || r.status === 'running')).length);
      return now.every((r) => ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(r.status)) ? now : null;
    });
    expect(most).toBe(1);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    const [first, second] = [...runs].sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
    expect(second!.startedAt!.getTime()).toBeGreaterThanOrEqual(first!.finishedAt!.getTime());
    expect(second!.dispatchedAt!.getTime()).toBeGreaterThanOrEqual(first!.finishedAt!.getTime());
  });

  it('fail-fast: the first failed run cancels the others', { timeout: 240_000 }, async () => {
    // Version 2 fails in its last provisioner; one run at a time, so the second is still waiting.
    const started = await start({ version: 2, parallelism: 1, failFast: true });
    const runs = await finished(started.buildId);
    const failed = runs.find((r) => r.status === 'failed');
    const other = runs.find((r) => r !== failed);
    expect(failed?.errorCode).toMatch(/^STEP_FAILED:provision/);
    expect(other).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED', attempt: 0, startedAt: null });
    expect(other!.error).toMatch(/fail-fast/);
    expect(other!.cancelRequestedAt).not.toBeNull();
    const [build] = await db().select().from(tables.builds).where(eq(tables.builds.id, started.buildId));
    expect(build!.status).toBe('failed');
  });

  it('a worker that stops mid-run ends the run interrupted and cleans up its resources', { timeout: 180_000 }, async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ stuckImages: true }) });
    try {
      const started = await start({ targets: { regions: [AWS_HOME] } });
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
