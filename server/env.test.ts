import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretProblem } from './env';

const ROOT = path.join(import.meta.dirname, '..');
const children: ChildProcess[] = [];
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'rome-env-'));
});
afterAll(async () => {
  // Each child leads its own process group (npx → tsx → node): end the whole group.
  for (const c of children) {
    if (c.pid && c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts a process of the console with a bad environment; resolves with its exit code and stderr. */
function run(args: string[], extra: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['AUTH_SECRET', 'CONSOLE_SECRET_KEY', 'DATABASE_URL'].includes(k)));
  // Should the check ever be skipped, nothing touches the worktree's data or the default ports.
  const child = spawn('npx', ['tsx', ...args], {
    cwd: ROOT,
    env: { ...base, NODE_ENV: 'production', CONSOLE_DATA_DIR: dataDir, CONSOLE_SANDBOX: 'off', CONSOLE_WORKER: 'off', CONSOLE_DEMO: 'off', LOG_LEVEL: 'silent', ...extra },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('secrets in the environment', () => {
  it('secretProblem refuses short, spaced and repetitive keys and accepts a generated one', () => {
    expect(secretProblem('short-key')).toMatch(/too short \(9 characters; at least 32\)/);
    expect(secretProblem(' '.repeat(40))).toMatch(/spaces/);
    expect(secretProblem('abcdefghijklmnop qrstuvwxyz0123456789')).toMatch(/spaces/);
    expect(secretProblem('a'.repeat(40))).toMatch(/not random/);
    expect(secretProblem('pD2l0vYf3iH0m0m5lB-4bX9cZ8q1Wn7rT6sJ2kA_eE0')).toBeNull();
  });

  it('npm run worker with a short CONSOLE_SECRET_KEY exits non-zero saying what is wrong and how to generate one', { timeout: 90_000 }, async () => {
    const { code, stderr } = await run(['server/jobs/worker-cli.ts'], { CONSOLE_SECRET_KEY: 'too-short', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(code).toBe(1);
    expect(stderr).toContain('The worker cannot start.');
    expect(stderr).toContain('CONSOLE_SECRET_KEY is too short (9 characters; at least 32)');
    expect(stderr).toContain('openssl rand -base64 32');
    expect(stderr).not.toContain('too-short'); // the value itself is never printed
  });

  it('the console (instrumentation register) with a malformed AUTH_SECRET stops at start with the message', { timeout: 90_000 }, async () => {
    const { code, stderr } = await run(['--eval', "import('./instrumentation.ts').then((m) => m.register())"], { NEXT_RUNTIME: 'nodejs', AUTH_SECRET: 'x'.repeat(40) });
    expect(code).toBe(1);
    expect(stderr).toContain('The console cannot start.');
    expect(stderr).toContain('AUTH_SECRET is not random');
    expect(stderr).toContain('openssl rand -base64 32');
  });
});
