import { sql } from 'drizzle-orm';
import { timestamp } from 'drizzle-orm/pg-core';

/**
 * `updated_at`, kept by the schema: every drizzle update (and upsert's DO UPDATE) sets it to
 * the database's now() unless the statement sets it itself. now() rather than the app's clock,
 * so it compares with created_at (defaultNow) and with SQL like `updated_at < now() - …`.
 */
export const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => sql`now()`);
