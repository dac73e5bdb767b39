import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '@/server/lib/retry';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { loadSeed, patchBuilders, resourcesOfRun, seedFiles } from './builders/testing/fixtures';
import { main, type CliIo } from './cli';

const ROOT = join(import.meta.dirname, '../..');

let sb: SandboxCloud;
let dir: string;

beforeAll(async () => {
  sb = await startSandboxCloud({ timeScale: 0.1, sshPort: 20_000 + Math.floor(Math.random() * 20_000) });
  dir = await mkdtemp(join(tmpdir(), 'image-cli-'));
  const files = await seedFiles('access');
  for (const [path, content] of files.files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await writeFile(join(dir, 'template.json'), JSON.stringify(patchBuilders(loadSeed('rome-access'), { 'amazon-ebs': { ami_regions: ['us-west-2'] } })));
});
const children: ChildProcess[] = [];
afterEach(async () => {
  await fetch(`${sb.url}/_sandbox/faults`, { method: 'DELETE' });
});
afterAll(async () => {
  // Every child runs in its own process group; end the whole group (npx → tsx → node).
  for (const c of children) if (c.pid && c.exitCode === null && c.signalCode === null) killGroup(c.pid);
  await sb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    env: cliEnv(),
  };
}

function cliEnv(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIASANDBOX000000000',
    AWS_SECRET_ACCESS_KEY: 'sandbox-secret-key',
    AWS_ENDPOINT_URL_EC2: `${sb.url}/ec2`,
    UCLOUD_PUBLIC_KEY: 'sandbox-public-key',
    UCLOUD_PRIVATE_KEY: 'sandbox-private-key',
    UCLOUD_PROJECT_ID: 'org-sandbox',
    UCLOUD_ENDPOINT: `${sb.url}/ucloud`,
    IMAGE_SSH_PORT: String(sb.world.sshPort),
    IMAGE_POLL_MS: '50',
  };
}

