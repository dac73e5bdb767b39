import { eq, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { createCloudAccount } from '@/server/services/clouds/create-cloud-account';
import { makeActor } from '@/server/testing/actors';
import { groupAlive, spawnGroup, type GroupProcess } from '@/server/testing/processes';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import { startBoss } from './boss';
import { enqueue, setBoss } from './enqueue';
import { SYNC_HEARTBEAT } from './queues';
import { startWorker, stopWorker } from './worker';

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function insertExpiredSession(t: TestDatabase, id: string) {
  const actor = await makeActor(t.database.db, 'viewer');
  await t.database.db.insert(tables.sessions).values({ id, token: `${id}-token`, userId: actor.id, expiresAt: new Date(Date.now() - 1000) });
}

const sessionExists = async (t: TestDatabase, id: string) =>
  (await t.database.db.select().from(tables.sessions).where(eq(tables.sessions.id, id))).length > 0;

describe(`pg-boss job queue on ${TEST_DRIVER}`, () => {
  let t: TestDatabase;
  let boss: PgBoss | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    setBoss(undefined);
    await t.drop();
  });

  it('runs a housekeeping job sent in this process on the same database', async () => {
    boss = await startWorker(t.database, { pollingIntervalSeconds: 0.5 });
    setBoss(boss);
    await insertExpiredSession(t, 'expired-1');
    const jobId = await enqueue('housekeeping.purge-sessions', { reason: 'manual' });
    const job = await until('job completion', async () => {
      const j = await boss!.getJobById('housekeeping.purge-sessions', jobId);
      return j?.state === 'completed' ? j : null;
    });
    expect(job.state).toBe('completed');
    expect(await sessionExists(t, 'expired-1')).toBe(false);
  });

  it('schedules the hourly purge', async () => {
    const schedules = await boss!.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual(['housekeeping.purge-sessions', '17 * * * *']);
  });
});

// pg-boss fetches at each handler's poll; a sent job wakes idle handlers instead (wake-workers.ts),
// so a build's first log line does not wait for the next poll. The workers here poll every
// 10 minutes: a job done within seconds was started by the wake-up, not by a poll.
describe(`jobs start when they are sent, not at the next poll (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  let boss: PgBoss | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
    boss = await startWorker(t.database, { pollingIntervalSeconds: 600, buildRunsAtOnce: 2 });
    setBoss(boss);
    // Past each handler's first fetch at start: from here on only a wake-up makes them fetch.
    await new Promise((r) => setTimeout(r, 1_500));
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    setBoss(undefined);
    await t.drop();
  });

  const done = (jobId: string) =>
    until('the job to be done', async () => {
      const j = await boss!.getJobById('build.run', jobId);
      return j?.state === 'completed' || j?.state === 'failed' ? j : null;
    }, 20_000);

  it('a job sent in this process wakes an idle handler of its queue', async () => {
    const jobId = await enqueue('build.run', { runId: crypto.randomUUID(), buildId: crypto.randomUUID() });
    expect((await done(jobId)).state).toBe('completed');
  });

  it.runIf(TEST_DRIVER === 'postgres')('another process announces its job with NOTIFY, which a worker LISTENs for', async () => {
    // Sent without this process's own wake-up (as a web process would), then announced the way announceJobs does.
    const jobId = (await boss!.send('build.run', { runId: crypto.randomUUID(), buildId: crypto.randomUUID() }))!;
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await boss!.getJobById('build.run', jobId))?.state).toBe('created');
    await t.database.db.execute(sql`select pg_notify('rome_jobs', 'build.run:1')`);
    expect((await done(jobId)).state).toBe('completed');
  });
});

/**
 * The worker as `node --import tsx`, not `npx tsx`: tsx's CLI relays a SIGTERM to its child and,
 * when the child has not acknowledged it within ~60 ms (a loaded machine), sends SIGKILL — which
 * would test tsx's patience rather than the worker's stop.
 */
const WORKER_ARGS = ['--import', 'tsx', 'server/jobs/worker-cli.ts'];

// A separate worker process (`npm run worker`) only exists on PostgreSQL: PGlite is one process's database.
// Each is started in its own process group and ended as a group: killing `npx` alone leaves
// `tsx server/jobs/worker-cli.ts` running (and polling) after the suite.
describe.runIf(TEST_DRIVER === 'postgres')('a separate worker process on PostgreSQL', () => {
  let t: TestDatabase;
  let sender: PgBoss | undefined;
  let worker: GroupProcess | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await worker?.stop();
    await sender?.stop({ graceful: false, wait: true });
    await t.drop();
  });

  it('does a job that the web process sent, and leaves no process behind when stopped', async () => {
    // The "web process": a sender-only pg-boss (no polling, no maintenance).
    sender = await startBoss(t.database, { role: 'sender' });
    await insertExpiredSession(t, 'expired-2');
    const jobId = await sender.send('housekeeping.purge-sessions', { reason: 'manual' });

    worker = spawnGroup(process.execPath, WORKER_ARGS, {
      env: { ...process.env, DATABASE_URL: t.url, WORKER_POLL_SECONDS: '0.5', LOG_LEVEL: 'info' },
    });

    const job = await until('the worker process to complete the job', async () => {
      const j = await sender!.getJobById('housekeeping.purge-sessions', jobId!);
      return j?.state === 'completed' ? j : null;
    }, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\nworker output:\n${worker!.output()}`);
    });
    expect(job.state).toBe('completed');
    expect(await sessionExists(t, 'expired-2')).toBe(false);
    expect(worker.child.pid).not.toBe(process.pid);
    expect(worker.output()).toContain('purged expired sessions');

    // SIGTERM to the group: the worker stops on its own (no SIGKILL needed) and nothing of the tree remains.
    const pid = worker.child.pid!;
    const started = Date.now();
    process.kill(-pid, 'SIGTERM');
    await until('the worker group to exit', async () => !groupAlive(pid), 15_000);
    expect(Date.now() - started).toBeLessThan(12_000);
    // Its last lines may still be in the pipe when the group is gone: read them before judging.
    await until('the worker\'s last lines', async () => worker!.output().includes('worker stopped'), 5_000).catch(() => undefined);
    expect(worker.output()).toContain('worker stopped');
  });
});

