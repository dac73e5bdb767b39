import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryFs } from 'just-bash';
import ssh2, { type AuthContext, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { restoreFs, seedFiles, snapshotFs } from '../world/rootfs';
import type { Host } from '../world/types';
import { authenticate } from './auth';
import { SshHostRuntime } from './host-runtime';

const SECOND_OCTET = 30 + Math.floor(Math.random() * 220);
const PORT = 20000 + Math.floor(Math.random() * 40000);
const PASSWORD = 'Sandbox-Pass-1';
const OS_RELEASE = 'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n';
const UBUNTU = { family: 'Ubuntu', version: '22.04', prettyName: 'Ubuntu 22.04.4 LTS', id: 'ubuntu', idLike: 'debian', defaultUser: 'ubuntu' };

function rsaKey(): { pem: string; openssh: string } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  return { pem: privateKey, openssh: `ssh-rsa ${key.getPublicSSH().toString('base64')} test@sandbox` };
}

const userKey = rsaKey();
const strangerKey = rsaKey();
const runtime = new SshHostRuntime({ port: PORT });
const clients: ssh2.Client[] = [];
let hostCounter = 0;

function makeHost(): Host {
  hostCounter += 1;
  return {
    id: `uhost-test${hostCounter}`,
    cloud: 'ucloud',
    ownerId: 'org-test',
    region: 'cn-bj2',
    zone: 'cn-bj2-02',
    name: `test-${hostCounter}`,
    state: 'running',
    imageId: 'uimage-test',
    machineType: 'N',
    cpu: 2,
    memoryMb: 4096,
    bootDiskType: 'CLOUD_SSD',
    bootDiskSizeGb: 20,
    address: `127.${SECOND_OCTET}.0.${hostCounter}`,
    privateIp: `10.0.0.${hostCounter}`,
    sshPort: PORT,
    login: { password: PASSWORD, authorizedKeys: [userKey.openssh], users: ['root', 'ubuntu'] },
    securityGroupIds: [],
    eipIds: [],
    volumeIds: [],
    createdAt: Date.now(),
    unreachable: false,
    tags: {},
  };
}

async function startHost(files: Record<string, string> = { '/etc/os-release': OS_RELEASE, '/root/.keep': '' }) {
  const host = makeHost();
  const fs = new InMemoryFs(files);
  await runtime.start(host, fs);
  return { host, fs };
}

function connect(host: Host, auth: Partial<ConnectConfig> = { username: 'root', password: PASSWORD }): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    clients.push(client);
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: host.address, port: PORT, readyTimeout: 10_000, ...auth });
  });
}

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

function exec(client: ssh2.Client, command: string, opts: { env?: Record<string, string>; stdin?: string | Buffer } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    client.exec(command, { env: opts.env as NodeJS.ProcessEnv | undefined }, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      stream.on('data', (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      stream.on('exit', (c: number | null) => (code = c));
      stream.on('close', () => resolve({ stdout, stderr, code }));
      stream.end(opts.stdin);
    });
  });
}

function sftpOf(client: ssh2.Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
}

