// The import allow-lists of eslint.config.js, run through ESLint itself: forbidden imports fail
// (alias or relative, import or re-export), allowed ones pass, and docs/architecture.md shows
// exactly the table the linter enforces.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { IMPORT_LAYERS, IMPORT_TABLE_END, IMPORT_TABLE_START, renderImportTable } from './eslint.config.js';

const ROOT = import.meta.dirname;
// no-unresolved too: an import that does not resolve is never checked, so a case must resolve.
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, 'eslint.config.js'), overrideConfig: { rules: { 'import-x/no-unresolved': 'error' } } });
const BOUNDARY_RULES = new Set(['import-x/no-restricted-paths', '@typescript-eslint/no-restricted-imports', 'no-restricted-properties', 'import-x/no-unresolved']);

/** The boundary errors ESLint reports for `code` as if it were the file at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId && BOUNDARY_RULES.has(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
}

const use = (specifier: string, name = 'x') => `import { ${name} } from '${specifier}';\nexport const used = ${name};\n`;

describe('forbidden imports fail lint', () => {
  it.each([
    ['relative import of db from the engine', 'server/engine/x.ts', use('../../db/client', 'openDatabase')],
    ['relative import of db from deep in the engine', 'server/engine/deep/er/x.ts', use('../../../../db', 'tables')],
    ['re-export of db from the engine', 'server/engine/x.ts', `export { tables } from '../../db';\n`],
    ['engine → services', 'server/engine/x.ts', use('@/server/services/templates/get-template', 'getTemplateOrThrow')],
    ['engine → jobs', 'server/engine/x.ts', use('@/server/jobs/enqueue', 'enqueue')],
    ['components → db', 'components/foo/x.tsx', use('@/db', 'tables')],
    ['components → services, relative', 'components/foo/x.tsx', use('../../server/services/database', 'getDatabase')],
    ['components → the server caller', 'components/foo/x.tsx', use('@/app/_trpc/server', 'serverApi')],
    ['UI primitives → server', 'components/ui/x.tsx', use('@/server/api/schemas/clouds', 'CLOUD_KINDS')],
    ['UI primitives → feature UI', 'components/ui/x.tsx', use('../clouds/cloud-badges', 'CloudBadge')],
    ['clouds → engine', 'server/clouds/x.ts', use('@/server/engine/build', 'buildTemplate')],
    ['clouds → engine, relative', 'server/clouds/aws/x.ts', use('../../engine/build', 'buildTemplate')],
    ['sandbox cloud → server/lib', 'server/sandbox-cloud/x.ts', use('@/server/lib/retry', 'retry')],
    ['sandbox cloud → clouds, relative', 'server/sandbox-cloud/world/x.ts', use('../../clouds/provider', 'createProvider')],
    ['api → db', 'server/api/routers/x.ts', use('@/db', 'tables')],
    ['api → jobs', 'server/api/routers/x.ts', use('@/server/jobs/enqueue', 'enqueue')],
    ['shared schemas → logger (would reach the client bundle)', 'server/api/schemas/x.ts', use('@/server/lib/logger', 'logger')],
    ['services → jobs other than enqueue', 'server/services/x.ts', use('@/server/jobs/boss', 'getBoss')],
    ['services → sandbox cloud', 'server/services/x.ts', use('@/server/sandbox-cloud/server', 'startSandboxCloud')],
    ['lib → db', 'server/lib/x.ts', use('@/db', 'tables')],
    ['db → services', 'db/x.ts', use('@/server/services/database', 'getDatabase')],
    ['db → a runtime value of a type-only module', 'db/schema/x.ts', use('@/server/clouds/provider', 'createProvider')],
    ['pages → services', 'app/(console)/x/page.tsx', use('@/server/services/database', 'getDatabase')],
    ['route adapters → db', 'app/api/x/route.ts', use('@/db', 'tables')],
    ['a folder without a row', 'server/newfolder/x.ts', use('@/server/lib/retry', 'retry')],
  ])('%s (%s)', async (_label, file, code) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/Who may import whom|may import only types/);
  });

  it('names the allowed folders in the message', async () => {
    const [error] = await boundaryErrors('server/engine/x.ts', use('../../db/client', 'openDatabase'));
    expect(error).toContain('server/engine may import only server/clouds, server/lib');
  });

  it('keeps process.env to server/env.ts', async () => {
    expect(await boundaryErrors('server/services/x.ts', 'export const port = process.env.PORT;\n')).toEqual([
      expect.stringContaining('Read configuration through server/env.ts.'),
    ]);
    expect(await boundaryErrors('server/env.ts', 'export const port = process.env.PORT;\n')).toEqual([]);
  });
});

describe('allowed imports pass lint', () => {
  it.each([
    ['server/services/clouds/x.ts', '@/db', 'tables'],
    ['server/services/clouds/x.ts', '../../../db', 'tables'],
    ['server/services/clouds/x.ts', '@/server/jobs/enqueue', 'enqueue'],
    ['server/services/clouds/x.ts', '@/server/clouds', 'createProvider'],
    ['server/engine/x.ts', '@/server/clouds', 'createProvider'],
    ['server/engine/builders/x.ts', '../../clouds/provider', 'createProvider'],
    ['server/engine/x.ts', './runner/step', 'StepError'],
    ['server/clouds/x.ts', '@/server/lib/retry', 'retry'],
    ['server/sandbox-cloud/world/x.ts', '../server', 'startSandboxCloud'],
    ['server/api/routers/x.ts', '@/server/services/templates/get-template', 'getTemplateOrThrow'],
    ['server/api/routers/x.ts', '@/server/engine/template/validate', 'validateTemplate'],
    ['server/jobs/handlers/x.ts', '@/db', 'getDatabase'],
    ['components/foo/x.tsx', '@/components/ui/button', 'Button'],
    ['components/foo/x.tsx', '@/app/_trpc/react', 'trpc'],
    ['components/foo/x.tsx', '@/server/api/schemas/clouds', 'CLOUD_KINDS'],
    ['components/ui/x.tsx', './cn', 'cn'],
    ['app/(console)/x/page.tsx', '@/components/layout/page-header', 'PageHeader'],
    ['app/(console)/x/page.tsx', '@/app/_trpc/server', 'serverApi'],
    ['app/api/x/route.ts', '@/server/api/root', 'appRouter'],
    ['db/x.ts', '@/server/env', 'env'],
    ['server/boot.ts', '@/server/sandbox-cloud/server', 'startSandboxCloud'],
    // Tests and their helpers may cross layers.
    ['server/engine/x.test.ts', '../../db', 'tables'],
    ['server/clouds/x.test.ts', '@/server/sandbox-cloud/server', 'startSandboxCloud'],
    ['server/testing/x.ts', '@/server/services/users/insert-user', 'insertUser'],
  ])('%s imports %s', async (file, specifier, name) => {
    expect(await boundaryErrors(file, use(specifier, name))).toEqual([]);
  });

  it('db/schema imports types of stored JSON', async () => {
    const code = `import type { ZoneCapabilities } from '@/server/clouds/provider';\nexport type Z = ZoneCapabilities;\n`;
    expect(await boundaryErrors('db/schema/x.ts', code)).toEqual([]);
  });
});

describe('the table', () => {
  it('docs/architecture.md shows exactly the table the linter enforces', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    const start = doc.indexOf(IMPORT_TABLE_START);
    const end = doc.indexOf(IMPORT_TABLE_END);
    expect(start, 'the generated block is missing from docs/architecture.md').toBeGreaterThanOrEqual(0);
    // On a difference, `npm run docs:imports` rewrites the doc's copy.
    expect(doc.slice(start + IMPORT_TABLE_START.length, end).trim()).toBe(renderImportTable());
  });

  it('names only folders and files that exist', () => {
    const paths = IMPORT_LAYERS.flatMap((l) => [l.folder, ...l.mayImport.map((e) => (typeof e === 'string' ? e : e.path))]);
    expect(paths.filter((p) => !existsSync(path.join(ROOT, p)))).toEqual([]);
  });
});