describe.runIf(TEST_DRIVER === 'postgres')('npm run worker stops on SIGTERM when its database is gone', () => {
  let t: TestDatabase;
  let worker: GroupProcess | undefined;
  let dropped = false;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await worker?.stop(1_000);
    if (!dropped) await t.drop();
  });

  it('exits within seconds, and no process of its group remains', async () => {
    worker = spawnGroup(process.execPath, WORKER_ARGS, {
      env: { ...process.env, DATABASE_URL: t.url, WORKER_POLL_SECONDS: '0.5', LOG_LEVEL: 'info' },
    });
    await until('the worker to start', async () => worker!.output().includes('worker started'), 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\nworker output:\n${worker!.output()}`);
    });
    // The database disappears under it: its connections are terminated and the database dropped.
    await t.drop();
    dropped = true;
    await new Promise((r) => setTimeout(r, 1_500));

    const pid = worker.child.pid!;
    const started = Date.now();
    process.kill(-pid, 'SIGTERM');
    await until('the worker group to exit', async () => !groupAlive(pid), 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\nworker output:\n${worker!.output()}`);
    });
    const took = Date.now() - started;
    expect(took, worker.output()).toBeLessThan(12_000);
    expect(worker.output()).toContain('worker stopping');
  });
});

// The scene, for real: kill -9 of a worker in the middle of a sync, then a worker starts.
describe.runIf(TEST_DRIVER === 'postgres')('a worker killed with SIGKILL mid-sync on PostgreSQL', () => {
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
    await sandbox.close();
    await t.drop();
  });

  it('leaves a running row that is not live, and the next worker marks it interrupted and retries it', async () => {
    const sender = await startBoss(t.database, { role: 'sender' });
    setBoss(sender);
    const admin = await makeActor(t.database.db, 'admin');
    // Every API call takes a second: the sync is surely running when the worker is killed.
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ latencyMs: 1_000 }) });
    const { id } = await createCloudAccount(
      t.database.db,
      admin,
      { name: 'killed', cloud: 'ucloud', environment: 'sandbox', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud`, imagePageSize: 5, syncConcurrency: 1, syncIntervalMinutes: 0, enabled: true },
    );
    await sender.stop({ graceful: false, wait: true });
    setBoss(undefined);

    dead = spawnGroup(process.execPath, WORKER_ARGS, { env: { ...process.env, DATABASE_URL: t.url, WORKER_POLL_SECONDS: '0.5', LOG_LEVEL: 'info' } });
    const job = async () => (await t.database.db.select().from(tables.inventorySyncJobs).where(eq(tables.inventorySyncJobs.accountId, id)))[0];
    await until('the sync to run in the worker process', async () => (await job())?.status === 'running' && (await t.database.db.select().from(tables.inventorySyncs).where(eq(tables.inventorySyncs.accountId, id))).length > 0, 90_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}\nworker output:\n${dead!.output()}`);
      },
    );
    const pid = dead.child.pid!;
    process.kill(-pid, 'SIGKILL');
    await until('the killed group to be gone', async () => !groupAlive(pid), 10_000);
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    expect((await job())?.status).toBe('running');

    // A new worker (one start): the row is interrupted once its heartbeat has lapsed — seconds, not pg-boss's expiry.
    const started = Date.now();
    next = await startWorker(t.database, { pollingIntervalSeconds: 0.5 });
    setBoss(next);
    const interrupted = await until('the row to be marked interrupted', async () => {
      const j = await job();
      return j && j.status !== 'running' ? j : null;
    }, (SYNC_HEARTBEAT.staleAfterSeconds + SYNC_HEARTBEAT.staleAfterSeconds / 2 + 10) * 1000);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.errorCode).toBe('INTERRUPTED');
    expect(Date.now() - started).toBeLessThan((SYNC_HEARTBEAT.staleAfterSeconds + 20) * 1000);
    const [bossJob] = (await t.database.db.execute(sql`select state from pgboss.job where name = 'inventory.sync' and data->>'accountId' = ${id}`)) as unknown as { state: string }[];
    expect(bossJob?.state).toBe('retry');
  }, 180_000);
});
