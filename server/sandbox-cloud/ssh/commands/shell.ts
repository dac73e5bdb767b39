import { defineCommand, type Command, type ExecResult, type TransformPlugin } from 'just-bash';
import { abs, basename, execArgv, exportPrelude, exportedEnv, fail, isDir, stdinLatin1, stdinText, type Ctx } from './util';

/** Where an absolute command path may point at a built-in tool even though no stub file is there. */
const BIN_DIRS = new Set(['/bin', '/usr/bin', '/sbin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'zsh']);
/** `set` options just-bash understands; the rest of a shell's flags (-l, -i, -s, …) change nothing here. */
const SET_FLAGS = new Set(['e', 'u', 'x', 'v', 'f', 'n', 'a', 'C']);

export const EXEC_FILE = '__sandbox_exec_file';

interface ShellInvocation {
  /** `set` lines for the options given on the command line (-e, -o pipefail, …). */
  setLines: string[];
  source: { kind: 'string'; script: string } | { kind: 'file'; path: string } | { kind: 'stdin' };
  name?: string;
  args: string[];
}

function parseShellArgs(prog: string, args: string[]): ShellInvocation | { error: string } {
  const setLines: string[] = [];
  const trace: string[] = [];
  let commandMode = false;
  let stdinMode = false;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--' || arg === '-') {
      i++;
      break;
    }
    if (arg.startsWith('--')) continue; // --login, --norc, --noprofile, --posix
    if (!/^[-+][A-Za-z]+$/.test(arg)) break;
    const sign = arg[0]!;
    for (const ch of arg.slice(1)) {
      if (ch === 'c') commandMode = true;
      else if (ch === 's') stdinMode = true;
      else if (ch === 'o' || ch === 'O') {
        const opt = args[++i];
        if (opt === undefined) return { error: `${prog}: -${ch}: option requires an argument\n` };
        if (ch === 'o') setLines.push(`set ${sign}o ${opt}`);
      } else if (SET_FLAGS.has(ch)) {
        (ch === 'x' || ch === 'v' ? trace : setLines).push(`set ${sign}${ch}`);
      }
    }
  }
  // Tracing goes last so that the option lines themselves are not echoed.
  setLines.push(...trace);
  if (commandMode) {
    const script = args[i];
    if (script === undefined) return { error: `${prog}: -c: option requires an argument\n` };
    return { setLines, source: { kind: 'string', script }, name: args[i + 1] ?? prog, args: args.slice(i + 2) };
  }
  if (stdinMode || i >= args.length) return { setLines, source: { kind: 'stdin' }, name: prog, args: args.slice(i) };
  return { setLines, source: { kind: 'file', path: args[i]! }, name: args[i], args: args.slice(i + 1) };
}

/** Runs a script like a child shell: exported env only, $0 and the positional parameters set. */
function runScript(ctx: Ctx, script: string, name: string, args: string[], setLines: string[], stdin: string): Promise<ExecResult> {
  if (!ctx.exec) return Promise.resolve(fail('internal error: no exec\n', 126));
  const env: Record<string, string> = { ...exportedEnv(ctx), '0': name, '#': String(args.length), '@': args.join(' '), '*': args.join(' ') };
  args.forEach((a, n) => (env[String(n + 1)] = a));
  const body = script.startsWith('#!') ? script.slice(script.indexOf('\n') + 1 || script.length) : script;
  const prelude = exportPrelude(Object.keys(env)) + (setLines.length ? `${setLines.join('\n')}\n` : '');
  return ctx.exec(prelude + body, { env, replaceEnv: true, cwd: ctx.cwd, stdin, stdinKind: 'bytes', signal: ctx.signal });
}

async function runShell(prog: string, args: string[], ctx: Ctx): Promise<ExecResult> {
  const inv = parseShellArgs(prog, args);
  if ('error' in inv) return fail(inv.error, 2);
  if (inv.source.kind === 'string') return runScript(ctx, inv.source.script, inv.name ?? prog, inv.args, inv.setLines, stdinLatin1(ctx));
  if (inv.source.kind === 'stdin') return runScript(ctx, stdinText(ctx), prog, inv.args, inv.setLines, '');
  const path = abs(ctx, inv.source.path);
  if (await isDir(ctx.fs, path)) return fail(`${prog}: ${inv.source.path}: Is a directory\n`, 126);
  let script: string;
  try {
    script = await ctx.fs.readFile(path);
  } catch {
    return fail(`${prog}: ${inv.source.path}: No such file or directory\n`, 127);
  }
  return runScript(ctx, script, inv.source.path, inv.args, inv.setLines, stdinLatin1(ctx));
}

/** just-bash's sh/bash reject options such as `-e` or `-x`; these accept what real shells accept. */
const shellCommands = ['sh', 'bash'].map((prog) => defineCommand(prog, (args, ctx) => runShell(prog, args, ctx)));

