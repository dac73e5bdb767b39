import type { IFileSystem } from 'just-bash';
import { readText, rewriteFile } from './util';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export async function readPasswd(fs: IFileSystem): Promise<PasswdEntry[]> {
  const text = (await readText(fs, '/etc/passwd')) ?? '';
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((line) => {
      const [name = '', , uid = '0', gid = '0', gecos = '', home = '/', shell = '/bin/sh'] = line.split(':');
      return { name, uid: Number(uid), gid: Number(gid), gecos, home, shell };
    });
}

export async function readGroups(fs: IFileSystem): Promise<GroupEntry[]> {
  const text = (await readText(fs, '/etc/group')) ?? '';
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((line) => {
      const [name = '', , gid = '0', members = ''] = line.split(':');
      return { name, gid: Number(gid), members: members.split(',').filter(Boolean) };
    });
}

export async function writePasswd(fs: IFileSystem, users: PasswdEntry[]): Promise<void> {
  await rewriteFile(fs, '/etc/passwd', users.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.gecos}:${u.home}:${u.shell}\n`).join(''));
}

export async function writeGroups(fs: IFileSystem, groups: GroupEntry[]): Promise<void> {
  await rewriteFile(fs, '/etc/group', groups.map((g) => `${g.name}:x:${g.gid}:${g.members.join(',')}\n`).join(''));
}

const ROOT: PasswdEntry = { name: 'root', uid: 0, gid: 0, gecos: 'root', home: '/root', shell: '/bin/bash' };

/** A user by name or numeric id; root exists even on a disk whose /etc/passwd lacks it. */
export async function findUser(fs: IFileSystem, nameOrId: string): Promise<PasswdEntry | undefined> {
  const users = await readPasswd(fs);
  const found = users.find((u) => u.name === nameOrId) ?? (/^\d+$/.test(nameOrId) ? users.find((u) => u.uid === Number(nameOrId)) : undefined);
  return found ?? (nameOrId === 'root' || nameOrId === '0' ? ROOT : undefined);
}

export async function findGroup(fs: IFileSystem, nameOrId: string): Promise<GroupEntry | undefined> {
  const groups = await readGroups(fs);
  return groups.find((g) => g.name === nameOrId) ?? (/^\d+$/.test(nameOrId) ? groups.find((g) => g.gid === Number(nameOrId)) : undefined);
}

/** Numeric ids are accepted even without an entry, as chown does. */
export async function resolveUid(fs: IFileSystem, spec: string): Promise<number | undefined> {
  const user = await findUser(fs, spec);
  if (user) return user.uid;
  return /^\d+$/.test(spec) ? Number(spec) : undefined;
}

export async function resolveGid(fs: IFileSystem, spec: string): Promise<number | undefined> {
  const group = await findGroup(fs, spec);
  if (group) return group.gid;
  return /^\d+$/.test(spec) ? Number(spec) : undefined;
}

/** System ids count down from 999 (Debian/RHEL login.defs); regular ones up from 1000. */
export function nextId(taken: Set<number>, system: boolean): number {
  if (system) {
    for (let id = 999; id >= 100; id--) if (!taken.has(id)) return id;
  }
  let id = 1000;
  for (const t of taken) if (t >= 1000 && t < 60000 && t >= id) id = t + 1;
  return id;
}

export const VALID_NAME = /^[a-z_][a-z0-9_.-]*\$?$/i;

export async function groupsOf(fs: IFileSystem, user: PasswdEntry): Promise<GroupEntry[]> {
  const groups = await readGroups(fs);
  const primary = groups.find((g) => g.gid === user.gid);
  const rest = groups.filter((g) => g !== primary && g.members.includes(user.name));
  return primary ? [primary, ...rest] : rest;
}

/** Keeps /etc/shadow in step when the image has one. */
export async function appendShadow(fs: IFileSystem, name: string): Promise<void> {
  const shadow = await readText(fs, '/etc/shadow');
  if (shadow === undefined) return;
  const days = Math.floor(Date.now() / 86_400_000);
  await rewriteFile(fs, '/etc/shadow', `${shadow}${shadow && !shadow.endsWith('\n') ? '\n' : ''}${name}:!:${days}:0:99999:7:::\n`);
}
