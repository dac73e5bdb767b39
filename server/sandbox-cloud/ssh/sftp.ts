import { posix } from 'node:path';
import type { FsStat, InMemoryFs } from 'just-bash';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';

// ssh2 is CommonJS: under plain Node ESM only its default export is reliable.
const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

interface OpenFile {
  kind: 'file';
  path: string;
  /** The file's bytes while open; written back on CLOSE (InMemoryFs has no partial writes). */
  data: Buffer;
  size: number;
  writable: boolean;
  append: boolean;
  dirty: boolean;
  mode: number;
}

interface OpenDir {
  kind: 'dir';
  path: string;
  sent: boolean;
}

export interface SftpContext {
  fs: InMemoryFs;
  owners: Map<string, { uid: number; gid: number }>;
  /** The login user: relative paths start at home (as in OpenSSH's sftp-server); uploads belong to uid/gid. */
  identity: Promise<{ home: string; uid: number; gid: number }>;
}

class SftpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** InMemoryFs errors are plain Errors whose message starts with the errno name. */
function statusOf(err: unknown): { code: number; message: string } {
  if (err instanceof SftpError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('ENOENT')) return { code: STATUS_CODE.NO_SUCH_FILE, message: 'No such file' };
  if (message.startsWith('EACCES') || message.startsWith('EPERM')) return { code: STATUS_CODE.PERMISSION_DENIED, message: 'Permission denied' };
  return { code: STATUS_CODE.FAILURE, message: message.split(',')[0] ?? 'Failure' };
}

