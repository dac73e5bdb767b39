import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Who may import whom (docs/architecture.md): one `no-restricted-imports` rule per folder,
// so a layering mistake fails `npm run lint` instead of waiting for review.
const forbid = (...groups) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: groups.map(([group, message]) => ({ group, message })),
    },
  ],
});

const DB = [['@/db', '@/db/*', '**/db/*'], 'Only server/services (and the worker start-up) may touch the database.'];
const SERVICES = [['@/server/services/*'], 'Go through tRPC (server/api), not services.'];
const ENGINE = [['@/server/engine/*'], 'The engine is reached through services or jobs.'];
const JOBS = [['@/server/jobs/*'], 'Enqueue through services (server/jobs/enqueue) only.'];
const API = [['@/server/api/*', '!@/server/api/schemas/*'], 'Lower layers never reach up into the API layer.'];
const APP = [['@/app/*'], 'Nothing imports the Next.js app layer.'];
const COMPONENTS = [['@/components/*'], 'Server code never imports UI.'];
const SANDBOX = [['@/server/sandbox-cloud/*'], 'The sandbox cloud is a foreign vendor: talk to it over HTTP.'];
const SERVER_EXCEPT_SCHEMAS = [
  ['@/server/*', '!@/server/api', '!@/server/api/schemas', '!@/server/api/schemas/*', '!@/server/api/root'],
  'UI reaches the server only through tRPC and the shared zod schemas.',
];

export default tseslint.config(
  { ignores: ['.next/**', 'node_modules/**', '.data/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**', 'e2e/screenshots/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { '@next/next': nextPlugin, 'react-hooks': reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  { files: ['components/ui/**'], rules: forbid([['@/server/*', '@/db', '@/db/*', '@/app/*', '@/components/!(ui)/*'], 'UI primitives have no data access.']) },
  { files: ['components/**'], ignores: ['components/ui/**'], rules: forbid(SERVER_EXCEPT_SCHEMAS, DB) },
  { files: ['app/**'], ignores: ['app/api/**', 'app/_trpc/**'], rules: forbid(DB, SERVICES, ENGINE, JOBS) },
  { files: ['server/api/**'], rules: forbid(DB, COMPONENTS, APP, JOBS, SANDBOX) },
  { files: ['server/services/**'], rules: forbid(COMPONENTS, APP, SANDBOX, [['@/server/jobs/*', '!@/server/jobs/enqueue'], 'Services only enqueue jobs.']) },
  { files: ['server/jobs/**'], rules: forbid(COMPONENTS, APP, API, SANDBOX) },
  { files: ['server/engine/**'], rules: forbid(DB, SERVICES, API, JOBS, COMPONENTS, APP, SANDBOX) },
  { files: ['server/clouds/**'], rules: forbid(DB, SERVICES, API, JOBS, ENGINE, COMPONENTS, APP, SANDBOX) },
  {
    files: ['server/sandbox-cloud/**'],
    rules: forbid([['@/*', '!@/server/sandbox-cloud/*'], 'The sandbox cloud stands for a foreign vendor: its own files and libraries only.']),
  },
  { files: ['db/**'], rules: forbid(COMPONENTS, APP, SERVICES, API, JOBS, ENGINE) },
  // Tests and their helpers may reach across layers (a client test starts the sandbox cloud).
  { files: ['**/*.test.ts', 'server/testing/**'], rules: { 'no-restricted-imports': 'off' } },
  // Only server/env.ts reads the environment (Next's instrumentation hook must test the runtime itself).
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['server/env.ts', 'instrumentation.ts', '**/*.test.ts', 'server/testing/**', 'server/sandbox-cloud/cli.ts', 'e2e/**', '*.config.*', 'scripts/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/env.ts.' }] },
  },
);