/** A command name that is a path: honours the script's `#!` line (just-bash ignores it, `-e` included). */
const execFile = defineCommand(EXEC_FILE, async (args, ctx) => {
  const [name = '', ...rest] = args;
  const path = abs(ctx, name);
  const builtin = basename(path);
  const registered = ctx.getRegisteredCommands?.() ?? [];
  const dir = path.slice(0, path.length - builtin.length - 1) || '/';
  let mode: number;
  try {
    const st = await ctx.fs.stat(path);
    if (st.isDirectory) return fail(`bash: ${name}: Is a directory\n`, 126);
    mode = st.mode;
  } catch {
    if (BIN_DIRS.has(dir) && registered.includes(builtin)) return execArgv(ctx, [builtin, ...rest]);
    return fail(`bash: ${name}: No such file or directory\n`, 127);
  }
  const content = await ctx.fs.readFile(path);
  if (BIN_DIRS.has(dir) && registered.includes(builtin) && content.startsWith('#!/bin/bash\n# Built-in command:')) {
    return execArgv(ctx, [builtin, ...rest]);
  }
  if ((mode & 0o111) === 0) return fail(`bash: ${name}: Permission denied\n`, 126);
  if (!content.startsWith('#!')) return runShell('sh', [name, ...rest], ctx);
  // The kernel passes everything after the interpreter as one argument; split it as `env -S` would.
  const line = content.slice(2, content.indexOf('\n') === -1 ? undefined : content.indexOf('\n')).trim();
  const [first = '', ...interpArgs] = line.split(/\s+/);
  let interpreter = first;
  if (basename(interpreter) === 'env') {
    if (interpArgs[0] === '-S') interpArgs.shift();
    interpreter = interpArgs.shift() ?? '';
  }
  const prog = basename(interpreter);
  if (SHELLS.has(prog)) return runShell(prog === 'bash' ? 'bash' : 'sh', [...interpArgs, name, ...rest], ctx);
  if (registered.includes(prog)) return execArgv(ctx, [prog, ...interpArgs, name, ...rest]);
  return fail(`bash: ${name}: ${interpreter}: bad interpreter: No such file or directory\n`, 126);
});

/** `env [-i] [-u NAME] [NAME=VALUE]... [COMMAND [ARG]...]`: just-bash's env drops the variables on `sh -c`. */
const env = defineCommand('env', async (args, ctx) => {
  let clear = false;
  const unset: string[] = [];
  let chdir: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i' || a === '-' || a === '--ignore-environment') clear = true;
    else if (a === '-u' || a === '--unset') unset.push(args[++i] ?? '');
    else if (a.startsWith('--unset=')) unset.push(a.slice(8));
    else if (a.startsWith('-u') && a.length > 2) unset.push(a.slice(2));
    else if (a === '-C' || a === '--chdir') chdir = args[++i];
    else if (a.startsWith('--chdir=')) chdir = a.slice(8);
    else if (a === '-S' || a === '--split-string') {
      args = [...args.slice(0, i), ...(args[i + 1] ?? '').split(/\s+/).filter(Boolean), ...args.slice(i + 2)];
      i--;
    } else if (a === '--') {
      i++;
      break;
    } else if (a.startsWith('-') && a.length > 1 && !a.includes('=')) {
      return ctx.origCommand ? ctx.origCommand(args) : fail(`env: invalid option -- '${a.slice(1)}'\n`, 125);
    } else break;
  }
  const vars: Record<string, string> = clear ? {} : exportedEnv(ctx);
  for (const name of unset) delete vars[name];
  for (; i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!); i++) {
    const a = args[i]!;
    vars[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  }
  const command = args.slice(i);
  if (command.length === 0) {
    return { stdout: Object.entries(vars).filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)).map(([k, v]) => `${k}=${v}\n`).join(''), stderr: '', exitCode: 0 };
  }
  return execArgv(ctx, command, { env: vars, replaceEnv: true, cwd: chdir ? abs(ctx, chdir) : ctx.cwd });
});

export const shellOverrides: Command[] = [...shellCommands, execFile, env];

type Node = Record<string, unknown>;

function wordHasSlash(word: unknown): boolean {
  const parts = (word as { parts?: Node[] } | null)?.parts ?? [];
  return parts.some((p) => {
    if ((p.type === 'Literal' || p.type === 'SingleQuoted') && typeof p.value === 'string') return p.value.includes('/');
    if (p.type === 'DoubleQuoted' || p.type === 'Escaped') return wordHasSlash(p) || (typeof p.value === 'string' && p.value.includes('/'));
    return false;
  });
}

function rewrite(node: unknown): void {
  if (Array.isArray(node)) {
    for (const child of node) rewrite(child);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  if (n.type === 'SimpleCommand' && n.name && wordHasSlash(n.name)) {
    n.args = [n.name, ...((n.args as unknown[]) ?? [])];
    n.name = { type: 'Word', parts: [{ type: 'Literal', value: EXEC_FILE }] };
  }
  for (const value of Object.values(n)) rewrite(value);
}

/**
 * just-bash runs `/tmp/script.sh` itself and ignores its `#!` line, so Packer's inline scripts
 * (`#!/bin/sh -e`) would not stop at the first failure. Commands named by a path are routed
 * through EXEC_FILE instead; the plugin also runs for every nested exec (sh -c, sudo, scripts).
 */
export const execFilePlugin: TransformPlugin = {
  name: 'sandbox-exec-file',
  transform({ ast }) {
    rewrite(ast);
    return { ast };
  },
};
