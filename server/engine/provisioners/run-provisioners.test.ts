// Provisioners against real sandbox hosts: the seed templates end to end, and each common option.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { waitHostRunning } from '@/server/testing/ssh-exec';
import type { Host } from '@/server/sandbox-cloud/world/types';
import { connectSsh } from '../communicator/ssh';
import type { Communicator } from '../communicator/types';
import { redactor } from '../runner/reporter';
import type { LogStream } from '../runner/step';
import { checkTemplate, type ResolvedProvisioner } from '../template/check-template';
import { ZFileProvisioner, ZShellProvisioner } from '../template/provisioners';
import { memoryFileSource, type MemoryFileSource } from './file-source';
import { ProvisionerError, runProvisioners, type ProvisionersContext } from './run-provisioners';

const PASSWORD = 'Prov-Test-Pass-1';
let sb: SandboxCloud;
const comms: Communicator[] = [];

beforeAll(async () => {
  sb = await startSandboxCloud({ timeScale: 0.1, sshPort: 20_000 + Math.floor(Math.random() * 40_000) });
});

afterAll(async () => {
  await Promise.all(comms.map((c) => c.close()));
  await sb?.close();
});

const waitRunning = (host: Host) => waitHostRunning(host);

async function ucloudHost(): Promise<{ host: Host; comm: Communicator }> {
  const host = await waitRunning(await sb.world.createHost({
    cloud: 'ucloud', ownerId: 'ucloud-sandbox', region: 'cn-bj2', zone: 'cn-bj2-02', imageId: 'uimage-vmy3ld', machineType: 'N',
    cpu: 2, memoryMb: 4096, bootDiskType: 'CLOUD_SSD', name: 'prov-test', login: { password: PASSWORD }, securityGroupIds: [],
  }));
  const comm = await connectSsh(
    { host: host.address, port: sb.world.sshPort, username: 'root', password: PASSWORD },
    { signal: new AbortController().signal, timeoutMs: 20_000, log: () => undefined, retryDelay: { baseMs: 50, capMs: 200 } },
  );
  comms.push(comm);
  return { host, comm };
}

async function awsHost(): Promise<{ host: Host; comm: Communicator }> {
  const { keyPair, privateKeyPem } = sb.world.createKeyPair({ cloud: 'aws', ownerId: '111122223333', region: 'us-east-1', name: `prov-${Date.now()}` });
  const host = await waitRunning(await sb.world.createHost({
    cloud: 'aws', ownerId: '111122223333', region: 'us-east-1', zone: 'us-east-1a', imageId: 'ami-0c7217cdde317cfec', machineType: 't3.small',
    cpu: 2, memoryMb: 2048, bootDiskType: 'gp3', name: 'prov-key', login: { keyName: keyPair.name }, securityGroupIds: [],
  }));
  const comm = await connectSsh(
    { host: host.address, port: sb.world.sshPort, username: 'ubuntu', privateKey: privateKeyPem },
    { signal: new AbortController().signal, timeoutMs: 20_000, log: () => undefined, retryDelay: { baseMs: 50, capMs: 200 } },
  );
  comms.push(comm);
  return { host, comm };
}

interface Logged {
  line: string;
  stream: LogStream;
}

function context(extra: Partial<ProvisionersContext> = {}): ProvisionersContext & { logged: Logged[]; files: MemoryFileSource } {
  const logged: Logged[] = [];
  return {
    signal: new AbortController().signal,
    log: (line, stream = 'info') => void logged.push({ line, stream }),
    files: memoryFileSource(),
    buildName: 'ucloud-cn-bj2',
    buildType: 'ucloud-uhost',
    buildData: { ID: 'uhost-x', Host: '127.0.0.9', Port: '22', User: 'root' },
    retryDelay: { baseMs: 50, capMs: 100 },
    ...extra,
    logged,
  } as ProvisionersContext & { logged: Logged[]; files: MemoryFileSource };
}

