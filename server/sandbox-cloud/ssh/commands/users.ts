import { defineCommand, type Command, type ExecResult, type IFileSystem } from 'just-bash';
import {
  appendShadow,
  findGroup,
  findUser,
  groupsOf,
  nextId,
  readGroups,
  readPasswd,
  VALID_NAME,
  writeGroups,
  writePasswd,
  type GroupEntry,
  type PasswdEntry,
} from './accounts';
import { fail, isRhelLike, ok, osRelease, parseOptions, stdinText, str, type Ctx } from './util';

interface NewUser {
  name: string;
  system: boolean;
  uid?: string;
  group?: string;
  extraGroups: string[];
  userGroup: boolean;
  home?: string;
  createHome: boolean;
  shell: string;
  comment: string;
}

/** Shared by useradd and adduser: writes passwd, group, shadow and the home directory. */
async function createUser(fs: IFileSystem, u: NewUser, prog: string): Promise<ExecResult> {
  const users = await readPasswd(fs);
  const groups = await readGroups(fs);
  if (users.some((x) => x.name === u.name)) return fail(`${prog}: user '${u.name}' already exists\n`, 9);
  const takenUids = new Set(users.map((x) => x.uid));
  let uid: number;
  if (u.uid !== undefined) {
    if (!/^\d+$/.test(u.uid)) return fail(`${prog}: invalid user ID '${u.uid}'\n`, 3);
    uid = Number(u.uid);
    if (takenUids.has(uid)) return fail(`${prog}: UID ${uid} is not unique\n`, 4);
  } else {
    uid = nextId(takenUids, u.system);
  }
  let gid: number;
  if (u.group !== undefined) {
    const g = groups.find((x) => x.name === u.group || (/^\d+$/.test(u.group!) && x.gid === Number(u.group)));
    if (!g) return fail(`${prog}: group '${u.group}' does not exist\n`, 6);
    gid = g.gid;
  } else if (u.userGroup) {
    if (groups.some((g) => g.name === u.name)) {
      return fail(`${prog}: group ${u.name} exists - if you want to add this user to that group, use -g.\n`, 9);
    }
    const takenGids = new Set(groups.map((g) => g.gid));
    gid = takenGids.has(uid) ? nextId(takenGids, u.system) : uid;
    groups.push({ name: u.name, gid, members: [] });
  } else {
    gid = groups.find((g) => g.name === 'users')?.gid ?? 100;
  }
  for (const extra of u.extraGroups) {
    const g = groups.find((x) => x.name === extra || x.gid === Number(extra));
    if (!g) return fail(`${prog}: group '${extra}' does not exist\n`, 6);
    if (!g.members.includes(u.name)) g.members.push(u.name);
  }
  const home = u.home ?? `/home/${u.name}`;
  users.push({ name: u.name, uid, gid, gecos: u.comment, home, shell: u.shell });
  await writePasswd(fs, users);
  await writeGroups(fs, groups);
  await appendShadow(fs, u.name);
  if (u.createHome && !(await fs.exists(home))) {
    await fs.mkdir(home, { recursive: true });
    await fs.chmod(home, 0o750);
  }
  return ok();
}

