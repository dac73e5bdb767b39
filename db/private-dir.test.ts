import { chmodSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DRIVER } from '@/server/testing/test-db';
import { openDatabase } from './client';
import { migrateDatabase } from './migrate';

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** Every folder and file under root with its permission bits. */
function modes(root: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    out.push({ path: path.relative(root, p) || '.', dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(path.join(p, name));
  };
  walk(root);
  return out;
}

// PGlite only: the postgres project runs the same files, and PostgreSQL keeps its own files.
describe.skipIf(TEST_DRIVER !== 'pglite')('the data folder at rest', () => {
  it('a PGlite database lives in an owner-only folder (0700) whose files are 0600, older folders included', { timeout: 120_000 }, async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'rome-data-'));
    made.push(parent);
    // As an older version left it: world-readable folder and files.
    const dataDir = path.join(parent, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(path.join(dataDir, 'sandbox-state.json'), '{}', { mode: 0o644 });
    chmodSync(path.join(dataDir, 'sandbox-state.json'), 0o644);

    const database = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite'), dataDir });
    try {
      await migrateDatabase(database);
      database.privatise?.();
      const all = modes(dataDir);
      expect(all.filter((e) => !e.dir).length).toBeGreaterThan(10); // PGlite's own files are there
      const open = all.filter((e) => (e.dir ? e.mode !== 0o700 : (e.mode & 0o077) !== 0));
      expect(open.map((e) => `${e.path} ${e.mode.toString(8)}`)).toEqual([]);
      expect(all.find((e) => e.path === '.')?.mode).toBe(0o700);
      expect(all.find((e) => e.path === 'sandbox-state.json')?.mode).toBe(0o600);
    } finally {
      await database.close();
    }
  });
});
