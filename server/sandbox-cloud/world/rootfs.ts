import { InMemoryFs } from 'just-bash';
import type { FsSnapshot } from './types';

export interface OsSeed {
  family: string;
  version: string;
  prettyName: string;
  id: string;
  idLike?: string;
  defaultUser: string;
}

/** The files every sandbox host starts with, for an OS family and version. */
export function seedFiles(os: OsSeed, hostname = 'localhost'): Record<string, string> {
  const passwd = ['root:x:0:0:root:/root:/bin/bash', 'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin'];
  if (os.defaultUser !== 'root') passwd.push(`${os.defaultUser}:x:1000:1000::/home/${os.defaultUser}:/bin/bash`);
  return {
    '/etc/os-release': [
      `NAME="${os.prettyName.split(' ')[0]}"`,
      `VERSION_ID="${os.version}"`,
      `ID=${os.id}`,
      ...(os.idLike ? [`ID_LIKE=${os.idLike}`] : []),
      `PRETTY_NAME="${os.prettyName}"`,
      '',
    ].join('\n'),
    '/etc/hostname': `${hostname}\n`,
    '/etc/passwd': `${passwd.join('\n')}\n`,
    '/etc/group': `root:x:0:\ndaemon:x:1:\n${os.defaultUser !== 'root' ? `${os.defaultUser}:x:1000:\n` : ''}`,
    '/etc/systemd/system/.keep': '',
    '/var/log/.keep': '',
    '/opt/.keep': '',
    '/tmp/.keep': '',
    '/root/.keep': '',
    ...(os.defaultUser !== 'root' ? { [`/home/${os.defaultUser}/.keep`]: '' } : {}),
  };
}

/** Freezes a host's file system into a plain object (what an image stores). */
export async function snapshotFs(fs: InMemoryFs): Promise<FsSnapshot> {
  const out: FsSnapshot = {};
  for (const path of fs.getAllPaths().sort()) {
    const stat = await fs.lstat(path);
    if (stat.isSymbolicLink) out[path] = { type: 'symlink', target: await fs.readlink(path) };
    else if (stat.isDirectory) out[path] = { type: 'dir', mode: stat.mode };
    else out[path] = { type: 'file', data: Buffer.from(await fs.readFileBuffer(path)).toString('base64'), mode: stat.mode };
  }
  return out;
}

/** A fresh, writable file system from an image's snapshot. */
export async function restoreFs(snapshot: FsSnapshot): Promise<InMemoryFs> {
  const fs = new InMemoryFs();
  const entries = Object.entries(snapshot).sort(([a], [b]) => a.localeCompare(b));
  for (const [path, entry] of entries) {
    if (entry.type === 'dir') await fs.mkdir(path, { recursive: true });
  }
  for (const [path, entry] of entries) {
    if (entry.type === 'file') {
      await fs.writeFile(path, Buffer.from(entry.data, 'base64'));
      await fs.chmod(path, entry.mode);
    } else if (entry.type === 'symlink') {
      await fs.symlink(entry.target, path);
    }
  }
  return fs;
}