let nextIndex = 0;
const shell = (config: Record<string, unknown>): ResolvedProvisioner => ({ index: nextIndex++, type: 'shell', config: ZShellProvisioner.parse({ type: 'shell', ...config }) });
const file = (config: Record<string, unknown>): ResolvedProvisioner => ({ index: nextIndex++, type: 'file', config: ZFileProvisioner.parse({ type: 'file', ...config }) });
const lines = (logged: Logged[], stream: LogStream) => logged.filter((l) => l.stream === stream).map((l) => l.line);
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);

// ---- the seed templates ---------------------------------------------------------------------

const seedDir = (name: string) => fileURLToPath(new URL(`../../../db/seed-templates/${name}`, import.meta.url));
const seed = (name: string) => readFileSync(join(seedDir(name), 'template.json'), 'utf8');

describe('runProvisioners: the seed templates', () => {
  it.each([
    { template: 'rome-access', role: 'access', build: 'ucloud-cn-bj2' },
    { template: 'rome-forwarding', role: 'forwarding', build: 'aws-us-east-1' },
  ])('$template ($build) runs to success and leaves /etc/rome/role', async ({ template, role, build }) => {
    const check = checkTemplate(seed(template));
    expect(check.issues).toEqual([]);
    const resolved = check.template?.builds.find((b) => b.name === build);
    if (!resolved) throw new Error('no build');
    const { host, comm } = build.startsWith('aws') ? await awsHost() : await ucloudHost();
    const ctx = context({
      buildName: resolved.name,
      buildType: resolved.type,
      files: memoryFileSource({
        // The example's committed sample release (a build input) and config (an attachment).
        [`release/rome-${role}-2.3.1-linux-amd64.tar.gz`]: readFileSync(join(seedDir(template), 'inputs', 'release', `rome-${role}-2.3.1-linux-amd64.tar.gz`)),
        [`config/${role}.toml`]: readFileSync(join(seedDir(template), 'attachments', 'config', `${role}.toml`)),
      }),
    });
    await runProvisioners(comm, resolved.provisioners, ctx);

    const fs = sb.world.hostFs(host.id)!;
    expect(await fs.readFile('/etc/rome/role')).toBe(`${role}\n`);
    expect(await fs.readFile('/etc/rome/version')).toBe('2.3.1\n');
    expect(await fs.readFile(`/etc/rome/${role}.toml`)).toContain('listen');
    expect(await fs.exists(`/tmp/rome-${role}.tar.gz`)).toBe(false);
    // The uploaded scripts were cleaned up.
    expect((await fs.readdir('/tmp')).filter((n) => n.startsWith('script_'))).toEqual([]);
    const headers = lines(ctx.logged, 'info').filter((l) => l.startsWith('==> '));
    expect(headers).toEqual([
      `==> file provisioner 1/4: upload release/rome-${role}-2.3.1-linux-amd64.tar.gz => /tmp/rome-${role}.tar.gz`,
      `==> file provisioner 2/4: upload config/${role}.toml => /tmp/rome-${role}.toml`,
      `==> shell provisioner 3/4: inline script (${role === 'access' ? 11 : 12} lines)`,
      '==> shell provisioner 4/4: inline script (3 lines)',
    ]);
  });
});

// ---- shell options --------------------------------------------------------------------------