const useradd = defineCommand('useradd', async (args, ctx) => {
  const o = parseOptions(args, {
    flags: ['system', 'create-home', 'no-create-home', 'user-group', 'no-user-group', 'non-unique', 'no-log-init', 'badname'],
    withValue: ['shell', 'home-dir', 'gid', 'groups', 'uid', 'comment', 'password', 'expiredate', 'inactive', 'skel', 'key', 'base-dir'],
    aliases: { r: 'system', m: 'create-home', M: 'no-create-home', U: 'user-group', N: 'no-user-group', o: 'non-unique', l: 'no-log-init', s: 'shell', d: 'home-dir', home: 'home-dir', g: 'gid', G: 'groups', u: 'uid', c: 'comment', p: 'password', e: 'expiredate', f: 'inactive', k: 'skel', K: 'key', b: 'base-dir' },
  });
  if (o.error) return fail(`useradd: ${o.error}\n`, 2);
  const name = o.operands[0];
  if (!name || o.operands.length > 1) return fail('Usage: useradd [options] LOGIN\n', 2);
  if (!VALID_NAME.test(name)) return fail(`useradd: invalid user name '${name}'\n`, 3);
  const system = o.flags.has('system');
  // Debian's login.defs leaves CREATE_HOME off; the RHEL family turns it on (never for system users).
  const createHomeDefault = !system && isRhelLike(await osRelease(ctx.fs));
  const baseDir = str(o.flags.get('base-dir'));
  return createUser(
    ctx.fs,
    {
      name,
      system,
      uid: str(o.flags.get('uid')),
      group: str(o.flags.get('gid')),
      extraGroups: (str(o.flags.get('groups')) ?? '').split(',').filter(Boolean),
      userGroup: !o.flags.has('no-user-group'),
      home: str(o.flags.get('home-dir')) ?? (baseDir ? `${baseDir}/${name}` : undefined),
      createHome: o.flags.has('create-home') || (createHomeDefault && !o.flags.has('no-create-home')),
      shell: str(o.flags.get('shell')) ?? '/bin/sh',
      comment: str(o.flags.get('comment')) ?? '',
    },
    'useradd',
  );
});

const groupadd = defineCommand('groupadd', async (args, ctx) => {
  const o = parseOptions(args, {
    flags: ['system', 'force', 'non-unique'],
    withValue: ['gid', 'key', 'password'],
    aliases: { r: 'system', f: 'force', o: 'non-unique', g: 'gid', K: 'key', p: 'password' },
  });
  if (o.error) return fail(`groupadd: ${o.error}\n`, 2);
  const name = o.operands[0];
  if (!name) return fail('Usage: groupadd [options] GROUP\n', 2);
  if (!VALID_NAME.test(name)) return fail(`groupadd: '${name}' is not a valid group name\n`, 3);
  const groups = await readGroups(ctx.fs);
  if (groups.some((g) => g.name === name)) return o.flags.has('force') ? ok() : fail(`groupadd: group '${name}' already exists\n`, 9);
  const taken = new Set(groups.map((g) => g.gid));
  let gid = nextId(taken, o.flags.has('system'));
  const wanted = str(o.flags.get('gid'));
  if (wanted !== undefined) {
    if (!/^\d+$/.test(wanted)) return fail(`groupadd: invalid group ID '${wanted}'\n`, 3);
    if (taken.has(Number(wanted)) && !o.flags.has('non-unique') && !o.flags.has('force')) return fail(`groupadd: GID '${wanted}' already exists\n`, 4);
    if (!taken.has(Number(wanted)) || o.flags.has('non-unique')) gid = Number(wanted);
  }
  groups.push({ name, gid, members: [] });
  await writeGroups(ctx.fs, groups);
  return ok();
});

