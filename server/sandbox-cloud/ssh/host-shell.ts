import { randomBytes } from 'node:crypto';
import { Bash, type InMemoryFs } from 'just-bash';
import type { Host } from '../world/types';
import { execFilePlugin, exportPrelude, findUser, SECURE_PATH, sandboxCommands, unitsStartedAtBoot, type HostState } from './commands';

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

/** Directories every cloud image has; seeds and older snapshots may lack some. */
const STANDARD_DIRS = ['/tmp', '/root', '/opt', '/etc/sysctl.d', '/etc/default', '/etc/skel', '/usr/local/bin', '/usr/local/sbin', '/usr/lib/systemd/system', '/var/lib', '/var/log', '/var/tmp', '/home', '/srv', '/mnt', '/run'];

/** Identity variables a client's `env` requests may not override. */
const IDENTITY = new Set(['HOME', 'USER', 'LOGNAME', 'SHELL']);

/** Runs commands on one host: one just-bash shell over the host's disk, shared by all its sessions. */
export class HostShell {
  private readonly bash: Bash;

  constructor(
    readonly host: Host,
    readonly fs: InMemoryFs,
    readonly state: HostState,
  ) {
    // $UID/$EUID come from processInfo, fixed per shell: 0, since sudo (the usual way in) runs as root.
    this.bash = new Bash({
      fs,
      cwd: '/',
      env: { PATH: SECURE_PATH, HOME: '/root', LANG: 'C.UTF-8' },
      customCommands: sandboxCommands(state),
      processInfo: { uid: 0, gid: 0 },
      // Provisioning scripts run for minutes on real hosts; the default 30 s deadline would cut them off.
      executionLimits: { maxExecutionTimeMs: 60 * 60_000 },
    });
    this.bash.registerTransformPlugin(execFilePlugin);
  }

  /** What a boot leaves behind: standard directories, a machine id, cloud-init done, enabled units running. */
  async boot(): Promise<void> {
    for (const dir of STANDARD_DIRS) await this.fs.mkdir(dir, { recursive: true });
    await this.fs.chmod('/tmp', 0o1777);
    const machineId = await this.fs.readFile('/etc/machine-id').catch(() => '');
    // An image that emptied /etc/machine-id (as templates do before capture) gets a new id at first boot.
    if (!machineId.trim()) await this.fs.writeFile('/etc/machine-id', `${randomBytes(16).toString('hex')}\n`);
    if (!(await this.fs.exists('/etc/sysctl.conf'))) await this.fs.writeFile('/etc/sysctl.conf', '# /etc/sysctl.conf - Configuration file for setting system variables\n');
    await this.fs.writeFile('/var/lib/cloud/instance/boot-finished', `${(Date.now() / 1000).toFixed(2)} - sandbox\n`);
    this.state.activeUnits.clear();
    this.state.kernel.clear();
    for (const unit of await unitsStartedAtBoot(this.fs)) this.state.activeUnits.add(unit);
  }

  /** The login environment of a user, as sshd and PAM would set it up. */
  async loginEnv(user: string, clientEnv: Record<string, string> = {}): Promise<{ env: Record<string, string>; cwd: string }> {
    const entry = await findUser(this.fs, user);
    const home = entry?.home ?? (user === 'root' ? '/root' : `/home/${user}`);
    const cwd = (await this.fs.stat(home).then((s) => s.isDirectory).catch(() => false)) ? home : '/';
    const env: Record<string, string> = { PATH: SECURE_PATH, LANG: 'C.UTF-8' };
    for (const [k, v] of Object.entries(clientEnv)) if (!IDENTITY.has(k)) env[k] = v;
    Object.assign(env, { HOME: home, USER: user, LOGNAME: user, SHELL: entry?.shell ?? '/bin/bash', PWD: cwd });
    return { env, cwd };
  }

  async run(command: string, opts: { user: string; env?: Record<string, string>; stdin?: Buffer; signal?: AbortSignal }): Promise<RunResult> {
    const { env, cwd } = await this.loginEnv(opts.user, opts.env);
    try {
      const result = await this.bash.exec(exportPrelude(Object.keys(env)) + command, {
        env,
        cwd,
        stdin: (opts.stdin ?? Buffer.alloc(0)).toString('latin1'),
        stdinKind: 'bytes',
        signal: opts.signal,
      });
      return { stdout: encodeOutput(result.stdout), stderr: encodeOutput(result.stderr), exitCode: result.exitCode };
    } catch (err) {
      const aborted = opts.signal?.aborted === true;
      return { stdout: Buffer.alloc(0), stderr: Buffer.from(aborted ? '' : `bash: ${err instanceof Error ? err.message : String(err)}\n`), exitCode: aborted ? 143 : 1 };
    }
  }
}

/**
 * just-bash hands back output as UTF-8-decoded text when the bytes were valid UTF-8 and as a
 * latin1 byte string otherwise, without saying which. Text decoded from UTF-8 never contains C1
 * controls or NUL, binary almost always does; that tells the two apart.
 */
export function encodeOutput(out: string): Buffer {
  let high = false;
  for (let i = 0; i < out.length; i++) {
    const c = out.charCodeAt(i);
    if (c > 0xff) return Buffer.from(out, 'utf8');
    if (c >= 0x80) high = true;
  }
  if (!high) return Buffer.from(out, 'latin1');
  const bytes = Buffer.from(out, 'latin1');
  // Valid UTF-8 bytes would have been decoded, so such a string is text.
  if (isValidUtf8(bytes)) return Buffer.from(out, 'utf8');
  return /[\u0000\u0080-\u009f]/.test(out) ? bytes : Buffer.from(out, 'utf8');
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
