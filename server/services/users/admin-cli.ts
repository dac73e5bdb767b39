// `npm run admin -- list | promote EMAIL`: for an operator on the server, to see the users and
// to make one an enabled admin again when nobody can manage users. Opens the database the way
// the console and worker do (DATABASE_URL, else the PGlite folder under CONSOLE_DATA_DIR,
// refused while a console has it open). Changes are audited as the system.
import { getDatabase } from '@/db';
import { DatabaseInUseError } from '@/db/client';
import { AppError } from '@/server/lib/errors';
import { SYSTEM_ACTOR } from '../audit/record-audit';
import { findUsers } from './find-users';
import { promoteUser } from './promote-user';

const USAGE = `usage: npm run admin -- list
       npm run admin -- promote EMAIL   make EMAIL an enabled admin (audited as the system)`;

async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!((command === 'list' && rest.length === 0) || (command === 'promote' && rest.length === 1))) {
    console.error(USAGE);
    return 2;
  }
  const database = await getDatabase();
  try {
    if (command === 'list') {
      const users = await findUsers(database.db);
      const width = Math.max(5, ...users.map((u) => u.email.length));
      console.log(`${'EMAIL'.padEnd(width)}  ${'ROLE'.padEnd(8)}  STATUS    NAME`);
      for (const u of users) console.log(`${u.email.padEnd(width)}  ${u.role.padEnd(8)}  ${(u.disabled ? 'disabled' : 'active').padEnd(8)}  ${u.name}`);
      const admins = users.filter((u) => u.role === 'admin' && !u.disabled).length;
      console.log(`\n${users.length} users, ${admins} enabled admin${admins === 1 ? '' : 's'}`);
      return 0;
    }
    const { user, changed } = await promoteUser(database.db, SYSTEM_ACTOR, rest[0]!, 'npm run admin -- promote');
    console.log(changed ? `${user.email} is now an enabled admin.` : `${user.email} is already an enabled admin; nothing changed.`);
    return 0;
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof DatabaseInUseError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(err instanceof AppError ? err.userMessage : `admin: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
