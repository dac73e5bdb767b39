import path from 'node:path';
import { defineConfig } from 'vitest/config';

const TEST_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123';
const alias = { '@': path.resolve(import.meta.dirname) };
const DB_TESTS = ['server/api/**/*.test.ts', 'server/services/**/*.test.ts', 'server/jobs/**/*.test.ts', 'db/**/*.test.ts'];

// The data-layer tests run twice: on PGlite and on the machine's PostgreSQL.
export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['**/*.test.ts'], exclude: [...DB_TESTS, 'node_modules/**', 'e2e/**', '.next/**'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        resolve: { alias },
        test: { name: 'pglite', include: DB_TESTS, env: { TEST_DB: 'pglite', LOG_LEVEL: 'silent', AUTH_SECRET: TEST_AUTH_SECRET }, testTimeout: 60_000, hookTimeout: 120_000 },
      },
      {
        resolve: { alias },
        test: {
          name: 'postgres',
          include: DB_TESTS,
          env: { TEST_DB: 'postgres', LOG_LEVEL: 'silent', AUTH_SECRET: TEST_AUTH_SECRET, DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
