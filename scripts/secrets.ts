// npm run secrets -- rotate --from OLD --to NEW
//   Re-encrypts every stored cloud key from the CONSOLE_SECRET_KEY OLD to NEW, in one transaction
//   (all or nothing; refused when any value does not open with OLD), audited as the system.
//   --from-file / --to-file read a key from a file instead (keeps it out of shell history).
//   The database is the console's: DATABASE_URL, else the PGlite folder under CONSOLE_DATA_DIR —
//   stop the console first in that case (PGlite is one process's database).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { SECRET_HOWTO, databaseEnv, secretProblem } from '@/server/env';
import { AppError } from '@/server/lib/errors';
import { rotateSecretKey } from '@/server/services/clouds/rotate-secret-key';

const USAGE = `usage:
  npm run secrets -- rotate --from OLD --to NEW
  npm run secrets -- rotate --from-file old.key --to-file new.key`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function key(args: string[], name: 'from' | 'to'): string {
  const literal = flag(args, name);
  const file = flag(args, `${name}-file`);
  if (literal === undefined && file === undefined) throw new UsageError(`--${name} (or --${name}-file) is required`);
  return (file !== undefined ? readFileSync(file, 'utf8') : literal!).trim();
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'rotate') throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  const from = key(args, 'from');
  const to = key(args, 'to');
  const problem = secretProblem(to);
  if (problem) throw new UsageError(`the new key ${problem}. ${SECRET_HOWTO}`);

  const e = databaseEnv();
  const dataDir = path.resolve(e.CONSOLE_DATA_DIR);
  const database = await openDatabase({ url: e.DATABASE_URL, pgliteDir: path.join(dataDir, 'pglite'), dataDir });
  try {
    await migrateDatabase(database);
    const result = await rotateSecretKey(database.db, { from, to });
    process.stdout.write(`Re-encrypted the keys of ${result.accounts.length} cloud account(s)${result.accounts.length ? `: ${result.accounts.join(', ')}` : ''}.\n`);
  } finally {
    await database.close();
  }
  // A console without CONSOLE_SECRET_KEY reads the key it generated from this file: keep it in step.
  const keyFile = path.join(dataDir, 'secret-key');
  if (existsSync(keyFile)) {
    writeFileSync(keyFile, to, { mode: 0o600 });
    process.stdout.write(`Wrote the new key to ${keyFile}.\n`);
  }
  process.stdout.write('Restart the console and every worker with CONSOLE_SECRET_KEY set to the new key (if you set it in the environment).\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n${USAGE}\n`);
    else process.stderr.write(`Error: ${err instanceof AppError ? err.userMessage : err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
