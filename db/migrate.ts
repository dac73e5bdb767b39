import path from 'node:path';
import type { Database } from './client';

const MIGRATIONS = path.join(process.cwd(), 'db', 'migrations');
// Any constant works; it only has to be the same in every process of the console.
const MIGRATION_LOCK = 7_314_202_611;

/** Applies the committed drizzle-kit migrations with the migrator matching the driver. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.driver === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS });
    return;
  }
  // Web and workers may start together on one Postgres: serialize them on an advisory
  // lock held by a dedicated one-connection client, so the migrator runs once.
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(database.connectionString!, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}
