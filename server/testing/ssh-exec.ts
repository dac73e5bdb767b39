import { Client, type ConnectConfig } from 'ssh2';

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Connects, runs one command, and disconnects; for tests that check what is on a host. */
export function sshExec(config: ConnectConfig, command: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.exec(command, (err, stream) => {
          if (err) {
            client.end();
            reject(err);
            return;
          }
          let stdout = '';
          let stderr = '';
          stream.on('data', (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          stream.on('close', (code: number | null) => {
            client.end();
            resolve({ stdout, stderr, code });
          });
        });
      })
      .on('error', reject)
      .connect({ readyTimeout: 10_000, ...config });
  });
}

/** Polls until fn returns a truthy value. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until a sandbox host (a world object, updated in place by the clock) is running. */
export async function waitHostRunning<H extends { id: string; state: string }>(host: H, timeoutMs = 10_000): Promise<H> {
  await waitFor(`host ${host.id} running`, async () => host.state === 'running', timeoutMs, 20);
  return host;
}
