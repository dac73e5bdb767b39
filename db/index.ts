import path from 'node:path';
import { env } from '@/server/env';
import { openDatabase, type Database } from './client';
import { migrateDatabase } from './migrate';

export type { Database, Db, DbOrTx, Tx } from './client';
export type { AuditDetails, BaseImageStatus, InventorySyncStatus, InventorySyncTrigger } from './schema';
export * as tables from './schema';

// One database per process. Next.js may load this module in several bundles (route
// handlers, instrumentation), so the instance lives on globalThis: two PGlite instances
// over one folder would corrupt it.
const KEY = Symbol.for('rome.database');
type Holder = { [KEY]?: Promise<Database> };

export function getDatabase(): Promise<Database> {
  const g = globalThis as Holder;
  g[KEY] ??= (async () => {
    const e = env();
    const database = await openDatabase({
      url: e.DATABASE_URL,
      pgliteDir: path.join(e.CONSOLE_DATA_DIR, 'pglite'),
      dataDir: e.CONSOLE_DATA_DIR,
    });
    await migrateDatabase(database);
    database.privatise?.();
    return database;
  })();
  return g[KEY];
}

/** Tests and CLIs install their own database (e.g. a fresh one per test file). */
export function setDatabase(database: Database): void {
  (globalThis as Holder)[KEY] = Promise.resolve(database);
}