/** Serves the SFTP subsystem over the host's virtual disk. */
export function serveSftp(sftp: SFTPWrapper, ctx: SftpContext): void {
  const { fs } = ctx;
  const handles = new Map<number, OpenFile | OpenDir>();
  let nextHandle = 1;
  let me = { home: '/', uid: 0, gid: 0 };
  // Handlers are registered at once (requests may arrive right away) and wait for the identity.
  const ready = ctx.identity.then((identity) => {
    me = identity;
  });
  const resolve = (p: string) => posix.resolve(me.home, p || '.');

  const open = (entry: OpenFile | OpenDir): Buffer => {
    const id = nextHandle++;
    handles.set(id, entry);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const handleOf = (buf: Buffer): { id: number; entry: OpenFile | OpenDir } => {
    const id = buf.length === 4 ? buf.readUInt32BE(0) : -1;
    const entry = handles.get(id);
    if (!entry) throw new SftpError(STATUS_CODE.FAILURE, 'Invalid handle');
    return { id, entry };
  };
  const fileOf = (buf: Buffer): OpenFile => {
    const { entry } = handleOf(buf);
    if (entry.kind !== 'file') throw new SftpError(STATUS_CODE.FAILURE, 'Not a file handle');
    return entry;
  };

  const attrsOf = (path: string, st: FsStat, sizeOverride?: number): Attributes => {
    const type = st.isSymbolicLink ? S_IFLNK : st.isDirectory ? S_IFDIR : S_IFREG;
    const owner = ctx.owners.get(path) ?? { uid: 0, gid: 0 };
    const secs = Math.floor(st.mtime.getTime() / 1000);
    return { mode: type | (st.mode & 0o7777), uid: owner.uid, gid: owner.gid, size: sizeOverride ?? st.size, atime: secs, mtime: secs };
  };

  const flush = async (file: OpenFile): Promise<void> => {
    if (!file.dirty) return;
    await fs.writeFile(file.path, file.data.subarray(0, file.size));
    await fs.chmod(file.path, file.mode);
    file.dirty = false;
  };

  const applyAttrs = async (path: string, attrs: Partial<Attributes>, file?: OpenFile): Promise<void> => {
    if (typeof attrs.size === 'number') {
      if (file) {
        resize(file, attrs.size);
        file.size = attrs.size;
        file.dirty = true;
      } else {
        const data = Buffer.from(await fs.readFileBuffer(path));
        const next = Buffer.alloc(attrs.size);
        data.copy(next, 0, 0, Math.min(data.length, attrs.size));
        const mode = (await fs.stat(path)).mode & 0o7777;
        await fs.writeFile(path, next);
        await fs.chmod(path, mode);
      }
    }
    if (typeof attrs.mode === 'number') {
      if (file) file.mode = attrs.mode & 0o7777;
      await fs.chmod(path, attrs.mode & 0o7777);
    }
    if (typeof attrs.mtime === 'number') {
      await fs.utimes(path, new Date((attrs.atime ?? attrs.mtime) * 1000), new Date(attrs.mtime * 1000));
    }
    if (typeof attrs.uid === 'number' || typeof attrs.gid === 'number') {
      const current = ctx.owners.get(path) ?? { uid: 0, gid: 0 };
      ctx.owners.set(path, { uid: attrs.uid ?? current.uid, gid: attrs.gid ?? current.gid });
    }
  };

  const isDirectory = (path: string) => fs.stat(path).then((s) => s.isDirectory, () => false);

  const pending = new Set<Promise<void>>();
  /** Runs a request; any failure becomes a STATUS reply. */
  const on = <A extends unknown[]>(event: string, handler: (reqId: number, ...args: A) => Promise<void>) => {
    sftp.on(event, (reqId: number, ...args: A) => {
      const request = ready
        .then(() => handler(reqId, ...args))
        .catch((err: unknown) => {
          const { code, message } = statusOf(err);
          sftp.status(reqId, code, message);
        });
      pending.add(request);
      void request.finally(() => pending.delete(request));
    });
  };

  on('OPEN', async (reqId, filename: string, flags: number, attrs: Partial<Attributes>) => {
    const path = resolve(filename);
    const exists = await fs.exists(path);
    const writable = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND)) !== 0;
    if (exists && (await isDirectory(path))) throw new SftpError(STATUS_CODE.FAILURE, 'Is a directory');
    if (exists && flags & OPEN_MODE.CREAT && flags & OPEN_MODE.EXCL) throw new SftpError(STATUS_CODE.FAILURE, 'File exists');
    if (!exists) {
      if (!(flags & OPEN_MODE.CREAT)) throw new SftpError(STATUS_CODE.NO_SUCH_FILE, 'No such file');
      if (!(await isDirectory(posix.dirname(path)))) throw new SftpError(STATUS_CODE.NO_SUCH_FILE, 'No such file');
    }
    const truncate = !exists || (writable && flags & OPEN_MODE.TRUNC);
    const data = truncate ? Buffer.alloc(0) : Buffer.from(await fs.readFileBuffer(path));
    const mode = exists ? (await fs.stat(path)).mode & 0o7777 : typeof attrs.mode === 'number' ? attrs.mode & 0o7777 : 0o644;
    const file: OpenFile = { kind: 'file', path, data, size: data.length, writable, append: (flags & OPEN_MODE.APPEND) !== 0, dirty: false, mode };
    if (truncate && writable) {
      // O_CREAT/O_TRUNC take effect at open time, before any data is written.
      file.dirty = true;
      await flush(file);
      if (!exists) ctx.owners.set(path, { uid: me.uid, gid: me.gid });
    }
    sftp.handle(reqId, open(file));
  });

  on('READ', async (reqId, handle: Buffer, offset: number, length: number) => {
    const file = fileOf(handle);
    if (offset >= file.size) return sftp.status(reqId, STATUS_CODE.EOF);
    sftp.data(reqId, file.data.subarray(offset, Math.min(file.size, offset + length)));
  });

  on('WRITE', async (reqId, handle: Buffer, offset: number, data: Buffer) => {
    const file = fileOf(handle);
    if (!file.writable) throw new SftpError(STATUS_CODE.PERMISSION_DENIED, 'File not open for writing');
    const at = file.append ? file.size : offset;
    resize(file, at + data.length);
    data.copy(file.data, at);
    file.size = Math.max(file.size, at + data.length);
    file.dirty = true;
    sftp.status(reqId, STATUS_CODE.OK);
  });

  on('CLOSE', async (reqId, handle: Buffer) => {
    const { id, entry } = handleOf(handle);
    handles.delete(id);
    if (entry.kind === 'file') await flush(entry);
    sftp.status(reqId, STATUS_CODE.OK);
  });

  on('FSTAT', async (reqId, handle: Buffer) => {
    const { entry } = handleOf(handle);
    sftp.attrs(reqId, attrsOf(entry.path, await fs.stat(entry.path), entry.kind === 'file' ? entry.size : undefined));
  });

  on('FSETSTAT', async (reqId, handle: Buffer, attrs: Partial<Attributes>) => {
    const { entry } = handleOf(handle);
    await applyAttrs(entry.path, attrs, entry.kind === 'file' ? entry : undefined);
    sftp.status(reqId, STATUS_CODE.OK);
  });

  on('SETSTAT', async (reqId, path: string, attrs: Partial<Attributes>) => {
    const abs = resolve(path);
    await fs.lstat(abs);
    await applyAttrs(abs, attrs);
    sftp.status(reqId, STATUS_CODE.OK);
  });

  on('STAT', async (reqId, path: string) => {
    const abs = resolve(path);
    sftp.attrs(reqId, attrsOf(abs, await fs.stat(abs)));
  });

  on('LSTAT', async (reqId, path: string) => {
    const abs = resolve(path);
    sftp.attrs(reqId, attrsOf(abs, await fs.lstat(abs)));
  });

  on('OPENDIR', async (reqId, path: string) => {
    const abs = resolve(path);
    if (!(await fs.exists(abs))) throw new SftpError(STATUS_CODE.NO_SUCH_FILE, 'No such file');
    if (!(await isDirectory(abs))) throw new SftpError(STATUS_CODE.FAILURE, 'Not a directory');
    sftp.handle(reqId, open({ kind: 'dir', path: abs, sent: false }));
  });

  on('READDIR', async (reqId, handle: Buffer) => {
    const { entry } = handleOf(handle);
    if (entry.kind !== 'dir') throw new SftpError(STATUS_CODE.FAILURE, 'Not a directory handle');
    if (entry.sent) return sftp.status(reqId, STATUS_CODE.EOF);
    entry.sent = true;
    const names: FileEntry[] = [];
    for (const name of ['.', '..', ...(await fs.readdir(entry.path)).sort()]) {
      const path = name === '.' ? entry.path : name === '..' ? posix.dirname(entry.path) : posix.join(entry.path, name);
      const attrs = attrsOf(path, await fs.lstat(path));
      names.push({ filename: name, longname: longname(name, attrs), attrs });
    }
    sftp.name(reqId, names);
  });

  on('MKDIR', async (reqId, path: string, attrs: Partial<Attributes>) => {
    const abs = resolve(path);
    if (await fs.exists(abs)) throw new SftpError(STATUS_CODE.FAILURE, 'File exists');
    if (!(await isDirectory(posix.dirname(abs)))) throw new SftpError(STATUS_CODE.NO_SUCH_FILE, 'No such file');
    await fs.mkdir(abs);
    await fs.chmod(abs, typeof attrs.mode === 'number' ? attrs.mode & 0o7777 : 0o755);
    ctx.owners.set(abs, { uid: me.uid, gid: me.gid });
    sftp.status(reqId, STATUS_CODE.OK);
  });

  on('RMDIR', async (reqId, path: string) => {
    const abs = resolve(path);
    if (!(await isDirectory(abs))) throw new SftpError((await fs.exists(abs)) ? STATUS_CODE.FAILURE : STATUS_CODE.NO_SUCH_FILE, 'Not a directory');
    if ((await fs.readdir(abs)).length) throw new SftpError(STATUS_CODE.FAILURE, 'Directory not empty');
    await fs.rm(abs);
    ctx.owners.delete(abs);
    sftp.status(reqId, STATUS_CODE.OK);
  });

  on('REMOVE', async (reqId, path: string) => {
    const abs = resolve(path);
    const st = await fs.lstat(abs);
    if (st.isDirectory) throw new SftpError(STATUS_CODE.FAILURE, 'Is a directory');
    await fs.rm(abs);
    ctx.owners.delete(abs);
    sftp.status(reqId, STATUS_CODE.OK);
  });

  on('RENAME', async (reqId, oldPath: string, newPath: string) => {
    const from = resolve(oldPath);
    const to = resolve(newPath);
    await fs.lstat(from);
    // SFTP v3 rename does not overwrite (OpenSSH's server refuses too).
    if (await fs.exists(to)) throw new SftpError(STATUS_CODE.FAILURE, 'File exists');
    await fs.mv(from, to);
    for (const [path, owner] of [...ctx.owners]) {
      if (path !== from && !path.startsWith(`${from}/`)) continue;
      ctx.owners.delete(path);
      ctx.owners.set(to + path.slice(from.length), owner);
    }
    sftp.status(reqId, STATUS_CODE.OK);
  });

  on('REALPATH', async (reqId, path: string) => {
    const abs = resolve(path);
    const real = await fs.realpath(abs).catch(() => abs);
    const st = await fs.stat(real).catch(() => undefined);
    const attrs = st ? attrsOf(real, st) : ({} as Attributes);
    sftp.name(reqId, [{ filename: real, longname: real, attrs }]);
  });

  on('READLINK', async (reqId, path: string) => {
    const target = await fs.readlink(resolve(path));
    sftp.name(reqId, [{ filename: target, longname: target, attrs: {} as Attributes }]);
  });

  on('SYMLINK', async (reqId, first: string, second: string) => {
    // Clients send (target, link), the reverse of the draft, because this server says it is
    // OpenSSH; ssh2 swaps the pair back only for OpenSSH clients.
    const fromOpenSsh = (sftp as unknown as { _isOpenSSH?: boolean })._isOpenSSH === true;
    const [targetPath, linkPath] = fromOpenSsh ? [second, first] : [first, second];
    const link = resolve(linkPath);
    if (await fs.exists(link)) throw new SftpError(STATUS_CODE.FAILURE, 'File exists');
    await fs.symlink(targetPath, link);
    sftp.status(reqId, STATUS_CODE.OK);
  });

  on('EXTENDED', async (reqId) => {
    sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED);
  });

  // Files still open when the client goes keep what was written, as on a real disk.
  const flushAll = async () => {
    await Promise.allSettled([...pending]);
    for (const entry of handles.values()) if (entry.kind === 'file') await flush(entry).catch(() => undefined);
    handles.clear();
  };
  // EOF from the client ends the session (sftp-server exits); OpenSSH's sftp waits for that close.
  sftp.once('end', () =>
    void flushAll().finally(() => {
      reportSuccess(sftp);
      sftp.end();
    }),
  );
  sftp.once('close', () => void flushAll());
}