/** Debian's adduser; on the RHEL family adduser is useradd under another name. */
const adduser = defineCommand('adduser', async (args, ctx) => {
  if (isRhelLike(await osRelease(ctx.fs))) return useradd.execute(args, ctx);
  const o = parseOptions(args, {
    flags: ['system', 'group', 'no-create-home', 'disabled-password', 'disabled-login', 'quiet', 'force-badname', 'allow-badname', 'debug', 'no-create-home'],
    withValue: ['home', 'shell', 'ingroup', 'gecos', 'comment', 'uid', 'gid', 'firstuid', 'lastuid', 'conf', 'add_extra_groups'],
    aliases: { q: 'quiet' },
  });
  if (o.error) return fail(`adduser: ${o.error}\n`, 1);
  const quiet = o.flags.has('quiet');
  const [name, group] = o.operands;
  if (!name) return fail('adduser: Only one or two names allowed.\n', 1);
  // `adduser USER GROUP` adds an existing user to an existing group.
  if (group !== undefined) {
    const user = await findUser(ctx.fs, name);
    if (!user) return fail(`adduser: The user \`${name}' does not exist.\n`, 1);
    const groups = await readGroups(ctx.fs);
    const g = groups.find((x) => x.name === group);
    if (!g) return fail(`adduser: The group \`${group}' does not exist.\n`, 1);
    if (!g.members.includes(name)) g.members.push(name);
    await writeGroups(ctx.fs, groups);
    return ok(quiet ? '' : `Adding user \`${name}' to group \`${group}' ...\nDone.\n`);
  }
  const system = o.flags.has('system');
  if (o.flags.has('group') && !system) {
    const groups = await readGroups(ctx.fs);
    if (groups.some((g) => g.name === name)) return fail(`adduser: The group \`${name}' already exists.\n`, 1);
    groups.push({ name, gid: nextId(new Set(groups.map((g) => g.gid)), false), members: [] });
    await writeGroups(ctx.fs, groups);
    return ok(quiet ? '' : `Adding group \`${name}' ...\nDone.\n`);
  }
  const existing = await findUser(ctx.fs, name);
  if (existing) {
    return system ? ok('', quiet ? '' : `The system user \`${name}' already exists. Exiting.\n`) : fail(`adduser: The user \`${name}' already exists.\n`, 1);
  }
  const result = await createUser(
    ctx.fs,
    {
      name,
      system,
      uid: str(o.flags.get('uid')),
      // System users land in nogroup unless --group asks for their own (images without nogroup get their own too).
      group: str(o.flags.get('ingroup')) ?? str(o.flags.get('gid')) ?? (system && !o.flags.has('group') && (await findGroup(ctx.fs, 'nogroup')) ? 'nogroup' : undefined),
      extraGroups: [],
      userGroup: true,
      home: str(o.flags.get('home')) ?? (system ? '/nonexistent' : `/home/${name}`),
      createHome: !o.flags.has('no-create-home') && !(system && !o.flags.has('home')),
      shell: str(o.flags.get('shell')) ?? (system ? '/usr/sbin/nologin' : '/bin/bash'),
      comment: str(o.flags.get('gecos')) ?? str(o.flags.get('comment')) ?? '',
    },
    'adduser',
  );
  if (result.exitCode !== 0 || quiet) return result;
  return ok(`Adding ${system ? 'system ' : ''}user \`${name}' ...\n`);
});

const usermod = defineCommand('usermod', async (args, ctx) => {
  const o = parseOptions(args, {
    flags: ['append', 'lock', 'unlock', 'move-home'],
    withValue: ['groups', 'gid', 'shell', 'home', 'comment', 'login', 'uid', 'expiredate', 'password'],
    aliases: { a: 'append', L: 'lock', U: 'unlock', m: 'move-home', G: 'groups', g: 'gid', s: 'shell', d: 'home', c: 'comment', l: 'login', u: 'uid', e: 'expiredate', p: 'password' },
  });
  if (o.error) return fail(`usermod: ${o.error}\n`, 2);
  const name = o.operands[0];
  if (!name) return fail('Usage: usermod [options] LOGIN\n', 2);
  const users = await readPasswd(ctx.fs);
  const user = users.find((u) => u.name === name);
  if (!user) return fail(`usermod: user '${name}' does not exist\n`, 6);
  const groups = await readGroups(ctx.fs);
  const gid = str(o.flags.get('gid'));
  if (gid !== undefined) {
    const g = groups.find((x) => x.name === gid || x.gid === Number(gid));
    if (!g) return fail(`usermod: group '${gid}' does not exist\n`, 6);
    user.gid = g.gid;
  }
  const extra = str(o.flags.get('groups'));
  if (extra !== undefined) {
    const wanted = extra.split(',').filter(Boolean);
    for (const w of wanted) if (!groups.some((g) => g.name === w)) return fail(`usermod: group '${w}' does not exist\n`, 6);
    for (const g of groups) {
      const member = g.members.includes(name);
      if (wanted.includes(g.name) && !member) g.members.push(name);
      if (!wanted.includes(g.name) && member && !o.flags.has('append')) g.members = g.members.filter((m) => m !== name);
    }
  }
  const shell = str(o.flags.get('shell'));
  if (shell !== undefined) user.shell = shell;
  const home = str(o.flags.get('home'));
  if (home !== undefined) {
    if (o.flags.has('move-home') && (await ctx.fs.exists(user.home)) && !(await ctx.fs.exists(home))) await ctx.fs.mv(user.home, home);
    user.home = home;
  }
  const comment = str(o.flags.get('comment'));
  if (comment !== undefined) user.gecos = comment;
  await writePasswd(ctx.fs, users);
  await writeGroups(ctx.fs, groups);
  return ok();
});

