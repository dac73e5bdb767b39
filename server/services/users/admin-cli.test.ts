import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { tables } from '@/db';
import { openDatabase } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { makeActor } from '@/server/testing/actors';
import { createTestDatabase, TEST_DRIVER } from '@/server/testing/test-db';
import { insertUser } from './insert-user';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const children = new Set<ChildProcess>();

/** `npm run admin -- …` in its own process group (npm → sh → tsx → node), as an operator would run it. */
function runAdmin(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '--silent', 'admin', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

afterAll(() => {
  // Whatever is still running (a failed assertion mid-run) ends with its whole group.
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

describe.runIf(TEST_DRIVER === 'postgres')('npm run admin on PostgreSQL', () => {
  it('lists users, promotes one (audited as the system), and explains mistakes', { timeout: 120_000 }, async () => {
    const t = await createTestDatabase();
    try {
      const db = t.database.db;
      // Nobody can manage users any more: the only admin is disabled.
      const gone = await makeActor(db, 'admin', 'gone@rome.test');
      await db.update(tables.users).set({ disabled: true }).where(eq(tables.users.id, gone.id));
      const ops = await makeActor(db, 'viewer', 'ops@rome.test');
      const env = { DATABASE_URL: t.url!, CONSOLE_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rome-admin-cli-')) };

      const list = await runAdmin(['list'], env);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/gone@rome\.test\s+admin\s+disabled/);
      expect(list.stdout).toMatch(/ops@rome\.test\s+viewer\s+active/);
      expect(list.stdout).toContain('2 users, 0 enabled admins');

      const promote = await runAdmin(['promote', 'OPS@rome.test'], env);
      expect(promote).toMatchObject({ code: 0, stdout: 'ops@rome.test is now an enabled admin.\n' });
      const [row] = await db.select().from(tables.users).where(eq(tables.users.id, ops.id));
      expect(row).toMatchObject({ role: 'admin', disabled: false });
      const audit = await db.select().from(tables.auditLog).where(eq(tables.auditLog.targetId, ops.id));
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'user.promote', actorId: null, actorEmail: null });
      expect(audit[0]!.details).toEqual({
        email: 'ops@rome.test',
        before: { role: 'viewer', disabled: false },
        after: { role: 'admin', disabled: false },
        via: 'npm run admin -- promote',
      });

      // Promoting a disabled admin enables them again.
      expect((await runAdmin(['promote', 'gone@rome.test'], env)).code).toBe(0);
      const [again] = await db.select().from(tables.users).where(eq(tables.users.id, gone.id));
      expect(again).toMatchObject({ role: 'admin', disabled: false });

      expect(await runAdmin(['promote', 'ops@rome.test'], env)).toMatchObject({ code: 0, stdout: 'ops@rome.test is already an enabled admin; nothing changed.\n' });
      expect(await runAdmin(['promote', 'nobody@rome.test'], env)).toMatchObject({ code: 1, stderr: 'No user has the e-mail nobody@rome.test.\n' });
      const usage = await runAdmin(['promote'], env);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('usage: npm run admin -- list');
      expect((await db.select().from(tables.auditLog).where(eq(tables.auditLog.action, 'user.promote'))).length).toBe(2);
      rmSync(env.CONSOLE_DATA_DIR, { recursive: true, force: true });
    } finally {
      await t.drop();
    }
  });
});

describe.runIf(TEST_DRIVER === 'pglite')('npm run admin on the embedded database', () => {
  it('refuses the PGlite folder while another process has it open, then promotes once it is free', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rome-admin-cli-'));
    const env = { DATABASE_URL: '', CONSOLE_DATA_DIR: dataDir };
    try {
      // This test process stands for the console: it holds the folder open.
      const held = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
      await migrateDatabase(held);
      await insertUser(held.db, { email: 'ops@rome.test', name: 'Ops', role: 'viewer', password: 'correct horse battery staple' });
      const refused = await runAdmin(['promote', 'ops@rome.test'], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`is open in process ${process.pid}`);
      await held.close();
      expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);

      const promote = await runAdmin(['promote', 'ops@rome.test'], env);
      expect(promote).toMatchObject({ code: 0, stdout: 'ops@rome.test is now an enabled admin.\n' });
      expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
      const reopened = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
      try {
        const [row] = await reopened.db.select().from(tables.users).where(eq(tables.users.email, 'ops@rome.test'));
        expect(row).toMatchObject({ role: 'admin', disabled: false });
        const [audit] = await reopened.db.select().from(tables.auditLog).where(eq(tables.auditLog.action, 'user.promote'));
        expect(audit).toMatchObject({ actorEmail: null, actorId: null });
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