async function faults(config: object): Promise<void> {
  const res = await fetch(`${sb.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) });
  expect(res.status).toBe(200);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

describe('image CLI', () => {
  it('validate asks the clouds what the regions can run, and explains field problem #3 with the fix', async () => {
    const gdImage = [...sb.world.images.values()].find((i) => i.cloud === 'ucloud' && i.region === 'cn-gd' && i.name === 'Ubuntu 22.04 64位')!;
    const template = patchBuilders(loadSeed('rome-access'), { 'ucloud-uhost': { region: 'cn-gd', availability_zone: 'cn-gd-02', source_image_id: gdImage.id } });
    await writeFile(join(dir, 'gd.json'), JSON.stringify(template));
    const v = io();
    v.env = { ...v.env, UCLOUD_PUBLIC_KEY: 'sandbox-public-key', UCLOUD_PRIVATE_KEY: 'sandbox-private-key', UCLOUD_PROJECT_ID: 'org-sandbox', UCLOUD_ENDPOINT: `${sb.url}/ucloud` };
    expect(await main(['validate', join(dir, 'gd.json')], v)).toBe(1);
    const text = v.errors.join('\n');
    expect(text).toContain('zone cn-gd-02 of cn-gd has no cloud_ssd boot disk');
    expect(text).toMatch(/"boot_disk_type": "local_(ssd|normal)"/);
    expect(text).toContain('"image_copy_to_mappings"');
    // Validation never calls a mutating cloud API.
    expect([...sb.world.hosts.values()].filter((h) => h.region === 'cn-gd')).toHaveLength(0);
  });

  it('validate and inspect a template', async () => {
    const v = io();
    expect(await main(['validate', join(dir, 'template.json')], v)).toBe(0);
    expect(v.lines).toContain('The configuration is valid.');
    const i = io();
    expect(await main(['inspect', join(dir, 'template.json')], i)).toBe(0);
    expect(i.lines.join('\n')).toMatch(/aws-us-east-1 \(amazon-ebs\)/);
  });

  it('build --only --machine-readable prints Packer records and writes the manifest next to the template', { timeout: 60_000 }, async () => {
    const b = io();
    const code = await main(['build', '--only', 'aws-us-east-1', '--machine-readable', join(dir, 'template.json')], b);
    expect(code, b.lines.concat(b.errors).join('\n')).toBe(0);
    expect(b.lines.some((l) => /^\d+,,ui,say,==> aws-us-east-1: Creating host…$/.test(l))).toBe(true);
    const id = b.lines.find((l) => l.includes(',artifact,0,id,'));
    expect(id).toMatch(/^\d+,aws-us-east-1,artifact,0,id,us-east-1:ami-\w+%!\(PACKER_COMMA\)us-west-2:ami-\w+$/);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest-rome-access.json'), 'utf8')) as { builds: { name: string }[] };
    expect(manifest.builds.map((x) => x.name)).toEqual(['aws-us-east-1']);
  });

  it('validate fails, naming the region, when a region\'s capabilities cannot be read; --offline skips them and says so', async () => {
    await faults({ actions: { 'ucloud:DescribeAvailableInstanceTypes': { errorRate: 1, code: '8199', message: 'capability service is down' } } });
    const v = io();
    expect(await main(['validate', join(dir, 'template.json')], v)).toBe(1);
    const text = v.errors.join('\n');
    expect(text).toMatch(/could not check ucloud region [a-z0-9-]+: .*capability service is down/);
    expect(text).toContain('--offline');
    expect(v.lines).not.toContain('The configuration is valid.');

    const o = io();
    expect(await main(['validate', '--offline', join(dir, 'template.json')], o)).toBe(0);
    expect(o.lines).toContain('The configuration is valid.');
    expect(o.errors.join('\n')).toMatch(/--offline: region capabilities and source images were not checked/);
  });

  it('validate without credentials for a cloud of the template fails and names its regions', async () => {
    const v = io();
    v.env = { ...v.env, UCLOUD_PUBLIC_KEY: undefined, UCLOUD_PRIVATE_KEY: undefined };
    expect(await main(['validate', join(dir, 'template.json')], v)).toBe(1);
    expect(v.errors.join('\n')).toContain('could not check ucloud region cn-bj2: no ucloud credentials in the environment');
  });

  it('build exits non-zero when a requested copy failed, and still prints the artifact', { timeout: 60_000 }, async () => {
    await faults({ failCopiesTo: ['us-west-2'] });
    const b = io();
    const code = await main(['build', '--only', 'aws-us-east-1', join(dir, 'template.json')], b);
    expect(code, b.lines.concat(b.errors).join('\n')).toBe(1);
    expect(b.lines.some((l) => /^--> aws-us-east-1: .*us-east-1: ami-\w+/s.test(l))).toBe(true);
    expect(b.lines).toContainEqual(expect.stringMatching(/^--> aws-us-east-1: copy to us-west-2 FAILED/));
    expect(b.errors.join('\n')).toMatch(/1 requested image copy failed \(aws-us-east-1 → us-west-2\)/);
  });

  it('cleanup --run-id deletes everything a kill -9\'d build left, the UCloud EIP and firewall included', { timeout: 120_000 }, async () => {
    // The host never answers SSH, so the build sits in connect-ssh with host, EIP and firewall made.
    await faults({ unreachableHosts: 'all' });
    const child = spawn('npx', ['tsx', 'server/engine/cli.ts', 'build', '--only', 'ucloud-cn-bj2', join(dir, 'template.json')], {
      cwd: ROOT,
      env: { ...process.env, ...cliEnv(), LOG_LEVEL: 'silent' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.resume();
    let runId = '';
    const deadline = Date.now() + 90_000;
    for (;;) {
      runId = /run id (\S+) /.exec(stderr)?.[1] ?? '';
      if (runId) {
        const kinds = new Set((await resourcesOfRun(sb.url, runId)).map((r) => r.kind));
        if (kinds.has('host') && kinds.has('eip') && kinds.has('firewall')) break;
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the build did not get to SSH: ${stderr}`);
      await sleep(50);
    }
    // Every temporary resource carries the run id as a label of its own, not only in a name.
    const left = await resourcesOfRun(sb.url, runId);
    for (const kind of ['host', 'eip', 'firewall']) expect(left.find((r) => r.kind === kind)?.tags['Tag'], kind).toBe(runId);

    const exited = new Promise((r) => child.once('exit', r));
    killGroup(child.pid!);
    await exited;
    await sleep(200);
    expect((await resourcesOfRun(sb.url, runId)).map((r) => r.kind).sort()).toEqual(['eip', 'firewall', 'host']);

    const c = io();
    expect(await main(['cleanup', '--run-id', runId, '--cloud', 'ucloud'], c), c.errors.join('\n')).toBe(0);
    const out = c.lines.join('\n');
    expect(out).toMatch(/deleted ucloud cn-bj2 host uhost-/);
    expect(out).toMatch(/deleted ucloud cn-bj2 eip eip-/);
    expect(out).toMatch(/deleted ucloud cn-bj2 firewall firewall-/);
    expect(await resourcesOfRun(sb.url, runId)).toEqual([]);

    // Idempotent: a second cleanup finds nothing and succeeds.
    const again = io();
    expect(await main(['cleanup', '--run-id', runId, '--cloud', 'ucloud', '--region', 'cn-bj2'], again)).toBe(0);
    expect(again.lines.join('\n')).toContain(`nothing of run ${runId} is left`);
  });

  it("build prints the remote commands' stdout and stderr as indented output lines, never as ==> step lines", { timeout: 60_000 }, async () => {
    const t = patchBuilders(loadSeed('rome-access'), {});
    const template = { ...t, provisioners: [{ type: 'shell', inline: ['echo remote-out-line', 'echo remote-err-line >&2'] }], 'post-processors': [] };
    await writeFile(join(dir, 'remote-output.json'), JSON.stringify(template));
    const b = io();
    const code = await main(['build', '--only', 'aws-us-east-1', join(dir, 'remote-output.json')], b);
    expect(code, b.lines.concat(b.errors).join('\n')).toBe(0);
    const all = [...b.lines, ...b.errors];
    expect(all.filter((l) => l.includes('remote-out-line'))).toEqual(['    aws-us-east-1: remote-out-line']);
    expect(all.filter((l) => l.includes('remote-err-line'))).toEqual(['    aws-us-east-1: remote-err-line']);
    // The engine's own steps are still headlines.
    expect(b.lines).toContain('==> aws-us-east-1: Provisioning…');
  });

  it('--help, -h and help print the usage with the commands, flags and environment variables, and exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['build', '--help'], ['cleanup', '-h']]) {
      const h = io();
      expect(await main(argv, h), argv.join(' ')).toBe(0);
      const text = h.lines.join('\n');
      expect(h.errors).toEqual([]);
      for (const word of ['build', 'validate', 'inspect', 'copy', 'cleanup', '--only', '--machine-readable', '--offline', '--run-id']) expect(text).toContain(word);
      for (const name of ['UCLOUD_PUBLIC_KEY', 'UCLOUD_PRIVATE_KEY', 'UCLOUD_PROJECT_ID', 'UCLOUD_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_EC2', 'IMAGE_SSH_PORT', 'IMAGE_POLL_MS']) expect(text).toContain(name);
    }
    // No arguments at all: the usage on stderr and exit 2 (a usage error), as the usage says.
    const none = io();
    expect(await main([], none)).toBe(2);
    expect(none.lines).toEqual([]);
    expect(none.errors.join('\n')).toContain('usage: npm run image -- <command>');
  });

  it('`npm run image -- --help` prints the usage and exits 0', { timeout: 60_000 }, async () => {
    const child = spawn('npm', ['run', 'image', '--', '--help'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('usage: npm run image -- <command>');
    expect(stdout).toContain('AWS_ENDPOINT_URL_EC2');
  });

  it('reports usage errors', async () => {
    const b = io();
    expect(await main(['copy', '--to', 'us-west-2'], b)).toBe(2);
    expect(b.errors[0]).toMatch(/copy needs/);
    const c = io();
    expect(await main(['cleanup'], c)).toBe(2);
    expect(c.errors[0]).toMatch(/cleanup needs --run-id/);
  });
});
