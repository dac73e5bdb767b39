import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nextPlugin from '@next/eslint-plugin-next';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

// Who may import whom: an allow-list per folder, checked on the RESOLVED path of every import
// (`@/db`, `../../db/client` and `export … from` alike) by import-x/no-restricted-paths.
// Besides what its row lists, a folder may import its own files and libraries (node_modules,
// node:*). A file takes the row of the most specific folder that contains it; a file no row
// covers may import nothing of the project until it gets a row. docs/architecture.md shows
// this table as rendered by renderImportTable() (eslint-boundaries.test.ts keeps them equal;
// `npm run docs:imports` rewrites the doc's copy).
const may = (p, why) => ({ path: p, why });
const typesOf = (p, why) => ({ path: p, why, typeOnly: true });

/** @type {{ folder: string, label?: string, mayImport: Array<string | { path: string, why?: string, typeOnly?: boolean }>, note?: string }[]} */
export const IMPORT_LAYERS = [
  {
    folder: 'app',
    label: 'pages, layouts',
    mayImport: ['components', may('server/api/session.ts', 'the signed-in user'), may('server/api/schemas', 'reading search params with the shared schemas')],
  },
  { folder: 'app/_trpc', label: 'client glue, server caller', mayImport: ['server/api', may('server/lib/permissions.ts', 'what the actor may do')] },
  { folder: 'app/api', label: 'route adapters', mayImport: ['server/api'] },
  { folder: 'components/ui', label: 'primitives', mayImport: [], note: 'React and UI libraries only' },
  { folder: 'components', label: 'layout, feature UI', mayImport: [may('app/_trpc/react.tsx', 'tRPC hooks'), 'server/api/schemas'] },
  {
    folder: 'server/api',
    label: 'tRPC',
    mayImport: ['server/services', may('server/engine', 'pure validation'), 'server/lib', may('server/env.ts', "the console's origins")],
    note: 'never `db`: the handle comes from `server/services/database.ts`',
  },
  {
    folder: 'server/api/schemas',
    label: 'zod, pure, shared with the client',
    mayImport: [may('server/lib/permissions.ts', 'roles'), may('server/lib/errors.ts', 'the error codes'), may('server/i18n/messages/en.json', "the English texts of a refused password")],
  },
  {
    folder: 'server/services',
    mayImport: ['db', may('server/api/schemas', 'input types'), 'server/jobs/enqueue.ts', 'server/engine', 'server/clouds', 'server/lib', 'server/env.ts'],
  },
  { folder: 'server/jobs', mayImport: [may('db', "the worker's handle"), 'server/services', 'server/engine', 'server/clouds', 'server/lib', 'server/env.ts'] },
  { folder: 'server/engine', mayImport: [may('server/clouds', 'through `CloudProvider`'), 'server/lib'], note: 'never `db`, api, services, jobs: it reports through events' },
  { folder: 'server/clouds', mayImport: ['server/lib'], note: 'SDKs and `fetch`' },
  { folder: 'server/sandbox-cloud', mayImport: [], note: 'it stands for a foreign vendor' },
  { folder: 'server/lib', mayImport: ['server/env.ts', typesOf('server/api/schemas/errors.ts')], note: "the error details' types come from their shared schemas" },
  { folder: 'server/env.ts', mayImport: [may('server/lib/client-address.ts', 'parses TRUSTED_PROXIES')], note: 'the only reader of `process.env`' },
  { folder: 'server/i18n', mayImport: [may('server/api/session.ts', "the user's locale"), 'server/api/schemas'] },
  {
    folder: 'server/boot.ts',
    label: 'start-up',
    mayImport: ['db', 'server/services', 'server/jobs', may('server/sandbox-cloud/server.ts', 'the embedded sandbox'), 'server/lib', 'server/env.ts'],
  },
  {
    folder: 'instrumentation.ts',
    mayImport: ['server/boot.ts', may('server/env.ts', 'checked before anything reads it'), may('server/lib/peer-address.ts', 'stamps each request with its socket address')],
  },
  {
    folder: 'db',
    mayImport: ['server/env.ts', typesOf('server/clouds/provider.ts'), typesOf('server/engine/template/validate.ts')],
    note: 'drizzle and drivers; the types give the stored JSON its shape',
  },
];

// Tests and their helpers, scripts, e2e and tool configs may reach across layers (a client
// test starts the sandbox cloud; a benchmark seeds through services).
export const IMPORT_FREE = ['**/*.test.ts', '**/*.test.tsx', 'server/testing/**', 'scripts/**', 'e2e/**', '*.config.*'];