const userdel = defineCommand('userdel', async (args, ctx) => {
  const o = parseOptions(args, { flags: ['remove', 'force'], aliases: { r: 'remove', f: 'force' } });
  if (o.error) return fail(`userdel: ${o.error}\n`, 2);
  const name = o.operands[0];
  const users = await readPasswd(ctx.fs);
  const user = users.find((u) => u.name === name);
  if (!name || !user) return fail(`userdel: user '${name ?? ''}' does not exist\n`, 6);
  await writePasswd(ctx.fs, users.filter((u) => u !== user));
  const groups = (await readGroups(ctx.fs))
    .filter((g) => !(g.name === name && g.gid === user.gid))
    .map((g) => ({ ...g, members: g.members.filter((m) => m !== name) }));
  await writeGroups(ctx.fs, groups);
  if (o.flags.has('remove') && (await ctx.fs.exists(user.home))) await ctx.fs.rm(user.home, { recursive: true, force: true });
  return ok();
});

const currentUser = (ctx: Ctx): string => ctx.env.get('USER') || 'root';

const id = defineCommand('id', async (args, ctx) => {
  const o = parseOptions(args, {
    flags: ['user', 'group', 'groups', 'name', 'real', 'zero'],
    aliases: { u: 'user', g: 'group', G: 'groups', n: 'name', r: 'real', z: 'zero' },
  });
  if (o.error) return fail(`id: ${o.error}\n`, 1);
  const name = o.operands[0] ?? currentUser(ctx);
  const user = await findUser(ctx.fs, name);
  if (!user) return fail(`id: '${name}': no such user\n`, 1);
  const groups = await groupsOf(ctx.fs, user);
  const primaryName = groups.find((g) => g.gid === user.gid)?.name ?? String(user.gid);
  const byName = o.flags.has('name');
  if (o.flags.has('user')) return ok(`${byName ? user.name : user.uid}\n`);
  if (o.flags.has('group')) return ok(`${byName ? primaryName : user.gid}\n`);
  if (o.flags.has('groups')) return ok(`${groups.map((g: GroupEntry) => (byName ? g.name : g.gid)).join(' ')}\n`);
  const list = groups.map((g) => `${g.gid}(${g.name})`).join(',');
  return ok(`uid=${user.uid}(${user.name}) gid=${user.gid}(${primaryName}) groups=${list}\n`);
});

const whoami = defineCommand('whoami', async (_args, ctx) => ok(`${currentUser(ctx)}\n`));

const groupsCmd = defineCommand('groups', async (args, ctx) => {
  const names = args.length ? args : [currentUser(ctx)];
  let out = '';
  for (const name of names) {
    const user: PasswdEntry | undefined = await findUser(ctx.fs, name);
    if (!user) return fail(`groups: '${name}': no such user\n`, 1, out);
    const list = (await groupsOf(ctx.fs, user)).map((g) => g.name).join(' ');
    out += args.length ? `${name} : ${list}\n` : `${list}\n`;
  }
  return ok(out);
});

/** Passwords are never checked inside a sandbox host; these only validate the user names. */
const passwd = defineCommand('passwd', async (args, ctx) => {
  const name = args.filter((a) => !a.startsWith('-')).pop() ?? currentUser(ctx);
  if (!(await findUser(ctx.fs, name))) return fail(`passwd: user '${name}' does not exist\n`, 1);
  return ok(`passwd: password expiry information changed.\n`);
});

const chpasswd = defineCommand('chpasswd', async (_args, ctx) => {
  for (const line of stdinText(ctx).split('\n').filter(Boolean)) {
    const name = line.split(':')[0] ?? '';
    if (!(await findUser(ctx.fs, name))) return fail(`chpasswd: line 1: user '${name}' does not exist\nchpasswd: error detected, changes ignored\n`, 1);
  }
  return ok();
});

export const userCommands: Command[] = [useradd, groupadd, adduser, usermod, userdel, id, whoami, groupsCmd, passwd, chpasswd];
