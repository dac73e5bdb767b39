import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { E2E_PORT } from './playwright.config';

/**
 * Starts `next start` on a fresh embedded database and waits for the first-start banner,
 * so the tests sign in with the admin password the console really printed.
 */
export default async function globalSetup() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rome-e2e-'));
  const server = spawn('npx', ['next', 'start', '-p', String(E2E_PORT)], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: {
      ...process.env,
      CONSOLE_DATA_DIR: dataDir,
      CONSOLE_URL: `http://127.0.0.1:${E2E_PORT}`,
      PORT: String(E2E_PORT),
      ADMIN_EMAIL: '',
      ADMIN_PASSWORD: '',
      DATABASE_URL: '',
      // Its own sandbox port, so a developer's running sandbox (4600) does not collide.
      SANDBOX_PORT: String(E2E_PORT + 500),
      SANDBOX_SSH_PORT: String(E2E_PORT + 600),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  server.stderr.on('data', (d) => (output += d));
  const credentials = await new Promise<{ email: string; password: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`console did not start:\n${output}`)), 120_000);
    server.stdout.on('data', (d) => {
      output += d;
      const email = /Admin e-mail:\s+(\S+)/.exec(output)?.[1];
      const password = /Admin password:\s+(\S+)/.exec(output)?.[1];
      if (email && password && output.includes('console ready')) {
        clearTimeout(timer);
        resolve({ email, password });
      }
    });
    server.once('exit', (code) => reject(new Error(`console exited with ${code}:\n${output}`)));
  });
  process.env.E2E_ADMIN_EMAIL = credentials.email;
  process.env.E2E_ADMIN_PASSWORD = credentials.password;

  return async () => {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
