import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A child started in its own process group, so the whole tree (npx → sh → tsx → node) can be ended. */
export interface GroupProcess {
  child: ChildProcess;
  /** Everything the tree wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal) of the group leader. */
  exited: Promise<number | string | null>;
  /** SIGTERM to the group, SIGKILL to whatever is left after `graceMs`; resolves when none is left. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnGroup(command: string, args: string[], opts: SpawnOptions = {}): GroupProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts, detached: true });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return {
    child,
    output: () => out,
    exited,
    async stop(graceMs = 5_000) {
      if (!child.pid) return;
      signalGroup(child.pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(child.pid)) signalGroup(child.pid, 'SIGKILL');
      while (groupAlive(child.pid)) await new Promise((r) => setTimeout(r, 50));
    },
  };
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Whether any process of the group led by `pid` still exists. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