const entryOf = (e) => (typeof e === 'string' ? { path: e } : e);
const isFile = (p) => /\.[cm]?[jt]sx?$/.test(p);
const SOURCE = '**/*.{js,mjs,cjs,ts,tsx}';

// docs/architecture.md holds the rendered table between these two lines.
export const IMPORT_TABLE_START = '<!-- import-table: generated from eslint.config.js by `npm run docs:imports` -->';
export const IMPORT_TABLE_END = '<!-- /import-table -->';

/** The table docs/architecture.md shows under "Who may import whom". */
export function renderImportTable() {
  const code = (p) => `\`${p}\``;
  const cell = (layer) => {
    const plain = layer.mayImport.map(entryOf).filter((e) => !e.typeOnly);
    const types = layer.mayImport.map(entryOf).filter((e) => e.typeOnly);
    const show = (e) => (e.why ? `${code(e.path)} (${e.why})` : code(e.path));
    const parts = plain.map(show);
    if (types.length) parts.push(`types only from ${types.map(show).join(', ')}`);
    const text = parts.length ? parts.join(', ') : 'nothing of the project';
    return layer.note ? `${text} — ${layer.note}` : text;
  };
  const rows = IMPORT_LAYERS.map((l) => `| ${code(l.folder)}${l.label ? ` (${l.label})` : ''} | ${cell(l)} |`);
  return [
    '| folder | may import, besides its own files and libraries |',
    '|---|---|',
    ...rows,
    `| anything else | nothing of the project until it has a row here |`,
    `| ${IMPORT_FREE.map(code).join(', ')} | anything |`,
  ].join('\n');
}

function boundaryConfigs() {
  const node = { folder: '*', mayImport: [] };
  // Most specific last: a later config object's rule options replace an earlier one's.
  const depth = (l) => (l.folder === '*' ? 0 : l.folder.split('/').length + (isFile(l.folder) ? 0.5 : 0));
  const layers = [node, ...IMPORT_LAYERS].sort((a, b) => depth(a) - depth(b));
  return layers.map((layer) => {
    const entries = layer.mayImport.map(entryOf);
    const allowed = entries.map((e) => e.path);
    const shown = entries.length ? `only ${entries.map((e) => (e.typeOnly ? `types from ${e.path}` : e.path)).join(', ')}` : 'nothing of the project';
    const own = layer.folder === '*' ? [] : [layer.folder];
    const rules = {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: ROOT,
          zones: [
            {
              target: '.',
              from: '.',
              except: [...own, ...allowed, 'node_modules'],
              message: `${layer.folder === '*' ? 'A file outside the table' : layer.folder} may import ${shown} (docs/architecture.md, "Who may import whom").`,
            },
          ],
        },
      ],
    };
    // Each file gets its own row's rules only, so a row without type-only entries turns this off.
    const typeOnly = entries.filter((e) => e.typeOnly);
    rules['@typescript-eslint/no-restricted-imports'] = 'off';
    if (typeOnly.length) {
      rules['@typescript-eslint/no-restricted-imports'] = [
        'error',
        {
          patterns: typeOnly.map((e) => ({
            regex: `(^|/)${e.path.replace(/\.[cm]?[jt]sx?$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.[jt]sx?)?$`,
            allowTypeImports: true,
            message: `${layer.folder} may import only types from ${e.path}.`,
          })),
        },
      ];
    }
    const files = layer.folder === '*' ? [SOURCE] : isFile(layer.folder) ? [layer.folder] : [`${layer.folder}/**`];
    return { files, rules };
  });
}

export default tseslint.config(
  { ignores: ['.next/**', 'node_modules/**', '.data/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**', 'e2e/screenshots/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { '@next/next': nextPlugin, 'react-hooks': reactHooks, 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: path.join(ROOT, 'tsconfig.json') })] },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  ...boundaryConfigs(),
  { files: IMPORT_FREE, rules: { 'import-x/no-restricted-paths': 'off', '@typescript-eslint/no-restricted-imports': 'off' } },
  // Only server/env.ts reads the environment (Next's instrumentation hook must test the runtime itself).
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['server/env.ts', 'instrumentation.ts', '**/*.test.ts', 'server/testing/**', 'server/sandbox-cloud/cli.ts', 'e2e/**', '*.config.*', 'scripts/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/env.ts.' }] },
  },
);
