import type { ServerChannel } from 'ssh2';
import { ByteReader, writeAll } from './byte-reader';
import { findUser } from './commands';
import type { HostShell } from './host-shell';
import { parseScpCommand, runScp } from './scp';

/** One logged-in session: who, with which env requests, on which host. */
export interface SessionContext {
  shell: HostShell;
  user: string;
  env: Record<string, string>;
  pty: boolean;
  signal: AbortSignal;
}

/** How long an exec waits for stdin when the client sends neither data nor EOF. */
const STDIN_IDLE_MS = 100;
/** Once data flows, a pause this long (without EOF) ends the input. */
const STDIN_GAP_MS = 2000;

/**
 * just-bash takes stdin as a whole, so the command runs once the client closes its input. Go's
 * ssh (Packer) sends EOF at once when there is no input; clients that never send EOF (a Node
 * `exec` without `end()`) get the command run after a short quiet period instead of hanging.
 */
function collectStdin(channel: ServerChannel): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      channel.off('data', onData);
      channel.off('end', done);
      channel.off('close', done);
      resolve(Buffer.concat(chunks));
    };
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(done, ms);
    };
    const onData = (data: Buffer) => {
      chunks.push(data);
      arm(STDIN_GAP_MS);
    };
    channel.on('data', onData);
    channel.once('end', done);
    channel.once('close', done);
    arm(STDIN_IDLE_MS);
  });
}

/** A terminal turns \n into \r\n and mixes stderr into the one stream. */
function forTerminal(data: Buffer): Buffer {
  return Buffer.from(data.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export function finish(channel: ServerChannel, code: number): void {
  if (channel.destroyed || !channel.writable) return;
  try {
    channel.exit(code);
    channel.end();
  } catch {
    // the client went away first
  }
}

export async function handleExec(channel: ServerChannel, command: string, s: SessionContext): Promise<void> {
  const scp = parseScpCommand(command);
  if (scp) {
    const { cwd } = await s.shell.loginEnv(s.user);
    const owner = await findUser(s.shell.fs, s.user);
    const code = await runScp(channel, scp, {
      fs: s.shell.fs,
      cwd,
      own: (path) => s.shell.state.owners.set(path, { uid: owner?.uid ?? 0, gid: owner?.gid ?? 0 }),
    });
    return finish(channel, code);
  }
  const stdin = await collectStdin(channel);
  const result = await s.shell.run(command, { user: s.user, env: s.env, stdin, signal: s.signal });
  if (s.signal.aborted) return;
  if (s.pty) {
    const out = forTerminal(Buffer.concat([result.stdout, result.stderr]));
    if (out.length) await writeAll(channel, out);
  } else {
    if (result.stdout.length) await writeAll(channel, result.stdout);
    if (result.stderr.length) await writeAll(channel.stderr, result.stderr);
  }
  finish(channel, result.exitCode);
}

/** A line-at-a-time login shell for `ssh host` without a command. */
export async function handleShell(channel: ServerChannel, s: SessionContext): Promise<void> {
  const reader = new ByteReader(channel);
  const hostname = ((await s.shell.fs.readFile('/etc/hostname').catch(() => 'localhost')).trim() || 'localhost').split('.')[0];
  const prompt = () => writeAll(channel, `${s.user}@${hostname}:~${s.user === 'root' ? '#' : '$'} `);
  let last = 0;
  await prompt();
  for (;;) {
    const line = s.pty ? await readTerminalLine(reader, channel) : await reader.readLine();
    if (line === null || s.signal.aborted) break;
    const exit = line.trim().match(/^(exit|logout)(?:\s+(\d+))?$/);
    if (exit) {
      last = exit[2] ? Number(exit[2]) : last;
      break;
    }
    if (line.trim()) {
      const r = await s.shell.run(line, { user: s.user, env: s.env, signal: s.signal });
      if (s.pty) await writeAll(channel, forTerminal(Buffer.concat([r.stdout, r.stderr])));
      else {
        await writeAll(channel, r.stdout);
        await writeAll(channel.stderr, r.stderr);
      }
      last = r.exitCode;
    }
    await prompt();
  }
  finish(channel, last);
}

/** Reads keystrokes with echo and backspace, as a terminal in cooked mode would. */
async function readTerminalLine(reader: ByteReader, channel: ServerChannel): Promise<string | null> {
  let line = '';
  for (;;) {
    const b = await reader.readByte();
    if (b === null) return null;
    if (b === 0x0d || b === 0x0a) {
      await writeAll(channel, '\r\n');
      return line;
    }
    if (b === 0x04 && !line) return null;
    if (b === 0x03) {
      await writeAll(channel, '^C\r\n');
      return '';
    }
    if (b === 0x7f || b === 0x08) {
      if (line) {
        line = line.slice(0, -1);
        await writeAll(channel, '\b \b');
      }
      continue;
    }
    if (b >= 0x20) {
      line += String.fromCharCode(b);
      await writeAll(channel, Buffer.from([b]));
    }
  }
}
