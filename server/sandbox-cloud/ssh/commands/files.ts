import { randomBytes } from 'node:crypto';
import { defineCommand, type Command, type IFileSystem } from 'just-bash';
import { findGroup, findUser, resolveGid, resolveUid } from './accounts';
import type { HostState } from './host-state';
import { abs, basename, dirname, fail, isDir, lexists, ok, parseMode, parseOptions, str, type Ctx } from './util';

type Owner = { uid?: number; gid?: number };

/** Parses OWNER[:[GROUP]] (or the old OWNER.GROUP); `user:` means the user's login group. */
async function parseOwnerSpec(fs: IFileSystem, spec: string): Promise<{ owner: Owner } | { error: string }> {
  const sep = spec.includes(':') ? ':' : spec.includes('.') && !(await findUser(fs, spec)) ? '.' : undefined;
  const [userPart, groupPart] = sep ? [spec.slice(0, spec.indexOf(sep)), spec.slice(spec.indexOf(sep) + 1)] : [spec, undefined];
  const owner: Owner = {};
  if (userPart) {
    owner.uid = await resolveUid(fs, userPart);
    if (owner.uid === undefined) return { error: `invalid user: '${spec}'` };
  }
  if (groupPart) {
    owner.gid = await resolveGid(fs, groupPart);
    if (owner.gid === undefined) return { error: `invalid group: '${spec}'` };
  } else if (groupPart === '' && userPart) {
    owner.gid = (await findUser(fs, userPart))?.gid;
  }
  return { owner };
}

async function walk(fs: IFileSystem, path: string, recursive: boolean, visit: (p: string) => void): Promise<void> {
  visit(path);
  if (!recursive || !(await isDir(fs, path)) || (await fs.lstat(path)).isSymbolicLink) return;
  for (const name of await fs.readdir(path)) await walk(fs, path === '/' ? `/${name}` : `${path}/${name}`, true, visit);
}

function setOwner(state: HostState, path: string, owner: Owner): void {
  const current = state.owners.get(path) ?? { uid: 0, gid: 0 };
  state.owners.set(path, { uid: owner.uid ?? current.uid, gid: owner.gid ?? current.gid });
}

async function changeOwners(ctx: Ctx, state: HostState, prog: string, owner: Owner, files: string[], recursive: boolean) {
  let stderr = '';
  for (const file of files) {
    const path = abs(ctx, file);
    if (!(await lexists(ctx.fs, path))) {
      stderr += `${prog}: cannot access '${file}': No such file or directory\n`;
      continue;
    }
    await walk(ctx.fs, path, recursive, (p) => setOwner(state, p, owner));
  }
  return stderr ? fail(stderr, 1) : ok();
}

const OWNER_FLAGS = {
  flags: ['recursive', 'no-dereference', 'dereference', 'verbose', 'changes', 'silent', 'quiet', 'preserve-root', 'no-preserve-root', 'H', 'L', 'P'],
  withValue: ['reference', 'from'],
  aliases: { R: 'recursive', h: 'no-dereference', v: 'verbose', c: 'changes', f: 'silent' },
};

function chown(state: HostState): Command {
  return defineCommand('chown', async (args, ctx) => {
    const o = parseOptions(args, OWNER_FLAGS);
    if (o.error) return fail(`chown: ${o.error}\n`, 1);
    const reference = str(o.flags.get('reference'));
    const operands = [...o.operands];
    let owner: Owner;
    if (reference) {
      const ref = abs(ctx, reference);
      if (!(await lexists(ctx.fs, ref))) return fail(`chown: failed to get attributes of '${reference}': No such file or directory\n`, 1);
      owner = state.owners.get(ref) ?? { uid: 0, gid: 0 };
    } else {
      const spec = operands.shift();
      if (spec === undefined || operands.length === 0) return fail(`chown: missing operand\n`, 1);
      const parsed = await parseOwnerSpec(ctx.fs, spec);
      if ('error' in parsed) return fail(`chown: ${parsed.error}\n`, 1);
      owner = parsed.owner;
    }
    return changeOwners(ctx, state, 'chown', owner, operands, o.flags.has('recursive'));
  });
}

