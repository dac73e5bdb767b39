import { defineCommand, type Command, type ExecResult, type IFileSystem } from 'just-bash';
import type { HostState } from './host-state';
import { execArgv, fail, lexists, ok, readText } from './util';

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
const ETC = '/etc/systemd/system';

const unitName = (name: string): string => (/\.(service|socket|timer|target|mount|path|slice|scope)$/.test(name) ? name : `${name}.service`);

async function findUnitFile(fs: IFileSystem, unit: string): Promise<string | undefined> {
  for (const dir of UNIT_DIRS) {
    if (await lexists(fs, `${dir}/${unit}`)) return `${dir}/${unit}`;
  }
  return undefined;
}

async function isMasked(fs: IFileSystem, unit: string): Promise<boolean> {
  try {
    return (await fs.lstat(`${ETC}/${unit}`)).isSymbolicLink && (await fs.readlink(`${ETC}/${unit}`)) === '/dev/null';
  } catch {
    return false;
  }
}

/** Where enable links a unit: its [Install] WantedBy=/RequiredBy= targets. */
async function installTargets(fs: IFileSystem, path: string): Promise<{ dir: string; target: string }[]> {
  const text = (await readText(fs, path)) ?? '';
  const install = text.split(/^\[/m).find((s) => s.startsWith('Install]')) ?? '';
  const out: { dir: string; target: string }[] = [];
  for (const m of install.matchAll(/^(WantedBy|RequiredBy)=(.*)$/gm)) {
    for (const target of m[2]!.trim().split(/\s+/).filter(Boolean)) out.push({ dir: m[1] === 'WantedBy' ? 'wants' : 'requires', target });
  }
  // A unit without [Install] cannot really be enabled; the sandbox still wires it to the default
  // target so that a hand-written unit behaves the way its author meant.
  return out.length ? out : [{ dir: 'wants', target: 'multi-user.target' }];
}

/** Every *.wants / *.requires link to the unit under /etc/systemd/system. */
async function enabledLinks(fs: IFileSystem, unit: string): Promise<string[]> {
  if (!(await fs.exists(ETC))) return [];
  const links: string[] = [];
  for (const entry of await fs.readdir(ETC)) {
    if (!/\.(wants|requires)$/.test(entry)) continue;
    if (await lexists(fs, `${ETC}/${entry}/${unit}`)) links.push(`${ETC}/${entry}/${unit}`);
  }
  return links;
}

/** Units a boot starts: everything linked into a target's wants/requires. */
export async function unitsStartedAtBoot(fs: IFileSystem): Promise<string[]> {
  if (!(await fs.exists(ETC))) return [];
  const units = new Set<string>();
  for (const entry of await fs.readdir(ETC)) {
    if (!/\.(wants|requires)$/.test(entry)) continue;
    try {
      for (const unit of await fs.readdir(`${ETC}/${entry}`)) units.add(unit);
    } catch {
      // a stray file named *.wants
    }
  }
  return [...units];
}

function systemctl(state: HostState): Command {
  return defineCommand('systemctl', async (args, ctx) => {
    const fs = ctx.fs;
    const opts = args.filter((a) => a.startsWith('-'));
    const words = args.filter((a) => !a.startsWith('-'));
    const quiet = opts.includes('-q') || opts.includes('--quiet');
    const now = opts.includes('--now');
    const [verb = 'list-units', ...rawUnits] = words;
    const units = rawUnits.map(unitName);
    let stdout = '';
    let stderr = '';
    let code = 0;

    const start = async (unit: string, action: string): Promise<void> => {
      if (await isMasked(fs, unit)) {
        stderr += `Failed to ${action} ${unit}: Unit ${unit} is masked.\n`;
        code = 1;
      } else if (!(await findUnitFile(fs, unit))) {
        stderr += `Failed to ${action} ${unit}: Unit ${unit} not found.\n`;
        code = 5;
      } else {
        state.activeUnits.add(unit);
      }
    };

    const enable = async (unit: string): Promise<void> => {
      const path = await findUnitFile(fs, unit);
      if (!path || (await isMasked(fs, unit))) {
        stderr += path ? `Failed to enable unit: Unit file ${ETC}/${unit} is masked.\n` : `Failed to enable unit: Unit file ${unit} does not exist.\n`;
        code = 1;
        return;
      }
      for (const { dir, target } of await installTargets(fs, path)) {
        const link = `${ETC}/${target}.${dir}/${unit}`;
        if (await lexists(fs, link)) continue;
        await fs.mkdir(`${ETC}/${target}.${dir}`, { recursive: true });
        await fs.symlink(path, link);
        if (!quiet) stderr += `Created symlink ${link} → ${path}.\n`;
      }
      if (now) await start(unit, 'start');
    };

    const requireUnits = (): ExecResult | undefined => (units.length === 0 ? fail(`Too few arguments.\n`, 1) : undefined);

    switch (verb) {
      case 'daemon-reload':
      case 'daemon-reexec':
      case 'reset-failed':
        return ok();
      case 'enable':
      case 'reenable':
        for (const unit of units) await enable(unit);
        return requireUnits() ?? { stdout, stderr, exitCode: code };
      case 'disable':
        for (const unit of units) {
          for (const link of await enabledLinks(fs, unit)) {
            await fs.rm(link);
            if (!quiet) stderr += `Removed ${link}.\n`;
          }
          if (now) state.activeUnits.delete(unit);
        }
        return requireUnits() ?? { stdout, stderr, exitCode: code };
      case 'mask':
        for (const unit of units) {
          if (await lexists(fs, `${ETC}/${unit}`)) await fs.rm(`${ETC}/${unit}`);
          await fs.mkdir(ETC, { recursive: true });
          await fs.symlink('/dev/null', `${ETC}/${unit}`);
          if (!quiet) stderr += `Created symlink ${ETC}/${unit} → /dev/null.\n`;
          if (now) state.activeUnits.delete(unit);
        }
        return requireUnits() ?? { stdout, stderr, exitCode: code };
      case 'unmask':
        for (const unit of units) {
          if (await isMasked(fs, unit)) {
            await fs.rm(`${ETC}/${unit}`);
            if (!quiet) stderr += `Removed ${ETC}/${unit}.\n`;
          }
        }
        return requireUnits() ?? ok('', stderr);
      case 'start':
      case 'restart':
      case 'reload':
      case 'reload-or-restart':
      case 'try-restart':
        for (const unit of units) {
          if (verb === 'try-restart' && !state.activeUnits.has(unit)) continue;
          await start(unit, verb === 'reload' ? 'reload' : verb === 'start' ? 'start' : 'restart');
        }
        return requireUnits() ?? { stdout, stderr, exitCode: code };
      case 'stop':
      case 'kill':
        for (const unit of units) {
          if (!(await findUnitFile(fs, unit))) {
            stderr += `Failed to stop ${unit}: Unit ${unit} not loaded.\n`;
            code = 5;
          }
          state.activeUnits.delete(unit);
        }
        return requireUnits() ?? { stdout, stderr, exitCode: code };
      case 'is-active':
        for (const unit of units) {
          const active = state.activeUnits.has(unit);
          if (!quiet) stdout += active ? 'active\n' : 'inactive\n';
          if (!active) code = 3;
        }
        return requireUnits() ?? { stdout, stderr, exitCode: code };
      case 'is-failed':
        return { stdout: quiet ? '' : units.map((u) => (state.activeUnits.has(u) ? 'active\n' : 'inactive\n')).join(''), stderr: '', exitCode: 1 };
      case 'is-enabled':
        for (const unit of units) {
          let status: string;
          if (await isMasked(fs, unit)) status = 'masked';
          else if ((await enabledLinks(fs, unit)).length) status = 'enabled';
          else if (await findUnitFile(fs, unit)) status = 'disabled';
          else {
            stderr += `Failed to get unit file state for ${unit}: No such file or directory\n`;
            code = 1;
            continue;
          }
          if (!quiet) stdout += `${status}\n`;
          if (status !== 'enabled') code = 1;
        }
        return requireUnits() ?? { stdout, stderr, exitCode: code };
      case 'status':
        for (const unit of units) {
          const path = await findUnitFile(fs, unit);
          if (!path) {
            stderr += `Unit ${unit} could not be found.\n`;
            code = 4;
            continue;
          }
          const active = state.activeUnits.has(unit);
          const enabled = (await isMasked(fs, unit)) ? 'masked' : (await enabledLinks(fs, unit)).length ? 'enabled' : 'disabled';
          const description = ((await readText(fs, path)) ?? '').match(/^Description=(.*)$/m)?.[1] ?? unit;
          stdout += `${active ? '●' : '○'} ${unit} - ${description}\n     Loaded: loaded (${path}; ${enabled}; vendor preset: enabled)\n     Active: ${active ? 'active (running)' : 'inactive (dead)'}\n`;
          if (!active && code === 0) code = 3;
        }
        return units.length ? { stdout, stderr, exitCode: code } : ok('● sandbox\n    State: running\n');
      case 'list-units':
        return ok([...state.activeUnits].sort().map((u) => `${u} loaded active running ${u}\n`).join(''));
      case 'list-unit-files': {
        for (const dir of UNIT_DIRS) {
          if (!(await fs.exists(dir))) continue;
          for (const entry of (await fs.readdir(dir)).sort()) {
            if (!/\.(service|socket|timer|target)$/.test(entry)) continue;
            const status = (await isMasked(fs, entry)) ? 'masked' : (await enabledLinks(fs, entry)).length ? 'enabled' : 'disabled';
            stdout += `${entry} ${status}\n`;
          }
        }
        return ok(stdout);
      }
      case 'get-default':
        return ok(`${(await lexists(fs, `${ETC}/default.target`)) ? (await fs.readlink(`${ETC}/default.target`)).split('/').pop() : 'graphical.target'}\n`);
      case 'set-default': {
        const target = rawUnits[0];
        if (!target) return fail('Too few arguments.\n', 1);
        if (await lexists(fs, `${ETC}/default.target`)) await fs.rm(`${ETC}/default.target`);
        await fs.symlink(`/lib/systemd/system/${target}`, `${ETC}/default.target`);
        return ok('', `Created symlink ${ETC}/default.target → /lib/systemd/system/${target}.\n`);
      }
      case 'show':
        return ok(units.map((u) => `Id=${u}\nActiveState=${state.activeUnits.has(u) ? 'active' : 'inactive'}\n`).join('\n'));
      default:
        return fail(`Unknown command verb ${verb}.\n`, 1);
    }
  });
}

/** SysV `service NAME ACTION`, which systemd-based images forward to systemctl. */
const service = defineCommand('service', async (args, ctx) => {
  const [name, action, ...rest] = args.filter((a) => !a.startsWith('--'));
  if (!name) return fail('Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n', 1);
  if (!action) return fail(`${name}: unrecognized service\n`, 1);
  return execArgv(ctx, ['systemctl', action, name, ...rest]);
});

export function systemdCommands(state: HostState): Command[] {
  return [systemctl(state), service];
}
