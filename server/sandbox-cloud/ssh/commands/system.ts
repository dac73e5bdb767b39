import { defineCommand, type Command, type IFileSystem } from 'just-bash';
import type { HostState } from './host-state';
import { fail, isDebianLike, isRhelLike, notFound, ok, osRelease, readText } from './util';

const KERNEL_DEFAULTS: Record<string, string> = {
  'net.ipv4.ip_forward': '0',
  'net.ipv6.conf.all.forwarding': '0',
  'net.core.somaxconn': '4096',
  'net.core.rmem_max': '212992',
  'net.core.wmem_max': '212992',
  'net.ipv4.ip_local_port_range': '32768\t60999',
  'net.ipv4.tcp_syncookies': '1',
  'vm.swappiness': '60',
  'vm.max_map_count': '65530',
  'fs.file-max': '9223372036854775807',
  'kernel.pid_max': '4194304',
};

/** Files `sysctl --system` applies, in its order; a name in an earlier directory hides later ones. */
const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];

function parseSysctl(text: string): { key: string; value: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith(';'))
    .map((l) => {
      const eq = l.indexOf('=');
      return { key: l.slice(0, eq).trim().replace(/^-/, '').replace(/\//g, '.'), value: l.slice(eq + 1).trim() };
    })
    .filter((e) => e.key);
}

function sysctl(state: HostState): Command {
  const read = (key: string) => state.kernel.get(key) ?? KERNEL_DEFAULTS[key];
  return defineCommand('sysctl', async (args, ctx) => {
    const flags = new Set(args.filter((a) => /^-[a-zA-Z]+$/.test(a)).flatMap((a) => [...a.slice(1)]));
    const long = args.filter((a) => a.startsWith('--'));
    const operands = args.filter((a) => !a.startsWith('-'));
    const quiet = flags.has('q') || long.includes('--quiet');
    const valueOnly = flags.has('n') || long.includes('--values');
    const show = (key: string, value: string) => (quiet ? '' : valueOnly ? `${value}\n` : `${key} = ${value}\n`);
    const apply = async (fs: IFileSystem, file: string, header: boolean): Promise<{ out: string; err?: string }> => {
      const text = await readText(fs, file);
      if (text === undefined) return { out: '', err: `sysctl: cannot open "${file}": No such file or directory\n` };
      let out = header ? `* Applying ${file} ...\n` : '';
      for (const { key, value } of parseSysctl(text)) {
        state.kernel.set(key, value);
        out += show(key, value);
      }
      return { out };
    };

    if (long.includes('--system')) {
      const seen = new Set<string>();
      let out = '';
      for (const dir of SYSCTL_DIRS) {
        if (!(await ctx.fs.exists(dir))) continue;
        for (const name of (await ctx.fs.readdir(dir)).filter((n) => n.endsWith('.conf')).sort()) {
          if (seen.has(name)) continue;
          seen.add(name);
          out += (await apply(ctx.fs, `${dir}/${name}`, true)).out;
        }
      }
      if (await ctx.fs.exists('/etc/sysctl.conf')) out += (await apply(ctx.fs, '/etc/sysctl.conf', true)).out;
      return ok(out);
    }
    const loadArg = long.find((a) => a.startsWith('--load'));
    if (flags.has('p') || loadArg) {
      const files = loadArg?.includes('=') ? [loadArg.slice(loadArg.indexOf('=') + 1)] : operands.length ? operands : ['/etc/sysctl.conf'];
      let out = '';
      for (const file of files) {
        const r = await apply(ctx.fs, ctx.fs.resolvePath(ctx.cwd, file), false);
        out += r.out;
        if (r.err) return fail(r.err, 255, out);
      }
      return ok(out);
    }
    if (flags.has('a') || long.includes('--all') || operands.length === 0) {
      const all = { ...KERNEL_DEFAULTS, ...Object.fromEntries(state.kernel) };
      return ok(Object.keys(all).sort().map((k) => show(k, all[k]!)).join(''));
    }
    let out = '';
    let err = '';
    for (const operand of operands) {
      const eq = operand.indexOf('=');
      if (eq !== -1) {
        const key = operand.slice(0, eq).replace(/\//g, '.');
        state.kernel.set(key, operand.slice(eq + 1));
        out += show(key, operand.slice(eq + 1));
        continue;
      }
      const key = operand.replace(/\//g, '.');
      const value = read(key);
      if (value === undefined) {
        if (!flags.has('e')) err += `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`;
        continue;
      }
      out += show(key, value);
    }
    return err ? fail(err, 255, out) : ok(out);
  });
}

const KERNEL_RELEASE = '5.15.0-1051-generic';

const uname = defineCommand('uname', async (args, ctx) => {
  const flags = new Set(args.flatMap((a) => (a === '--all' ? ['a'] : a.startsWith('-') && !a.startsWith('--') ? [...a.slice(1)] : [])));
  const hostname = ((await readText(ctx.fs, '/etc/hostname')) ?? 'localhost').trim() || 'localhost';
  const fields: [string, string][] = [
    ['s', 'Linux'],
    ['n', hostname],
    ['r', KERNEL_RELEASE],
    ['v', '#58-Ubuntu SMP Fri Nov 3 10:21:20 UTC 2023'],
    ['m', 'x86_64'],
    ['p', 'x86_64'],
    ['i', 'x86_64'],
    ['o', 'GNU/Linux'],
  ];
  if (flags.size === 0) flags.add('s');
  return ok(`${fields.filter(([f]) => flags.has('a') || flags.has(f)).map(([, v]) => v).join(' ')}\n`);
});

const sync = defineCommand('sync', async () => ok());

/** The image booted long ago, so cloud-init is done; `clean` forgets the instance like the real one. */
const cloudInit = defineCommand('cloud-init', async (args, ctx) => {
  const [sub] = args.filter((a) => !a.startsWith('-'));
  if (args.includes('--version') || args.includes('-v')) return ok('/usr/bin/cloud-init 23.3.3-0ubuntu0~22.04.1\n');
  if (sub === 'status') return ok(args.includes('--long') ? 'status: done\nboot_status_code: enabled-by-generator\ndetail:\nDataSource\n' : 'status: done\n');
  if (sub === 'clean') {
    for (const path of ['/var/lib/cloud/instance', '/var/lib/cloud/instances', '/var/lib/cloud/data']) {
      await ctx.fs.rm(path, { recursive: true, force: true });
    }
    if (args.includes('--logs') || args.includes('-l')) {
      for (const log of ['/var/log/cloud-init.log', '/var/log/cloud-init-output.log']) await ctx.fs.rm(log, { force: true });
    }
    return ok();
  }
  return ok();
});

const UBUNTU_CODENAMES: Record<string, string> = { '24.04': 'noble', '22.04': 'jammy', '20.04': 'focal', '18.04': 'bionic', '12': 'bookworm', '11': 'bullseye' };

/**
 * Package managers: the sandbox has no package archive, so they succeed without changing
 * anything (a later `systemctl enable nginx` fails as it would without the package's files).
 */
function apt(name: 'apt-get' | 'apt'): Command {
  return defineCommand(name, async (args, ctx) => {
    const os = await osRelease(ctx.fs);
    if (!isDebianLike(os)) return notFound(name);
    const [sub = '', ...rest] = args.filter((a) => !a.startsWith('-') && !/^[A-Za-z]+::/.test(a));
    const warn = name === 'apt' ? '\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n' : '';
    const mirror = os.id === 'debian' ? 'http://deb.debian.org/debian' : 'http://archive.ubuntu.com/ubuntu';
    const codename = UBUNTU_CODENAMES[os.versionId] ?? 'stable';
    const reading = 'Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n';
    const summary = '0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n';
    switch (sub) {
      case 'update':
        return ok(`Hit:1 ${mirror} ${codename} InRelease\nHit:2 ${mirror} ${codename}-updates InRelease\nReading package lists... Done\n`, warn);
      case 'install':
      case 'reinstall':
        return ok(`${reading}${rest.map((p) => `${p.replace(/[=].*$/, '')} is already the newest version.\n`).join('')}${summary}`, warn);
      case 'upgrade':
      case 'dist-upgrade':
      case 'full-upgrade':
      case 'autoremove':
      case 'remove':
      case 'purge':
        return ok(`${reading}Calculating upgrade... Done\n${summary}`, warn);
      case '':
        return fail(`${name}: missing command\n`, 100);
      default:
        return ok('', warn);
    }
  });
}

function yum(name: 'yum' | 'dnf'): Command {
  return defineCommand(name, async (args, ctx) => {
    const os = await osRelease(ctx.fs);
    // CentOS 7 predates dnf.
    if (!isRhelLike(os) || (name === 'dnf' && os.id === 'centos' && os.versionId.startsWith('7'))) return notFound(name);
    const [sub = '', ...rest] = args.filter((a) => !a.startsWith('-'));
    const meta = 'Last metadata expiration check: 0:02:11 ago.\n';
    switch (sub) {
      case 'install':
      case 'reinstall':
        return ok(`${meta}${rest.map((p) => `Package ${p} is already installed.\n`).join('')}Dependencies resolved.\nNothing to do.\nComplete!\n`);
      case 'update':
      case 'upgrade':
      case 'remove':
      case 'erase':
      case 'autoremove':
        return ok(`${meta}Dependencies resolved.\nNothing to do.\nComplete!\n`);
      case 'makecache':
        return ok('Metadata cache created.\n');
      case 'clean':
        return ok('0 files removed\n');
      case '':
        return fail(`${name}: You need to give some command\n`, 1);
      default:
        return ok();
    }
  });
}

export function systemCommands(state: HostState): Command[] {
  return [sysctl(state), uname, sync, cloudInit, apt('apt-get'), apt('apt'), yum('yum'), yum('dnf')];
}