function call<T>(fn: (cb: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/** Drives the sending half of classic scp by hand: waits for each \0 the remote sink answers. */
function scpUpload(client: ssh2.Client, dir: string, files: { name: string; data: Buffer; mode?: string }[], flags = '-vt'): Promise<Run> {
  return new Promise((resolve, reject) => {
    client.exec(`scp ${flags} ${dir}`, (err, stream: ClientChannel) => {
      if (err) return reject(err);
      const acks: number[] = [];
      let waiting: (() => void) | undefined;
      let stderr = '';
      let code: number | null = null;
      stream.on('data', (d: Buffer) => {
        acks.push(...d);
        waiting?.();
      });
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      stream.on('exit', (c: number | null) => (code = c));
      stream.on('close', () => resolve({ stdout: '', stderr, code }));
      const ack = async () => {
        while (acks.length === 0) await new Promise<void>((r) => (waiting = r));
        const b = acks.shift();
        if (b !== 0) throw new Error(`scp refused: ${b}`);
      };
      void (async () => {
        await ack();
        for (const f of files) {
          stream.write(`C${f.mode ?? '0644'} ${f.data.length} ${f.name}\n`);
          await ack();
          stream.write(f.data);
          stream.write(Buffer.from([0]));
          await ack();
        }
        stream.end();
      })().catch(reject);
    });
  });
}

afterAll(async () => {
  for (const c of clients) c.end();
  await runtime.close();
});

describe('SshHostRuntime: login', () => {
  it('accepts the host password for its users and refuses a wrong one or an unknown user', async () => {
    const { host } = await startHost();
    const root = await connect(host, { username: 'root', password: PASSWORD });
    expect((await exec(root, 'whoami')).stdout).toBe('root\n');
    await expect(connect(host, { username: 'root', password: 'wrong' })).rejects.toThrow(/authentication/i);
    await expect(connect(host, { username: 'mallory', password: PASSWORD })).rejects.toThrow(/authentication/i);
  });

  it('accepts an authorized public key and refuses any other', async () => {
    const { host } = await startHost();
    const client = await connect(host, { username: 'root', privateKey: userKey.pem });
    expect((await exec(client, 'echo key-ok')).stdout).toBe('key-ok\n');
    await expect(connect(host, { username: 'root', privateKey: strangerKey.pem })).rejects.toThrow(/authentication/i);
  });
});

describe('SshHostRuntime: exec', () => {
  it('runs commands over the host disk with exit codes, separate stderr and client env', async () => {
    const { host } = await startHost();
    const client = await connect(host);
    expect(await exec(client, 'cat /etc/os-release')).toEqual({ stdout: OS_RELEASE, stderr: '', code: 0 });
    expect((await exec(client, 'exit 3')).code).toBe(3);
    expect(await exec(client, 'echo out; echo err >&2')).toEqual({ stdout: 'out\n', stderr: 'err\n', code: 0 });
    expect((await exec(client, 'echo "$GREETING from $HOME as $USER"', { env: { GREETING: 'hello' } })).stdout).toBe('hello from /root as root\n');
    expect((await exec(client, 'sh -c \'echo "$GREETING"\'', { env: { GREETING: 'inherited' } })).stdout).toBe('inherited\n');
    expect((await exec(client, 'tr a-z A-Z', { stdin: 'piped input\n' })).stdout).toBe('PIPED INPUT\n');
  });

  it('runs sudo, including a pipe into sudo tee', async () => {
    const { host, fs } = await startHost();
    const client = await connect(host);
    const r = await exec(client, 'sudo mkdir -p /opt/rome && echo access | sudo tee /etc/rome/role');
    expect(r).toMatchObject({ stdout: 'access\n', code: 0 });
    expect(await fs.readFile('/etc/rome/role')).toBe('access\n');
    expect(await fs.exists('/opt/rome')).toBe(true);
  });

  it('has the provisioning tools of a cloud image, with their failures', async () => {
    const { host } = await startHost(seedFiles(UBUNTU));
    const client = await connect(host, { username: 'ubuntu', password: PASSWORD });
    const run = async (command: string) => {
      const r = await exec(client, command);
      return `${r.code}:${r.stdout}${r.stderr}`;
    };
    expect(await run('sudo chown svc /etc/hostname')).toBe("1:chown: invalid user: 'svc'\n");
    expect(await run('sudo /usr/sbin/useradd -r -s /usr/sbin/nologin svc && sudo chown svc:svc /etc/hostname && id svc')).toBe('0:uid=999(svc) gid=999(svc) groups=999(svc)\n');
    expect(await run('sudo useradd svc')).toBe("9:useradd: user 'svc' already exists\n");
    expect(await run('sudo systemctl enable missing.service')).toBe('1:Failed to enable unit: Unit file missing.service does not exist.\n');
    expect(await run('sudo apt-get install -y nginx >/dev/null && yum --version')).toBe('127:bash: yum: command not found\n');
    expect(await run("printf 'vm.swappiness = 10\\n' | sudo tee /etc/sysctl.d/10-vm.conf >/dev/null && sudo sysctl -p /etc/sysctl.d/10-vm.conf && sysctl -n vm.swappiness")).toBe('0:vm.swappiness = 10\n10\n');
    expect(await run('env ROLE=edge sh -c \'echo "$ROLE"\'; ROLE=x sudo printenv ROLE; ROLE=y sudo -E printenv ROLE')).toBe('0:edge\ny\n');
    expect(await run('whoami; sudo whoami; sudo -u svc whoami; echo $HOME; sudo sh -c \'echo $HOME\'')).toBe('0:ubuntu\nroot\nsvc\n/home/ubuntu\n/root\n');
  });

  it('honours a script file’s #! line, -e included', async () => {
    const { host } = await startHost();
    const client = await connect(host);
    await exec(client, `printf '#!/bin/sh -e\\necho before\\nfalse\\necho after\\n' > /tmp/e.sh && chmod +x /tmp/e.sh`);
    expect(await exec(client, '/tmp/e.sh')).toMatchObject({ stdout: 'before\n', code: 1 });
    // Run through `sh FILE` the #! line is only a comment, as on a real host.
    expect(await exec(client, 'sh /tmp/e.sh')).toMatchObject({ stdout: 'before\nafter\n', code: 0 });
  });
});

describe('authenticate', () => {
  it('answers a key query with the algorithm the client asked about (Go’s ssh insists)', () => {
    const host = makeHost();
    const parsed = ssh2.utils.parseKey(userKey.openssh);
    if (parsed instanceof Error) throw parsed;
    const key = Array.isArray(parsed) ? parsed[0]! : parsed;
    let accepted = false;
    const ctx = { method: 'publickey', username: 'root', key: { algo: 'ssh-rsa', data: key.getPublicSSH() }, hashAlgo: 'sha256', accept: () => (accepted = true), reject: () => undefined };
    authenticate(host, ctx as unknown as AuthContext);
    expect(accepted).toBe(true);
    expect(ctx.key.algo).toBe('rsa-sha2-256');
  });
});

describe('SshHostRuntime: file transfer', () => {
  it('serves SFTP: upload, read back, mkdir, readdir, stat, rename, unlink, then runs the uploaded script', async () => {
    const { host, fs } = await startHost();
    const client = await connect(host);
    const sftp = await sftpOf(client);
    const script = '#!/bin/sh\necho "FOO=$FOO arg=$1"\n';
    await call<void>((cb) => sftp.writeFile('/tmp/s.sh', script, (err) => cb(err, undefined)));
    expect((await call<Buffer>((cb) => sftp.readFile('/tmp/s.sh', cb))).toString()).toBe(script);
    expect(await exec(client, 'chmod +x /tmp/s.sh && FOO=bar /tmp/s.sh arg1')).toMatchObject({ stdout: 'FOO=bar arg=arg1\n', code: 0 });

    await call<void>((cb) => sftp.mkdir('/tmp/dir', (err) => cb(err, undefined)));
    await call<void>((cb) => sftp.writeFile('/tmp/dir/a.txt', Buffer.alloc(100_000, 7), (err) => cb(err, undefined)));
    const list = await call<{ filename: string }[]>((cb) => sftp.readdir('/tmp/dir', cb));
    expect(list.map((e) => e.filename)).toEqual(['a.txt']);
    const stats = await call<{ size: number; isFile(): boolean }>((cb) => sftp.stat('/tmp/dir/a.txt', cb));
    expect(stats.size).toBe(100_000);
    expect(stats.isFile()).toBe(true);
    await call<void>((cb) => sftp.rename('/tmp/dir/a.txt', '/tmp/dir/b.txt', (err) => cb(err, undefined)));
    expect(await fs.exists('/tmp/dir/b.txt')).toBe(true);
    await call<void>((cb) => sftp.unlink('/tmp/dir/b.txt', (err) => cb(err, undefined)));
    expect(await fs.exists('/tmp/dir/b.txt')).toBe(false);
    await expect(call((cb) => sftp.stat('/tmp/missing', cb))).rejects.toThrow(/no such file/i);
    // Relative paths start at the login user's home, as with OpenSSH.
    await call<void>((cb) => sftp.writeFile('notes.txt', 'home', (err) => cb(err, undefined)));
    expect(await fs.readFile('/root/notes.txt')).toBe('home');
  });

  it('receives files over scp -t and sends them over scp -f', async () => {
    const { host, fs } = await startHost();
    const client = await connect(host);
    const data = randomBytes(70_000);
    const up = await scpUpload(client, '/tmp', [
      { name: 'blob.bin', data },
      { name: 'run.sh', data: Buffer.from('echo scp-ok\n'), mode: '0755' },
    ]);
    expect(up.code).toBe(0);
    expect(Buffer.from(await fs.readFileBuffer('/tmp/blob.bin')).equals(data)).toBe(true);
    expect((await fs.stat('/tmp/run.sh')).mode & 0o777).toBe(0o755);
    expect((await exec(client, '/tmp/run.sh')).stdout).toBe('scp-ok\n');

    const down = await new Promise<Buffer>((resolve, reject) => {
      client.exec('scp -f /tmp/run.sh', (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (d: Buffer) => {
          chunks.push(d);
          stream.write(Buffer.from([0])); // ack the header, then the data
        });
        stream.on('close', () => resolve(Buffer.concat(chunks)));
        stream.write(Buffer.from([0]));
      });
    });
    expect(down.toString()).toContain('C0755 12 run.sh\necho scp-ok\n');
  });
});

describe('SshHostRuntime: the example templates', () => {
  const templateDir = join(import.meta.dirname, '../../../db/seed-templates');
  interface Provisioner {
    type: string;
    source?: string;
    destination?: string;
    inline?: string[];
    environment_vars?: string[];
    execute_command?: string;
  }
  const load = (name: string) => JSON.parse(readFileSync(join(templateDir, name.replace(/\.json$/, ''), 'template.json'), 'utf8')) as { provisioners: Provisioner[]; variables: Record<string, string> };

  /** What the file provisioners upload: the example's committed sample release (an input) and config (an attachment). */
  async function uploads(template: { provisioners: Provisioner[]; variables: Record<string, string> }, service: string) {
    const out: { destination: string; data: Buffer }[] = [];
    for (const p of template.provisioners.filter((x) => x.type === 'file')) {
      const source = p.source!.replace('{{user `release_dir`}}', template.variables['release_dir']!).replace('{{user `service_version`}}', template.variables['service_version']!);
      const file = source.endsWith('.tar.gz') ? join(templateDir, service, 'inputs', source) : join(templateDir, service, 'attachments', source);
      out.push({ destination: p.destination!, data: readFileSync(file) });
    }
    return out;
  }

  const vars = (p: Provisioner, version: string) =>
    Object.fromEntries((p.environment_vars ?? []).map((v) => v.replace('{{user `service_version`}}', version).split('=') as [string, string]));

  it('rome-access: every inline line, run one by one as root, exits 0', async () => {
    const template = load('rome-access.json');
    const { host, fs } = await startHost(seedFiles(UBUNTU));
    const client = await connect(host, { username: 'root', privateKey: userKey.pem });
    const sftp = await sftpOf(client);
    for (const f of await uploads(template, 'rome-access')) {
      await call<void>((cb) => sftp.writeFile(f.destination, f.data, (err) => cb(err, undefined)));
    }
    for (const p of template.provisioners.filter((x) => x.type === 'shell')) {
      for (const line of p.inline ?? []) {
        const r = await exec(client, line, { env: vars(p, template.variables.service_version!) });
        expect({ line, ...r }).toMatchObject({ line, code: 0 });
      }
    }
    expect(await fs.readFile('/etc/rome/role')).toBe('access\n');
    expect(await fs.readFile('/etc/rome/version')).toBe('2.3.1\n');
    expect((await fs.lstat('/etc/systemd/system/multi-user.target.wants/rome-access.service')).isSymbolicLink).toBe(true);
    expect((await exec(client, 'systemctl is-enabled rome-access')).stdout).toBe('enabled\n');
    expect((await exec(client, 'id -un rome && stat -c %a /etc/rome/access.toml')).stdout).toBe('rome\n640\n');
    expect(await fs.exists('/tmp/rome-access.tar.gz')).toBe(false);
    expect(await fs.readFile('/etc/machine-id')).toBe('');
  });

  it('rome-forwarding: as Packer runs it (scp uploads, #!/bin/sh -e script, sudo -E) as ubuntu; the image boots with the unit running', async () => {
    const template = load('rome-forwarding.json');
    const { host, fs } = await startHost(seedFiles(UBUNTU));
    const client = await connect(host, { username: 'ubuntu', privateKey: userKey.pem });
    for (const f of await uploads(template, 'rome-forwarding')) {
      const dir = f.destination.slice(0, f.destination.lastIndexOf('/'));
      expect((await scpUpload(client, dir, [{ name: f.destination.slice(dir.length + 1), data: f.data }])).code).toBe(0);
    }
    let n = 0;
    for (const p of template.provisioners.filter((x) => x.type === 'shell')) {
      const path = `/tmp/script_${++n}234.sh`;
      const script = `#!/bin/sh -e\n${(p.inline ?? []).join('\n')}\n`;
      expect((await scpUpload(client, '/tmp', [{ name: path.slice(5), data: Buffer.from(script), mode: '0755' }])).code).toBe(0);
      const envVars = Object.entries({ PACKER_BUILDER_TYPE: 'amazon-ebs', PACKER_BUILD_NAME: 'aws-us-east-1', ...vars(p, '2.3.1') })
        .map(([k, v]) => `${k}='${v}'`)
        .join(' ');
      const command = p.execute_command!.replace(/\{\{ *\.Path *\}\}/g, path).replace('{{ .Vars }}', envVars);
      const r = await exec(client, command);
      expect({ command, ...r }).toMatchObject({ command, code: 0 });
      expect((await exec(client, `rm -f ${path}`)).code).toBe(0);
    }
    expect(await fs.readFile('/etc/rome/role')).toBe('forwarding\n');
    expect(await fs.readFile('/etc/rome/version')).toBe('2.3.1\n');
    expect(await fs.readFile('/etc/sysctl.d/90-rome-forwarding.conf')).toContain('net.ipv4.ip_forward = 1');
    expect((await fs.lstat('/etc/systemd/system/multi-user.target.wants/rome-forwarding.service')).isSymbolicLink).toBe(true);

    // The image taken from this disk boots with a fresh machine id and the unit started.
    const { host: clone } = await startHost();
    await runtime.stop(clone.id);
    const cloneFs = await restoreFs(await snapshotFs(fs));
    await runtime.start(clone, cloneFs);
    const cloneClient = await connect(clone);
    expect((await exec(cloneClient, 'systemctl is-active rome-forwarding.service && cat /etc/rome/role')).stdout).toBe('active\nforwarding\n');
    expect((await cloneFs.readFile('/etc/machine-id')).trim()).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('SshHostRuntime: host lifecycle and isolation', () => {
  it('drops open connections when the host stops and refuses new ones', async () => {
    const { host } = await startHost();
    const client = await connect(host);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await runtime.stop(host.id);
    await closed;
    expect(runtime.isRunning(host.id)).toBe(false);
    await expect(connect(host)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses to start a second server on a busy address', async () => {
    const { host } = await startHost();
    const twin = { ...makeHost(), address: host.address };
    await expect(runtime.start(twin, new InMemoryFs())).rejects.toThrow(/EADDRINUSE/);
  });

  it('never writes to the real disk', async () => {
    const { host, fs } = await startHost();
    const client = await connect(host);
    const name = `/tmp/sandbox-leak-check-${randomBytes(6).toString('hex')}`;
    expect(existsSync(name)).toBe(false);
    expect((await exec(client, `echo leak > ${name} && sudo install -d ${name}.dir && cat ${name}`)).stdout).toBe('leak\n');
    const sftp = await sftpOf(client);
    await call<void>((cb) => sftp.writeFile(`${name}.sftp`, 'x', (err) => cb(err, undefined)));
    expect((await scpUpload(client, '/tmp', [{ name: `${name.slice(5)}.scp`, data: Buffer.from('x') }])).code).toBe(0);
    expect(await fs.exists(name)).toBe(true);
    expect(await fs.exists(`${name}.sftp`)).toBe(true);
    expect(await fs.exists(`${name}.scp`)).toBe(true);
    for (const path of [name, `${name}.dir`, `${name}.sftp`, `${name}.scp`]) expect(existsSync(path)).toBe(false);
  });
});
