import { spawn, type ChildProcess } from 'node:child_process';
import { eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '@/server/testing/test-db';
import { startBoss } from './boss';
import { enqueue, setBoss } from './enqueue';
import { startWorker } from './worker';

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

// A separate worker process (`npm run worker`) only exists on PostgreSQL: PGlite is one process's database.
describe.runIf(TEST_DRIVER === 'postgres')('a separate worker process on PostgreSQL', () => {
  let t: TestDatabase;
  let sender: PgBoss | undefined;
  let worker: ChildProcess | undefined;
  let output = '';
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await new Promise((r) => (worker ? worker.once('exit', r) : r(null)));
    await sender?.stop({ graceful: false, wait: true });
    await t.drop();
  });

  it('does a job that the web process sent', async () => {
    // The "web process": a sender-only pg-boss (no polling, no maintenance).
    sender = await startBoss(t.database, { role: 'sender' });
    await insertExpiredSession(t, 'expired-2');
    const jobId = await sender.send('housekeeping.purge-sessions', { reason: 'manual' });

    worker = spawn('npx', ['tsx', 'server/jobs/worker-cli.ts'], {
      env: { ...process.env, DATABASE_URL: t.url, WORKER_POLL_SECONDS: '0.5', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (d) => (output += d));
    worker.stderr!.on('data', (d) => (output += d));

    const job = await until('the worker process to complete the job', async () => {
      const j = await sender!.getJobById('housekeeping.purge-sessions', jobId!);
      return j?.state === 'completed' ? j : null;
    }, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\nworker output:\n${output}`);
    });
    expect(job.state).toBe('completed');
    expect(await sessionExists(t, 'expired-2')).toBe(false);
    expect(worker.pid).not.toBe(process.pid);
    expect(output).toContain('purged expired sessions');
  });
});
