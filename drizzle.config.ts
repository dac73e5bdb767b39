import { defineConfig } from 'drizzle-kit';

// Generation only needs the schema; migrations are applied at start by db/migrate.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  casing: 'snake_case',
});
