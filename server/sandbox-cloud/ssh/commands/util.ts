import { posix } from 'node:path';
import { decodeBytesToUtf8, latin1FromBytes, type ExecResult, type IFileSystem, type ResolvedCommandContext } from 'just-bash';

export type Ctx = ResolvedCommandContext;

export const ok = (stdout = '', stderr = ''): ExecResult => ({ stdout, stderr, exitCode: 0 });
export const fail = (stderr: string, exitCode = 1, stdout = ''): ExecResult => ({ stdout, stderr, exitCode });

/** Quotes one word for a shell command line; plain words stay readable. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function abs(ctx: Ctx, path: string): string {
  return ctx.fs.resolvePath(ctx.cwd, path);
}

export async function readText(fs: IFileSystem, path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path);
  } catch {
    return undefined;
  }
}

export async function isDir(fs: IFileSystem, path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

export async function lexists(fs: IFileSystem, path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}

export const stdinLatin1 = (ctx: Ctx): string => latin1FromBytes(ctx.stdin);
export const stdinText = (ctx: Ctx): string => decodeBytesToUtf8(ctx.stdin);

/** The caller's exported environment (prefix assignments like `FOO=1 cmd` included). */
export function exportedEnv(ctx: Ctx): Record<string, string> {
  if (ctx.exportedEnv) return { ...ctx.exportedEnv };
  return Object.fromEntries(ctx.env);
}

/**
 * just-bash exports only the variables its constructor was given: ones passed to an exec arrive
 * as plain shell variables and would not reach the next child. Real processes inherit their
 * whole environment, so every script run with an env starts by exporting it.
 */
export function exportPrelude(names: Iterable<string>): string {
  const valid = [...names].filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n) && n !== 'SHELLOPTS' && n !== 'BASHOPTS');
  return valid.length ? `export ${valid.join(' ')}\n` : '';
}

/** Runs argv as a child command: the command line is re-quoted so nothing is expanded twice. */
export function execArgv(
  ctx: Ctx,
  argv: string[],
  opts: { env?: Record<string, string>; replaceEnv?: boolean; cwd?: string } = {},
): Promise<ExecResult> {
  if (!ctx.exec) return Promise.resolve(fail('internal error: no exec\n', 126));
  const env = opts.env ?? exportedEnv(ctx);
  return ctx.exec(exportPrelude(Object.keys(env)) + argv.map(shQuote).join(' '), {
    env,
    replaceEnv: opts.replaceEnv ?? true,
    cwd: opts.cwd ?? ctx.cwd,
    stdin: stdinLatin1(ctx),
    stdinKind: 'bytes',
    signal: ctx.signal,
  });
}

/** GNU-style option scanning: `-abc`, `-o value`, `-ovalue`, `--long`, `--long=value`, `--long value`. */
export interface ParsedOptions {
  flags: Map<string, string | true>;
  operands: string[];
  error?: string;
}

export function parseOptions(
  args: string[],
  spec: { withValue?: string[]; flags?: string[]; aliases?: Record<string, string>; stopAtFirstOperand?: boolean },
): ParsedOptions {
  const withValue = new Set(spec.withValue ?? []);
  const known = new Set([...(spec.flags ?? []), ...withValue]);
  const alias = (name: string) => spec.aliases?.[name] ?? name;
  const flags = new Map<string, string | true>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = alias(eq === -1 ? arg.slice(2) : arg.slice(2, eq));
      if (!known.has(name)) return { flags, operands, error: `unrecognized option '${arg}'` };
      if (withValue.has(name)) {
        const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
        if (value === undefined) return { flags, operands, error: `option '--${name}' requires an argument` };
        flags.set(name, value);
      } else {
        flags.set(name, true);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const name = alias(arg[j]!);
        if (!known.has(name)) return { flags, operands, error: `invalid option -- '${arg[j]}'` };
        if (withValue.has(name)) {
          const value = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
          if (value === undefined) return { flags, operands, error: `option requires an argument -- '${arg[j]}'` };
          flags.set(name, value);
          break;
        }
        flags.set(name, true);
      }
      continue;
    }
    operands.push(arg);
    if (spec.stopAtFirstOperand) {
      operands.push(...args.slice(i + 1));
      break;
    }
  }
  return { flags, operands };
}

export const str = (v: string | true | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export function dirname(path: string): string {
  return posix.dirname(path);
}

export function basename(path: string): string {
  return posix.basename(path);
}

/** What /etc/os-release says, to make distribution-specific tools behave like the image's. */
export async function osRelease(fs: IFileSystem): Promise<{ id: string; idLike: string[]; versionId: string }> {
  const text = (await readText(fs, '/etc/os-release')) ?? '';
  const field = (key: string) => text.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1]?.replace(/^"|"$/g, '') ?? '';
  return { id: field('ID'), idLike: field('ID_LIKE').split(/\s+/).filter(Boolean), versionId: field('VERSION_ID') };
}

export function isDebianLike(os: { id: string; idLike: string[] }): boolean {
  return os.id === 'debian' || os.id === 'ubuntu' || os.idLike.includes('debian');
}

export function isRhelLike(os: { id: string; idLike: string[] }): boolean {
  return ['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'amzn'].includes(os.id) || os.idLike.some((l) => ['rhel', 'fedora', 'centos'].includes(l));
}

export const notFound = (name: string): ExecResult => fail(`bash: ${name}: command not found\n`, 127);

/** Octal mode ("0644", "755") or a simple symbolic one ("u+x", "a=r") applied to `base`. */
export function parseMode(spec: string, base: number): number | undefined {
  if (/^[0-7]{1,4}$/.test(spec)) return parseInt(spec, 8);
  let mode = base;
  for (const clause of spec.split(',')) {
    const m = clause.match(/^([ugoa]*)([+=-])([rwxXst]*)$/);
    if (!m) return undefined;
    const who = m[1] || 'a';
    let bits = 0;
    for (const p of m[3]!) {
      const v = p === 'r' ? 4 : p === 'w' ? 2 : p === 'x' || p === 'X' ? 1 : 0;
      if (who.includes('u') || who.includes('a')) bits |= v << 6;
      if (who.includes('g') || who.includes('a')) bits |= v << 3;
      if (who.includes('o') || who.includes('a')) bits |= v;
    }
    if (m[2] === '+') mode |= bits;
    else if (m[2] === '-') mode &= ~bits;
    else {
      let mask = 0;
      if (who.includes('u') || who.includes('a')) mask |= 0o700;
      if (who.includes('g') || who.includes('a')) mask |= 0o070;
      if (who.includes('o') || who.includes('a')) mask |= 0o007;
      mode = (mode & ~mask) | bits;
    }
  }
  return mode;
}

/** InMemoryFs.writeFile replaces the entry (mode back to 0644); a rewrite in place keeps the mode. */
export async function rewriteFile(fs: IFileSystem, path: string, content: string | Uint8Array): Promise<void> {
  let mode: number | undefined;
  try {
    mode = (await fs.stat(path)).mode;
  } catch {
    mode = undefined;
  }
  await fs.writeFile(path, content);
  if (mode !== undefined) await fs.chmod(path, mode & 0o7777);
}