function chgrp(state: HostState): Command {
  return defineCommand('chgrp', async (args, ctx) => {
    const o = parseOptions(args, OWNER_FLAGS);
    if (o.error) return fail(`chgrp: ${o.error}\n`, 1);
    const [group, ...files] = o.operands;
    if (group === undefined || files.length === 0) return fail(`chgrp: missing operand\n`, 1);
    const gid = await resolveGid(ctx.fs, group);
    if (gid === undefined) return fail(`chgrp: invalid group: '${group}'\n`, 1);
    return changeOwners(ctx, state, 'chgrp', { gid }, files, o.flags.has('recursive'));
  });
}

function install(state: HostState): Command {
  return defineCommand('install', async (args, ctx) => {
    const o = parseOptions(args, {
      flags: ['directory', 'D', 'preserve-timestamps', 'verbose', 'no-target-directory', 'compare', 'strip', 'backup', 'c'],
      withValue: ['mode', 'owner', 'group', 'target-directory', 'suffix', 'strip-program'],
      aliases: { d: 'directory', p: 'preserve-timestamps', v: 'verbose', T: 'no-target-directory', C: 'compare', s: 'strip', b: 'backup', m: 'mode', o: 'owner', g: 'group', t: 'target-directory', S: 'suffix' },
    });
    if (o.error) return fail(`install: ${o.error}\n`, 1);
    const modeSpec = str(o.flags.get('mode'));
    const mode = modeSpec === undefined ? 0o755 : parseMode(modeSpec, 0o755);
    if (mode === undefined) return fail(`install: invalid mode '${modeSpec}'\n`, 1);
    const owner: Owner = {};
    const ownerSpec = str(o.flags.get('owner'));
    if (ownerSpec !== undefined) {
      owner.uid = (await findUser(ctx.fs, ownerSpec))?.uid ?? (/^\d+$/.test(ownerSpec) ? Number(ownerSpec) : undefined);
      if (owner.uid === undefined) return fail(`install: invalid user '${ownerSpec}'\n`, 1);
    }
    const groupSpec = str(o.flags.get('group'));
    if (groupSpec !== undefined) {
      owner.gid = (await findGroup(ctx.fs, groupSpec))?.gid ?? (/^\d+$/.test(groupSpec) ? Number(groupSpec) : undefined);
      if (owner.gid === undefined) return fail(`install: invalid group '${groupSpec}'\n`, 1);
    }
    const verbose = o.flags.has('verbose');
    let stdout = '';
    if (o.flags.has('directory')) {
      if (o.operands.length === 0) return fail('install: missing operand\n', 1);
      for (const dir of o.operands) {
        const path = abs(ctx, dir);
        if ((await lexists(ctx.fs, path)) && !(await isDir(ctx.fs, path))) return fail(`install: cannot create directory '${dir}': File exists\n`, 1, stdout);
        await ctx.fs.mkdir(path, { recursive: true });
        await ctx.fs.chmod(path, mode);
        setOwner(state, path, owner);
        if (verbose) stdout += `install: creating directory '${dir}'\n`;
      }
      return ok(stdout);
    }
    const targetDir = str(o.flags.get('target-directory'));
    const sources = targetDir ? o.operands : o.operands.slice(0, -1);
    const dest = targetDir ?? o.operands[o.operands.length - 1];
    if (dest === undefined || sources.length === 0) return fail(`install: missing destination file operand after '${dest ?? ''}'\n`, 1);
    const destPath = abs(ctx, dest);
    if (o.flags.has('D')) await ctx.fs.mkdir(targetDir ? destPath : dirname(destPath), { recursive: true });
    const destIsDir = !o.flags.has('no-target-directory') && (await isDir(ctx.fs, destPath));
    if ((sources.length > 1 || targetDir) && !destIsDir) return fail(`install: target '${dest}' is not a directory\n`, 1);
    for (const src of sources) {
      const srcPath = abs(ctx, src);
      if (!(await ctx.fs.exists(srcPath))) return fail(`install: cannot stat '${src}': No such file or directory\n`, 1, stdout);
      if (await isDir(ctx.fs, srcPath)) return fail(`install: omitting directory '${src}'\n`, 1, stdout);
      const target = destIsDir ? `${destPath.replace(/\/$/, '')}/${basename(srcPath)}` : destPath;
      if (!(await isDir(ctx.fs, dirname(target)))) {
        return fail(`install: cannot create regular file '${target}': No such file or directory\n`, 1, stdout);
      }
      await ctx.fs.writeFile(target, await ctx.fs.readFileBuffer(srcPath));
      await ctx.fs.chmod(target, mode);
      setOwner(state, target, owner);
      if (verbose) stdout += `'${src}' -> '${target}'\n`;
    }
    return ok(stdout);
  });
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

const truncate = defineCommand('truncate', async (args, ctx) => {
  const o = parseOptions(args, { flags: ['no-create', 'io-blocks'], withValue: ['size', 'reference'], aliases: { c: 'no-create', o: 'io-blocks', s: 'size', r: 'reference' } });
  if (o.error) return fail(`truncate: ${o.error}\n`, 1);
  const sizeSpec = str(o.flags.get('size'));
  const reference = str(o.flags.get('reference'));
  if (sizeSpec === undefined && reference === undefined) return fail(`truncate: you must specify either '--size' or '--reference'\n`, 1);
  if (o.operands.length === 0) return fail('truncate: missing file operand\n', 1);
  const m = sizeSpec?.match(/^([+\-<>/%]?)(\d+)([KMG]?i?B?)$/);
  if (sizeSpec !== undefined && (!m || SIZE_UNITS[m[3]!] === undefined)) return fail(`truncate: Invalid number: '${sizeSpec}'\n`, 1);
  let stderr = '';
  for (const file of o.operands) {
    const path = abs(ctx, file);
    const exists = await ctx.fs.exists(path);
    if (!exists && o.flags.has('no-create')) continue;
    if (!exists && !(await isDir(ctx.fs, dirname(path)))) {
      stderr += `truncate: cannot open '${file}' for writing: No such file or directory\n`;
      continue;
    }
    if (exists && (await isDir(ctx.fs, path))) {
      stderr += `truncate: cannot open '${file}' for writing: Is a directory\n`;
      continue;
    }
    const current = exists ? Buffer.from(await ctx.fs.readFileBuffer(path)) : Buffer.alloc(0);
    let size = current.length;
    if (reference !== undefined) size = (await ctx.fs.stat(abs(ctx, reference))).size;
    if (m) {
      const n = Number(m[2]) * SIZE_UNITS[m[3]!]!;
      const op = m[1];
      size = op === '+' ? size + n : op === '-' ? Math.max(0, size - n) : op === '<' ? Math.min(size, n) : op === '>' ? Math.max(size, n) : n;
    }
    const next = Buffer.alloc(size);
    current.copy(next, 0, 0, Math.min(size, current.length));
    const mode = exists ? (await ctx.fs.stat(path)).mode & 0o7777 : 0o644;
    await ctx.fs.writeFile(path, next);
    await ctx.fs.chmod(path, mode);
  }
  return stderr ? fail(stderr, 1) : ok();
});

const mktemp = defineCommand('mktemp', async (args, ctx) => {
  const o = parseOptions(args, { flags: ['directory', 'dry-run', 'quiet', 't'], withValue: ['tmpdir', 'suffix', 'p'], aliases: { d: 'directory', u: 'dry-run', q: 'quiet' } });
  if (o.error) return fail(`mktemp: ${o.error}\n`, 1);
  const template = o.operands[0] ?? 'tmp.XXXXXXXXXX';
  const xs = template.match(/X+$/)?.[0].length ?? 0;
  const suffix = str(o.flags.get('suffix')) ?? '';
  if (xs < 3) return fail(`mktemp: too few X's in template '${template}'\n`, 1);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const random = Array.from(randomBytes(xs), (b) => alphabet[b % alphabet.length]).join('');
  const name = `${template.slice(0, -xs)}${random}${suffix}`;
  const inTmp = o.operands.length === 0 || o.flags.has('t') || o.flags.has('tmpdir') || o.flags.has('p');
  const dir = str(o.flags.get('p')) ?? str(o.flags.get('tmpdir')) ?? ctx.env.get('TMPDIR') ?? '/tmp';
  const path = inTmp && !name.startsWith('/') ? `${dir.replace(/\/$/, '')}/${name}` : abs(ctx, name);
  if (!(await isDir(ctx.fs, dirname(path)))) return fail(`mktemp: failed to create file via template '${path}': No such file or directory\n`, 1);
  if (!o.flags.has('dry-run')) {
    if (o.flags.has('directory')) {
      await ctx.fs.mkdir(path);
      await ctx.fs.chmod(path, 0o700);
    } else {
      await ctx.fs.writeFile(path, '');
      await ctx.fs.chmod(path, 0o600);
    }
  }
  return ok(`${path}\n`);
});

export function fileCommands(state: HostState): Command[] {
  return [chown(state), chgrp(state), install(state), truncate, mktemp];
}