describe('runProvisioners: shell', () => {
  let comm: Communicator;
  let host: Host;
  beforeAll(async () => {
    ({ comm, host } = await ucloudHost());
  });

  it('a script exiting 1 fails with a ProvisionerError naming the code', async () => {
    const ctx = context();
    const err = await failure(runProvisioners(comm, [shell({ inline: 'true' }), shell({ inline: ['echo before', 'exit 1', 'echo never'] })], ctx));
    expect(err).toBeInstanceOf(ProvisionerError);
    expect(err).toMatchObject({ position: 2, type: 'shell', exitCode: 1, reason: 'exit-code', message: 'shell provisioner 2 failed: script exited with code 1 (valid: 0)' });
    expect(lines(ctx.logged, 'stdout')).toEqual(['before']);
  });

  it('streams stdout and stderr lines with their stream, and inline_shebang -e stops at the first failure', async () => {
    const ctx = context();
    const err = await failure(runProvisioners(comm, [shell({ inline: ['echo out-1', 'echo err-1 >&2', 'false', 'echo not-reached'] })], ctx));
    expect(err).toMatchObject({ exitCode: 1 });
    expect(lines(ctx.logged, 'stdout')).toEqual(['out-1']);
    expect(lines(ctx.logged, 'stderr')).toEqual(['err-1']);
  });

  it('valid_exit_codes [0, 3] accepts 3', async () => {
    const ctx = context();
    await runProvisioners(comm, [shell({ inline: 'exit 3', valid_exit_codes: [0, 3] })], ctx);
    expect(lines(ctx.logged, 'info')).toContain('Script exited with code 3, which valid_exit_codes accepts');
    const err = await failure(runProvisioners(comm, [shell({ inline: 'exit 4', valid_exit_codes: [0, 3] })], context()));
    expect((err as Error).message).toBe('shell provisioner 1 failed: script exited with code 4 (valid: 0, 3)');
  });

  it('max_retries 2 re-runs a script that fails the first time', async () => {
    const marker = `/tmp/retry-marker-${Date.now()}`;
    const ctx = context();
    await runProvisioners(comm, [shell({ max_retries: 2, inline: [`if [ -f ${marker} ]; then echo second-try; else touch ${marker}; echo first-try; exit 1; fi`] })], ctx);
    expect(lines(ctx.logged, 'stdout')).toEqual(['first-try', 'second-try']);
    expect(lines(ctx.logged, 'info')).toContain('Retrying shell provisioner 1 (attempt 2 of 3)');
    // Without retries the same failure is final.
    const err = await failure(runProvisioners(comm, [shell({ inline: 'exit 7', max_retries: 1 })], context()));
    expect(err).toMatchObject({ exitCode: 7 });
  });

  it('timeout aborts a sleep 30', async () => {
    const started = Date.now();
    const err = await failure(runProvisioners(comm, [shell({ inline: 'sleep 30', timeout: '1s' })], context()));
    expect(err).toMatchObject({ reason: 'timeout', message: 'shell provisioner 1 failed: timed out after 1s' });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a cancel mid-exec stops quickly with the signal reason (no ProvisionerError, no retry)', async () => {
    const ac = new AbortController();
    const ctx = context({ signal: ac.signal });
    setTimeout(() => ac.abort(new Error('run cancelled')), 300);
    const started = Date.now();
    const err = await failure(runProvisioners(comm, [shell({ inline: 'sleep 30', max_retries: 3 }), shell({ inline: 'echo never' })], ctx));
    expect(err).not.toBeInstanceOf(ProvisionerError);
    expect((err as Error).message).toBe('run cancelled');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(lines(ctx.logged, 'info').some((l) => l.includes('provisioner 2'))).toBe(false);
  });

  it('pause_before waits, and a cancel during the pause ends it', async () => {
    const ctx = context();
    const started = Date.now();
    await runProvisioners(comm, [shell({ inline: 'echo paused', pause_before: '400ms' })], ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(lines(ctx.logged, 'info')).toContain('Pausing 400ms before shell provisioner 1');
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled in pause')), 100);
    await expect(runProvisioners(comm, [shell({ inline: 'true', pause_before: '1m' })], context({ signal: ac.signal }))).rejects.toThrow('cancelled in pause');
  });

  it('environment_vars with quotes and shell syntax reach the script intact; PACKER_* are set', async () => {
    const tricky = `it's a "test" with $HOME, \`uname\`, ; & | \\ and 'quotes'`;
    const ctx = context();
    await runProvisioners(comm, [shell({
      environment_vars: [`TRICKY=${tricky}`, 'EMPTY=', 'WITH_EQ=a=b'],
      inline: ['printf "%s\\n" "$TRICKY"', 'printf "[%s]\\n" "$EMPTY"', 'echo "$WITH_EQ"', 'echo "$PACKER_BUILD_NAME/$PACKER_BUILDER_TYPE"'],
    })], ctx);
    expect(lines(ctx.logged, 'stdout')).toEqual([tricky, '[]', 'a=b', 'ucloud-cn-bj2/ucloud-uhost']);
  });

  it('use_env_var_file sources the variables from a file', async () => {
    const ctx = context();
    await runProvisioners(comm, [shell({ use_env_var_file: true, environment_vars: ["Q=it's"], inline: 'echo "$Q"' })], ctx);
    expect(lines(ctx.logged, 'stdout')).toEqual(["it's"]);
    expect((await sb.world.hostFs(host.id)!.readdir('/tmp')).filter((n) => n.startsWith('varfile_'))).toEqual([]);
  });

  it('a secret in environment_vars never appears in the logs: the provisioner never logs the command, the redacting log hides the output', async () => {
    const secret = 'S3cr3t-T0ken-Value';
    const raw: Logged[] = [];
    const redact = redactor([secret]);
    const ctx = context({ log: (line, stream = 'info') => void raw.push({ line, stream }) });
    const redacted: string[] = [];
    const both = { ...ctx, log: (line: string, stream?: LogStream) => { ctx.log(line, stream); redacted.push(redact(line)); } };
    await runProvisioners(comm, [shell({ environment_vars: [`API_TOKEN=${secret}`], inline: 'echo "token=$API_TOKEN"' })], both);
    // What the provisioner itself writes (headers, status lines) never holds the value or the command.
    expect(raw.filter((l) => l.stream === 'info').some((l) => l.line.includes(secret) || l.line.includes('API_TOKEN'))).toBe(false);
    // Only the script's own output carried it, and the redacting log hid that.
    expect(redacted).toContain('token=[redacted]');
    expect(redacted.join('\n')).not.toContain(secret);
    // A failing run's error does not carry it either.
    const err = await failure(runProvisioners(comm, [shell({ environment_vars: [`API_TOKEN=${secret}`], inline: 'exit 2' })], context()));
    expect(JSON.stringify(err) + String(err)).not.toContain(secret);
  });

  it('renders {{ build `Key` }} at run time, and execute_command with .Path and .Vars', async () => {
    const ctx = context();
    await runProvisioners(comm, [shell({
      environment_vars: ['WHO={{ build `User` }}'],
      execute_command: "{{ .Vars }} sh -c 'echo via-custom; sh {{ .Path }}'",
      inline: 'echo "id={{ build `ID` }} who=$WHO"',
    })], ctx);
    expect(lines(ctx.logged, 'stdout')).toEqual(['via-custom', 'id=uhost-x who=root']);
    const err = await failure(runProvisioners(comm, [shell({ inline: 'echo {{ build `Nope` }}' })], context()));
    expect(err).toMatchObject({ reason: 'config' });
    expect((err as Error).message).toContain('the builder generates no data named "Nope"');
  });

  it('runs script and scripts from the build files, with CRLF turned into LF', async () => {
    const ctx = context({ files: memoryFileSource({ 'scripts/a.sh': '#!/bin/sh\r\necho a-ran\r\n', 'scripts/b.sh': '#!/bin/sh\necho "b-ran $1"\n' }) });
    await runProvisioners(comm, [shell({ script: 'scripts/a.sh' }), shell({ scripts: ['scripts/b.sh', 'scripts/a.sh'] })], ctx);
    expect(lines(ctx.logged, 'stdout')).toEqual(['a-ran', 'b-ran ', 'a-ran']);
    const err = await failure(runProvisioners(comm, [shell({ script: 'scripts/missing.sh', max_retries: 3 })], ctx));
    expect(err).toMatchObject({ reason: 'file', retryable: false, message: 'shell provisioner 1 failed: File "scripts/missing.sh" is not among the template\'s attachments or the build\'s inputs.' });
    expect(lines(ctx.logged, 'info').filter((l) => l.startsWith('Retrying'))).toEqual([]);
  });
});

describe('runProvisioners: expect_disconnect', () => {
  it('a dropped connection is fine with expect_disconnect, and the next provisioner reconnects', async () => {
    const { host, comm } = await ucloudHost();
    // The "reboot": the host goes down mid-script and comes back.
    setTimeout(() => {
      sb.world.stopHost(host);
      const back = setInterval(() => {
        if (host.state === 'stopped') {
          clearInterval(back);
          sb.world.startHost(host);
        }
      }, 20);
    }, 300);
    const ctx = context();
    await runProvisioners(comm, [shell({ inline: 'sleep 20', expect_disconnect: true }), shell({ inline: 'echo after-reboot' })], ctx);
    expect(lines(ctx.logged, 'info')).toContain('The connection dropped while the script ran, as expected (expect_disconnect)');
    expect(lines(ctx.logged, 'stdout')).toEqual(['after-reboot']);
  });

  it('without expect_disconnect a dropped connection fails the provisioner', async () => {
    const { host, comm } = await ucloudHost();
    setTimeout(() => sb.world.stopHost(host), 300);
    const err = await failure(runProvisioners(comm, [shell({ inline: 'sleep 20' })], context()));
    expect(err).toMatchObject({ reason: 'disconnected', exitCode: null });
    expect((err as Error).message).toMatch(/^shell provisioner 1 failed: lost the SSH connection while the script ran/);
  });
});

// ---- file -----------------------------------------------------------------------------------

describe('runProvisioners: file', () => {
  it('uploads a source, into a directory, content; downloads back into the build files', async () => {
    const { host, comm } = await ucloudHost();
    const ctx = context({ files: memoryFileSource({ 'files/app.conf': 'key = 1\n', 'files/b.txt': 'bee' }) });
    await runProvisioners(comm, [
      file({ source: 'files/app.conf', destination: '/etc/app.conf' }),
      file({ source: 'files/app.conf', destination: '/tmp/' }),
      file({ sources: ['files/app.conf', 'files/b.txt'], destination: '/opt' }),
      file({ content: 'inline content', destination: '/tmp/content.txt' }),
      file({ source: '/etc/hostname', destination: 'out/', direction: 'download' }),
      file({ source: '/tmp/content.txt', destination: 'out/copy.txt', direction: 'download' }),
    ], ctx);
    const fs = sb.world.hostFs(host.id)!;
    expect(await fs.readFile('/etc/app.conf')).toBe('key = 1\n');
    expect(await fs.readFile('/tmp/app.conf')).toBe('key = 1\n');
    expect(await fs.readFile('/opt/b.txt')).toBe('bee');
    expect(await fs.readFile('/tmp/content.txt')).toBe('inline content');
    expect(ctx.files.files.get('out/hostname')?.toString()).toBe(`${host.id}\n`);
    expect(ctx.files.files.get('out/copy.txt')?.toString()).toBe('inline content');
    expect(lines(ctx.logged, 'info')).toContain('Uploading files/app.conf (8 bytes) => /tmp/app.conf');
  });

  it('a missing local file, an upload into a missing directory and a missing remote file fail with ProvisionerErrors', async () => {
    const { comm } = await ucloudHost();
    const ctx = context({ files: memoryFileSource({ 'a.txt': 'a' }) });
    expect(await failure(runProvisioners(comm, [file({ source: 'nope.txt', destination: '/tmp/x' })], ctx))).toMatchObject({ type: 'file', reason: 'file' });
    const up = await failure(runProvisioners(comm, [file({ source: 'a.txt', destination: '/no/such/dir/a.txt' })], ctx));
    expect(up).toMatchObject({ reason: 'transfer', message: expect.stringMatching(/^file provisioner 1 failed: could not upload to \/no\/such\/dir\/a\.txt: No such file/) });
    const down = await failure(runProvisioners(comm, [file({ source: '/nope', destination: 'x', direction: 'download' })], ctx));
    expect(down).toMatchObject({ reason: 'transfer', message: expect.stringMatching(/^file provisioner 1 failed: could not download \/nope/) });
  });
});