/**
 * sshd reports sftp-server's exit status 0 before closing, and OpenSSH's scp (SFTP mode) fails
 * without it. ssh2's server-side SFTP object has no exit(), so this reaches for its protocol.
 */
function reportSuccess(sftp: SFTPWrapper): void {
  const internals = sftp as unknown as { _protocol?: { exitStatus(id: number, status: number): void }; outgoing?: { id: number; state: string } };
  if (internals.outgoing?.state === 'open') internals._protocol?.exitStatus(internals.outgoing.id, 0);
}

function resize(file: OpenFile, size: number): void {
  if (size <= file.data.length) {
    if (size < file.size) file.data.fill(0, size, file.size);
    return;
  }
  const next = Buffer.alloc(Math.max(size, file.data.length * 2, 64 * 1024));
  file.data.copy(next, 0, 0, file.size);
  file.data = next;
}

function longname(name: string, attrs: Attributes): string {
  const type = (attrs.mode & 0o170000) === S_IFDIR ? 'd' : (attrs.mode & 0o170000) === S_IFLNK ? 'l' : '-';
  const perms = [6, 3, 0].map((shift) => {
    const bits = (attrs.mode >> shift) & 7;
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  });
  const date = new Date(attrs.mtime * 1000);
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const stamp = `${month} ${String(date.getUTCDate()).padStart(2)} ${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
  return `${type}${perms.join('')}    1 ${String(attrs.uid).padEnd(8)} ${String(attrs.gid).padEnd(8)} ${String(attrs.size).padStart(8)} ${stamp} ${name}`;
}
