import path from 'node:path';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { ensurePrivateDir, privatiseTree } from './private-dir';
import * as schema from './schema';

export type Schema = typeof schema;
// Both drivers' drizzle instances share this base type, so services never know which one runs.
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  driver: 'postgres' | 'pglite';
  db: Db;
  /** For pg-boss: one statement with parameters, or parameterless multi-statement text. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /** Where pg-boss should connect on Postgres (its own pool); undefined on PGlite. */
  connectionString?: string;
  /** PGlite: makes the data folder's files owner-only again (after migrations created some). */
  privatise?: () => void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string;
  /** PGlite data folder, or 'memory' for an in-memory database (tests). */
  pgliteDir?: string;
  /**
   * The folder that holds `pgliteDir` and the generated secrets (CONSOLE_DATA_DIR): made
   * owner-only along with everything in it. Default: `pgliteDir` itself.
   */
  dataDir?: string;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(opts.url, { max: 10, onnotice: () => {} });
    const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Db;
    return {
      driver: 'postgres',
      db,
      connectionString: opts.url,
      async executeSql(text, values) {
        const rows = values?.length
          ? await client.unsafe(text, values as never[])
          : await client.unsafe(text).simple();
        return { rows: Array.isArray(rows) ? [...rows] : [] };
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dir = opts.pgliteDir ?? '.data/pglite';
  const dataDir = path.resolve(opts.dataDir ?? dir);
  if (dir !== 'memory') {
    ensurePrivateDir(dataDir);
    ensurePrivateDir(dir);
  }
  const release = dir === 'memory' ? () => {} : claimPgliteDir(path.resolve(dir));
  let pg: InstanceType<typeof PGlite>;
  try {
    pg = dir === 'memory' ? new PGlite() : new PGlite(path.resolve(dir));
    await pg.waitReady;
  } catch (err) {
    release();
    throw err;
  }
  // PGlite writes its files with the process umask (world-readable under the usual 022); the
  // folder above is already closed to others, and the files are made owner-only too.
  if (dir !== 'memory') privatiseTree(dataDir);
  const db = drizzle(pg, { schema, casing: 'snake_case' }) as unknown as Db;
  return {
    driver: 'pglite',
    db,
    async executeSql(text, values) {
      if (values?.length) return pg.query(text, values);
      // exec runs several statements; pg-boss wants the rows of the last one.
      const results = await pg.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
    // Files made since the open (migrations create tables) get the same treatment.
    privatise: () => privatiseTree(dataDir),
    async close() {
      await pg.close();
      release();
    },
  };
}

/** Thrown when another living process has the PGlite folder open. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dir} is open in process ${pid} (a running console?). Stop that process first, or use PostgreSQL (DATABASE_URL). ` +
        `If no such process uses it, delete ${dir}.lock.`,
    );
    this.name = 'DatabaseInUseError';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder corrupts it.
 * `<dir>.lock` holds the opening process's pid; a lock whose process is gone (kill -9) is stale
 * and taken over. Returns the release function.
 */
function claimPgliteDir(dir: string): () => void {
  const lockFile = `${dir}.lock`;
  const mine = String(process.pid);
  for (;;) {
    try {
      writeFileSync(lockFile, mine, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockFile, 'utf8').trim());
      if (owner === process.pid) break;
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) throw new DatabaseInUseError(dir, owner);
      rmSync(lockFile, { force: true });
    }
  }
  const release = () => {
    try {
      if (readFileSync(lockFile, 'utf8').trim() === mine) rmSync(lockFile, { force: true });
    } catch {
      // Already gone.
    }
    process.off('exit', release);
  };
  process.on('exit', release);
  return release;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
