import { defineCommand, type Command } from 'just-bash';
import { findUser } from './accounts';
import { execArgv, exportedEnv, fail, ok, shQuote } from './util';

export const SECURE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Variables Ubuntu's sudoers keeps across env_reset. */
const KEPT = /^(TERM|COLORTERM|DISPLAY|XAUTHORITY|LANG|LANGUAGE|LC_[A-Z_]+|TZ)$/;

/**
 * sudo without a password prompt (cloud images give the login user NOPASSWD sudo). Every user may
 * use it; `-E` keeps the caller's environment, otherwise env_reset applies as on Ubuntu.
 */
export const sudo: Command = defineCommand('sudo', async (args, ctx) => {
  let preserve = false;
  let login = false;
  let shell = false;
  let target = 'root';
  const keepNames: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const [name, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (name === '--preserve-env') {
        if (value === undefined) preserve = true;
        else keepNames.push(...value.split(','));
      } else if (name === '--user') target = value ?? args[++i] ?? '';
      else if (name === '--group' || name === '--prompt' || name === '--chdir' || name === '--close-from') {
        if (value === undefined) i++;
      } else if (name === '--login') login = true;
      else if (name === '--shell') shell = true;
      else if (name === '--version') return ok('Sudo version 1.9.9\n');
      else if (!['--non-interactive', '--stdin', '--set-home', '--preserve-groups', '--reset-timestamp', '--remove-timestamp', '--background'].includes(name)) {
        return fail(`sudo: unrecognized option '${a}'\n`, 1);
      }
      continue;
    }
    if (!a.startsWith('-') || a.length === 1) break;
    for (let j = 1; j < a.length; j++) {
      const ch = a[j]!;
      if (ch === 'E') preserve = true;
      else if (ch === 'i') login = true;
      else if (ch === 's') shell = true;
      else if (ch === 'u' || ch === 'g' || ch === 'p' || ch === 'D' || ch === 'C') {
        const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (value === undefined) return fail(`sudo: option requires an argument -- '${ch}'\n`, 1);
        if (ch === 'u') target = value;
        break;
      } else if (ch === 'V') return ok('Sudo version 1.9.9\n');
      else if (!'HnSkKPAbB'.includes(ch)) return fail(`sudo: invalid option -- '${ch}'\n`, 1);
    }
  }
  const user = await findUser(ctx.fs, target.startsWith('#') ? target.slice(1) : target);
  if (!user) return fail(`sudo: unknown user ${target}\nsudo: error initializing audit plugin sudoers_audit\n`, 1);
  const caller = exportedEnv(ctx);
  const callerUser = await findUser(ctx.fs, caller.USER ?? 'root');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(caller)) if (preserve || KEPT.test(k) || keepNames.includes(k)) env[k] = v;
  Object.assign(env, {
    ...(preserve ? {} : { PATH: SECURE_PATH, HOME: user.home, SHELL: user.shell, MAIL: `/var/mail/${user.name}` }),
    USER: user.name,
    LOGNAME: user.name,
    SUDO_USER: callerUser?.name ?? 'root',
    SUDO_UID: String(callerUser?.uid ?? 0),
    SUDO_GID: String(callerUser?.gid ?? 0),
  });
  for (; i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!); i++) {
    const a = args[i]!;
    env[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  }
  let command = args.slice(i);
  if (command.length === 0) {
    if (!login && !shell) return fail('usage: sudo -h | -K | -k | -V\nusage: sudo [-AbEHknPS] [-u user] [command [arg ...]]\n', 1);
    command = ['bash', '-s'];
  } else if (login || shell) {
    command = ['bash', '-c', command.map(shQuote).join(' ')];
  }
  env.SUDO_COMMAND = command.join(' ');
  const cwd = login && (await ctx.fs.exists(user.home)) ? user.home : ctx.cwd;
  return execArgv(ctx, command, { env, replaceEnv: true, cwd });
});
