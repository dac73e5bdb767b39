import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { setDatabase } from '@/db';

export const TEST_DRIVER: 'postgres' | 'pglite' = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
export const POSTGRES_ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  database: Database;
  /** The URL of the fresh database (Postgres only), for child processes. */
  url?: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new database on
 * the machine's PostgreSQL (created from DATABASE_URL and dropped afterwards). `migrate: false`
 * leaves it empty, for tests that replay the migrations themselves.
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = opts.migrate ?? true;
  if (TEST_DRIVER === 'pglite') {
    const database = await openDatabase({ pgliteDir: 'memory' });
    if (migrate) await migrateDatabase(database);
    setDatabase(database);
    return { database, drop: () => database.close() };
  }
  const { default: postgres } = await import('postgres');
  const name = `rome_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  if (migrate) await migrateDatabase(database);
  setDatabase(database);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
